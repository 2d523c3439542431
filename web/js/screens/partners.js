// partners.js - #/partners (supervisor): each partner and its policy
// (doc/partners.md), the policy edited in place, a preview of what the
// partner would receive now after redaction, and exports: started in the
// background (POST /exports), their job polled until done, then their
// signed files to download; below, the export log. An administrator may
// add a partner.
import { api, ApiError } from '../api.js';
import { h, clear, field, clearErrors, select, notice, when, idLink, table, badge, num } from '../dom.js';
import { t } from '../i18n.js';
import { allows } from '../router.js';
import { mergePatch, showFieldError, clearField } from './form.js';

const CEILINGS = ['clear', 'green', 'amber', 'amber+strict'];
const PROFILES = ['non-nominal', 'nominal'];
const SEVERITIES = ['low', 'medium', 'high', 'critical'];
const STATUSES = ['new', 'acknowledged', 'escalated', 'dismissed', 'promoted'];
const FORMATS = ['stix', 'misp', 'csv'];
const PREVIEW_GROUPS = 20;
const LOG_LIMIT = 20;
// An export's job is asked about after 250 ms, then less and less often
// (up to every 2 s), for at most ten minutes.
const POLL_FIRST = 250;
const POLL_EVERY = 2000;
const POLL_FOR = 10 * 60 * 1000;

const wide2 = (el) => { el.classList.add('span2'); return el; };
const pause = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });
const list = (s) => s.split(',').map((x) => x.trim()).filter(Boolean);
const fileHref = (seq, name) => `/api/v1/exports/${encodeURIComponent(seq)}/${encodeURIComponent(name)}`;

// A list of values, or what null means for it ("All", "Any", "None").
function members(v, labels, empty) {
  if (v === null || v === undefined) return h('span', { class: 'muted' }, t(empty));
  if (!v.length) return h('span', { class: 'muted' }, t('partners.none'));
  return v.map((x, i) => [i ? ', ' : '', labels ? labels(x) : x]);
}

function policyFacts(p) {
  const row = (k, v) => [h('dt', {}, t(k)), h('dd', {}, v)];
  return h('dl', { class: 'facts' },
    row('partners.country', p.country || ''),
    row('partners.max_tlp', badge('tlp', p.max_tlp)),
    row('partners.profile', t(`partners.profile_${p.profile}`, {}, p.profile)),
    row('partners.rules', members(p.rules, null, 'partners.all')),
    row('partners.severities', members(p.severities, (s) => t(`severity.${s}`, {}, s), 'partners.all')),
    row('partners.tags', members(p.tags, null, 'partners.any')),
    row('partners.statuses', members(p.statuses, (s) => t(`alert_status.${s}`, {}, s), 'partners.all')),
    row('partners.cases', members(p.cases, (c) => idLink(c), 'partners.none')),
    row('common.updated', [when(p.updated_at), ' ', t('partners.by', { user: p.updated_by || '' }),
      ' (', t('partners.version', { version: p.version }), ')']));
}

// Check boxes for a selector of the policy: every box ticked means all
// (null), none ticked is an empty list, which the API refuses.
function checks(name, values, labels, chosen) {
  const err = `${name}-checks-err`;
  const boxes = values.map((v) => h('input', { type: 'checkbox', value: v, checked: !chosen || chosen.includes(v) }));
  const el = h('fieldset', { class: 'field checks', 'data-field': name, 'aria-describedby': err },
    h('legend', {}, t(`partners.${name}`)),
    h('div', { class: 'check-row' }, boxes.map((b, i) => h('label', {}, b, ' ', labels(values[i])))),
    h('small', {}, t('partners.hint_checks')),
    h('span', { class: 'field-error', id: err, 'aria-live': 'polite' }));
  return {
    el,
    get: () => {
      const on = boxes.filter((b) => b.checked).map((b) => b.value);
      return on.length === values.length ? null : on;
    },
  };
}

function policyForm(p, onsaved, oncancel) {
  const country = h('input', { type: 'text', class: 'code-input', maxlength: 2, size: 4, value: p.country || '',
    autocapitalize: 'characters', spellcheck: 'false' });
  const maxTlp = select(CEILINGS.map((v) => [v, t(`tlp.${v}`)]), p.max_tlp);
  const profile = select(PROFILES.map((v) => [v, t(`partners.profile_${v}`)]), p.profile);
  const rules = h('input', { type: 'text', value: (p.rules || []).join(', ') });
  const tags = h('input', { type: 'text', value: (p.tags || []).join(', ') });
  const cases = h('input', { type: 'text', class: 'mono', value: (p.cases || []).join(', '), spellcheck: 'false' });
  const sev = checks('severities', SEVERITIES, (s) => t(`severity.${s}`), p.severities);
  const st = checks('statuses', STATUSES, (s) => t(`alert_status.${s}`), p.statuses);
  const values = () => ({
    country: country.value.trim().toUpperCase(),
    max_tlp: maxTlp.value,
    profile: profile.value,
    rules: list(rules.value).length ? list(rules.value) : null,
    severities: sev.get(),
    tags: list(tags.value).length ? list(tags.value) : null,
    statuses: st.get(),
    cases: list(cases.value).map((c) => c.toUpperCase()),
  });
  const before = values();
  const status = h('div', { class: 'form-status', 'aria-live': 'polite' });
  const save = h('button', { type: 'submit', class: 'primary' }, t('partners.save_policy'));
  const form = h('form', {
    class: 'policy-form', novalidate: true, 'aria-label': t('partners.policy_of', { name: p.name }),
    oninput: (e) => clearField(e.target),
    onchange: (e) => clearField(e.target),
    onsubmit: async (e) => {
      e.preventDefault();
      clearErrors(form);
      clear(status);
      const patch = mergePatch(before, values());
      if (!Object.keys(patch).length) return onsaved(p, false);
      save.disabled = true;
      try {
        onsaved(await api.patch(`/partners/${encodeURIComponent(p.name)}`, patch), true);
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        showFieldError(form, status, err);
      } finally {
        save.disabled = false;
      }
    },
  },
  h('div', { class: 'grid form-grid' },
    field(t('partners.country'), country, { name: 'country', hint: t('forms.hint_country') }),
    field(t('partners.max_tlp'), maxTlp, { name: 'max_tlp', hint: t('partners.hint_max_tlp') }),
    wide2(field(t('partners.profile'), profile, { name: 'profile' })),
    field(t('partners.cases'), cases, { name: 'cases', hint: t('partners.hint_cases') }),
    field(t('partners.rules'), rules, { name: 'rules', hint: t('partners.hint_all') }),
    field(t('partners.tags'), tags, { name: 'tags', hint: t('partners.hint_any') })),
  h('div', { class: 'checks-row' }, sev.el, st.el),
  status,
  h('div', { class: 'actions' }, save, h('button', { type: 'button', onclick: oncancel }, t('common.cancel'))));
  return { form, focus: () => country.focus() };
}

// The server's label, in the UI's language where it is made of words the
// catalogue has: a link's type, a seizure's category.
function labelOf(r) {
  if (r.kind === 'link' && r.from && r.to && r.type) return `${r.from} ${t(`link_type.${r.type}`, {}, r.type)} ${r.to}`;
  if (r.kind === 'seizure' && r.commodity && r.commodity.category) {
    const cat = t(`category.${r.commodity.category}`, {}, r.commodity.category);
    return `${r.id}: ${cat}${r.commodity.description ? `, ${r.commodity.description}` : ''}`;
  }
  return r.label || r.id;
}

function recordLine(r) {
  return h('li', {}, h('span', { class: 'picker-kind' }, t(`kind.${r.kind}`, {}, r.kind)), ' ',
    h('span', { class: 'bidi' }, labelOf(r)), ' ', badge('tlp', r.tlp));
}

async function showPreview(p, area) {
  clear(area).append(h('p', { class: 'loading', role: 'status' }, t('common.loading')));
  const pv = await api.get(`/partners/${encodeURIComponent(p.name)}/preview`, { limit: PREVIEW_GROUPS });
  const s = pv.stats || {};
  const id = `preview-${p.name}`;
  const stat = (k, v) => h('div', {}, h('dt', {}, t(k)), h('dd', {}, num(v || 0)));
  clear(area).append(h('section', { class: 'preview', 'aria-labelledby': id },
    h('h3', { id }, t('partners.preview_title', { name: p.name })),
    h('dl', { class: 'stats' },
      stat('partners.stat_groups', s.groups), stat('partners.stat_records', s.records),
      stat('partners.stat_links', s.links), stat('partners.stat_withheld', s.withheld),
      stat('partners.stat_dropped', s.texts_dropped)),
    h('p', { class: 'muted' }, t('partners.preview_note')),
    pv.groups.length ? pv.groups.map((g) => h('div', { class: 'preview-group' },
      h('h4', {}, h('span', { class: 'picker-kind' }, t(`kind.${g.kind}`, {}, g.kind)), ' ',
        h('span', { class: 'bidi' }, (g.head && g.head.label) || g.id), ' ', badge('tlp', g.tlp)),
      g.members.length ? h('ul', { class: 'plain', 'aria-label': t('partners.members') }, g.members.map(recordLine)) : null,
      g.links.length ? h('ul', { class: 'plain links', 'aria-label': t('partners.links') }, g.links.map(recordLine)) : null))
      : h('p', { class: 'empty' }, t('partners.preview_empty')),
    pv.more ? notice(t('partners.more', { n: PREVIEW_GROUPS }), 'info') : null));
}

function filesTable(seq, files) {
  return table([
    [t('partners.file'), (f) => h('a', { href: fileHref(seq, f.name), download: f.name, class: 'mono nowrap' }, f.name)],
    [t('partners.size'), (f) => h('span', { class: 'nowrap' }, t('partners.bytes', { n: num(f.bytes) }))],
    ['SHA-256', (f) => h('span', { class: 'mono hash' }, f.sha256)],
  ], files || [], { caption: t('partners.files_of', { seq }) });
}

// Start an export of `p` and follow its job until it is done.
function exportForm(p, ctx, onexported) {
  const format = select(FORMATS.map((v) => [v, t(`partners.format_${v}`)]), 'stix');
  const since = h('input', { type: 'date' });
  const status = h('div', { class: 'form-status', 'aria-live': 'polite' });
  const out = h('div', {});
  const startBtn = h('button', { type: 'submit', class: 'primary' }, t('partners.export'));

  const follow = async (job) => {
    let delay = POLL_FIRST;
    const until = Date.now() + POLL_FOR;
    for (;;) {
      await pause(delay);
      if (ctx.stale() || !form.isConnected) return null;
      const j = await api.get(`/exports/${encodeURIComponent(job)}`);
      if (j.status !== 'running') return j;
      if (Date.now() > until) return { status: 'timeout', job };
      delay = Math.min(delay * 2, POLL_EVERY);
    }
  };
  const run = async (job) => {
    startBtn.disabled = true;
    clear(status).append(h('p', { class: 'muted', role: 'status' }, t('partners.running')));
    let j;
    try {
      j = await follow(job);
    } catch (err) {
      j = { status: 'failed', error: err.message };
    } finally {
      startBtn.disabled = false;
    }
    if (!j) return;
    clear(status);
    if (j.status === 'done') {
      status.append(notice(t('partners.done', { seq: j.export.seq }), 'ok'));
      clear(out).append(filesTable(j.export.seq, j.export.files), h('p', { class: 'muted' }, t('partners.signed_note')));
      onexported();
    } else if (j.status === 'timeout') {
      status.append(h('div', { class: 'notice warn', role: 'status' }, t('partners.still_running'), ' ',
        h('button', { type: 'button', onclick: () => run(job) }, t('partners.check_again'))));
    } else {
      status.append(notice(t('partners.failed', { message: j.error || '' })));
    }
  };
  const form = h('form', {
    class: 'toolbar export-form', novalidate: true, 'aria-label': t('partners.export_of', { name: p.name }),
    onsubmit: async (e) => {
      e.preventDefault();
      clearErrors(form);
      clear(status);
      clear(out);
      let job;
      try {
        job = await api.post('/exports', { partner: p.name, format: format.value, since: since.value || undefined });
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        showFieldError(form, status, err);
        return;
      }
      await run(job.job);
    },
  },
  field(t('partners.format'), format, { name: 'format' }),
  field(t('partners.since'), since, { name: 'since' }),
  startBtn);
  return h('div', { class: 'export' }, form, status, out);
}

function partnerSection(p0, ctx, onexported) {
  let p = p0;
  const hid = `partner-${p.name}`;
  const facts = h('div', {});
  const said = h('div', { class: 'form-status', 'aria-live': 'polite' });
  const editArea = h('div', {});
  const previewArea = h('div', {});
  const edit = h('button', { type: 'button', 'aria-expanded': 'false' }, t('partners.edit'));
  const prev = h('button', { type: 'button' }, t('partners.preview'));
  const draw = () => clear(facts).append(policyFacts(p));
  const closeEdit = () => { clear(editArea); edit.setAttribute('aria-expanded', 'false'); };
  edit.addEventListener('click', () => {
    if (edit.getAttribute('aria-expanded') === 'true') return closeEdit();
    clear(said);
    const pf = policyForm(p, (np, changed) => {
      p = np;
      draw();
      closeEdit();
      if (changed) said.append(notice(t('partners.saved'), 'ok'));
      edit.focus();
      if (changed && previewArea.firstChild) showPreview(p, previewArea).catch((err) => previewArea.append(notice(err.message)));
    }, () => { closeEdit(); edit.focus(); });
    editArea.append(pf.form);
    edit.setAttribute('aria-expanded', 'true');
    pf.focus();
  });
  prev.addEventListener('click', async () => {
    prev.disabled = true;
    try {
      await showPreview(p, previewArea);
    } catch (err) {
      clear(previewArea).append(notice(err.message));
    } finally {
      prev.disabled = false;
    }
  });
  draw();
  return h('section', { class: 'panel partner', 'aria-labelledby': hid },
    h('h2', { id: hid }, p.name),
    facts,
    said,
    h('div', { class: 'actions' }, edit, prev),
    editArea,
    previewArea,
    h('h3', {}, t('partners.export_title')),
    exportForm(p, ctx, onexported));
}

function logTable(items) {
  return table([
    [t('partners.seq'), (e) => h('span', { class: 'mono' }, String(e.seq))],
    [t('common.when'), (e) => when(e.at)],
    [t('common.by'), (e) => h('span', { class: 'nowrap' }, e.by || '')],
    [t('partners.partner'), (e) => e.partner],
    [t('partners.format'), (e) => [t(`partners.format_${e.format}`, {}, e.format),
      e.since ? h('div', { class: 'muted' }, t('partners.since_when'), ' ', when(e.since)) : null]],
    [t('partners.shared'), (e) => t('partners.shared_counts', { groups: num(e.groups), records: num(e.records), links: num(e.links) })],
    // Files are kept for download only for exports made here (href).
    [t('partners.files'), (e) => [h('ul', { class: 'plain files' }, (e.files || []).map((f) =>
      h('li', {}, e.href ? h('a', { href: fileHref(e.seq, f.name), download: f.name, class: 'mono filename' }, f.name)
        : h('span', { class: 'mono nowrap' }, f.name)))),
      e.file_count > (e.files || []).length ? h('small', {}, t('partners.more_files', { n: num(e.file_count - e.files.length) })) : null,
      e.href ? null : h('small', {}, t('partners.not_kept'))]],
  ], items, { empty: t('partners.log_empty') });
}

function addForm(onadded, oncancel) {
  const name = h('input', { type: 'text', class: 'mono', spellcheck: 'false', autocapitalize: 'none' });
  const country = h('input', { type: 'text', class: 'code-input', maxlength: 2, size: 4, autocapitalize: 'characters', spellcheck: 'false' });
  const maxTlp = select(CEILINGS.map((v) => [v, t(`tlp.${v}`)]), 'amber');
  const profile = select(PROFILES.map((v) => [v, t(`partners.profile_${v}`)]), 'non-nominal');
  const status = h('div', { class: 'form-status', 'aria-live': 'polite' });
  const form = h('form', {
    class: 'panel add-partner', novalidate: true, 'aria-labelledby': 'add-partner-title',
    oninput: (e) => clearField(e.target),
    onsubmit: async (e) => {
      e.preventDefault();
      clearErrors(form);
      clear(status);
      try {
        const p = await api.post('/partners', { name: name.value.trim(), country: country.value.trim().toUpperCase(),
          max_tlp: maxTlp.value, profile: profile.value });
        onadded(p);
      } catch (err) {
        if (!(err instanceof ApiError)) throw err;
        showFieldError(form, status, err);
      }
    },
  },
  h('h2', { id: 'add-partner-title' }, t('partners.add_title')),
  h('div', { class: 'grid form-grid' },
    field(t('partners.name'), name, { name: 'name', hint: t('partners.hint_name') }),
    field(t('partners.country'), country, { name: 'country', hint: t('forms.hint_country') }),
    field(t('partners.max_tlp'), maxTlp, { name: 'max_tlp' }),
    wide2(field(t('partners.profile'), profile, { name: 'profile' }))),
  status,
  h('div', { class: 'actions' }, h('button', { type: 'submit', class: 'primary' }, t('partners.add')),
    h('button', { type: 'button', onclick: oncancel }, t('common.cancel'))));
  return { form, focus: () => name.focus() };
}

export default {
  async render(root, ctx) {
    const admin = allows(ctx.me.role, 'admin');
    const logArea = h('div', {});
    const refreshLog = async () => {
      const log = await api.get('/exports', { limit: LOG_LIMIT });
      clear(logArea).append(logTable(log.items));
    };

    const draw = async (message) => {
      const [partners] = await Promise.all([api.get('/partners'), refreshLog()]);
      const addArea = h('div', {});
      const said = h('div', { class: 'form-status', 'aria-live': 'polite' }, message ? notice(message, 'ok') : null);
      const addBtn = admin ? h('button', {
        type: 'button', class: 'primary', 'aria-expanded': 'false',
        onclick: () => {
          if (addArea.firstChild) { clear(addArea); addBtn.setAttribute('aria-expanded', 'false'); return; }
          const af = addForm((p) => draw(t('partners.added', { name: p.name })),
            () => { clear(addArea); addBtn.setAttribute('aria-expanded', 'false'); addBtn.focus(); });
          addArea.append(af.form);
          addBtn.setAttribute('aria-expanded', 'true');
          af.focus();
        },
      }, t('partners.add')) : null;
      clear(root).append(
        h('div', { class: 'page-head' }, h('h1', {}, t('partners.title')), addBtn),
        h('p', { class: 'muted' }, t('partners.intro')),
        said,
        addArea,
        partners.items.length
          ? h('div', { class: 'partners' }, partners.items.map((p) => partnerSection(p, ctx, () => refreshLog().catch(() => {}))))
          : h('p', { class: 'empty' }, t('partners.empty')),
        h('section', { class: 'export-log', 'aria-labelledby': 'export-log-title' },
          h('h2', { id: 'export-log-title' }, t('partners.log')),
          h('p', { class: 'muted' }, t('partners.log_note', { n: LOG_LIMIT })),
          logArea));
    };
    await draw();
  },
};
