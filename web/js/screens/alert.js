// alert.js - #/alerts/A-1: one alert: what it says, the rule and the
// version of it that raised it, its explanation, the records it matched
// (each read and linked), its history; and its triage: acknowledge,
// escalate or dismiss with a note, promote it to a new case, or attach it
// to an existing case found by searching.
import { api, ApiError } from '../api.js';
import { h, append, when, idLink, table, badge, field, notice, clear, num, hrefOf } from '../dom.js';
import { t } from '../i18n.js';
import { href, go, allows } from '../router.js';

const ACTIONS = [['ack', 'alert.ack', 'acknowledged'], ['escalate', 'alert.escalate', 'escalated'],
  ['dismiss', 'alert.dismiss', 'dismissed']];
const PLURAL = { C: 'cases', S: 'seizures', E: 'entities', R: 'routes', L: 'links', V: 'evidence', A: 'alerts' };
const KIND = { C: 'case', S: 'seizure', E: 'entity', R: 'route', L: 'link', V: 'evidence', A: 'alert' };
const SHOWN = 50;	// records read and shown; the rest are listed by id
const HISTORY = 100;	// the newest entries of its history shown

// What a record is, in a few words, for the list of matched records.
function label(r) {
  switch (r.kind) {
    case 'case': return r.title;
    case 'seizure': {
      const c = r.commodity || {}, qn = r.quantity;
      return [t(`category.${c.category}`, {}, c.category), c.description,
        qn ? `${num(qn.amount)} ${t(`unit.${qn.unit}`, {}, qn.unit)}` : null,
        r.location && r.location.place].filter(Boolean).join(' · ');
    }
    case 'entity': return `${r.name} (${t(`entity_type.${r.type}`, {}, r.type)})`;
    case 'route': return [r.origin, ...(r.transit || []), r.destination].filter(Boolean).join(' → ');
    case 'link': return `${r.from} ${t(`link_type.${r.type}`, {}, r.type)} ${r.to}`;
    case 'evidence': return r.filename;
    case 'alert': return r.title;
    default: return '';
  }
}

async function readRef(id) {
  const p = PLURAL[String(id).split('-')[0]];
  if (!p) return { id, missing: true };
  try {
    return await api.get(`/${p}/${encodeURIComponent(id)}`);
  } catch (err) {
    if (err instanceof ApiError && (err.status === 404 || err.status === 403)) return { id, missing: true };
    throw err;
  }
}

export default {
  async render(root, { me, params }) {
    const id = params.id;
    const a = await api.get(`/alerts/${encodeURIComponent(id)}`);
    const refs = a.refs || [];
    const analyst = allows(me.role, 'analyst');
    const [records, versions, trail] = await Promise.all([
      Promise.all(refs.slice(0, SHOWN).map(readRef)),
      analyst ? api.get(`/rules/${encodeURIComponent(a.rule)}/history`).then((r) => r.items, () => []) : [],
      api.get(`/alerts/${encodeURIComponent(id)}/history`, { limit: HISTORY }),
    ]);
    const ver = versions.find((v) => v.commit === a.rule_version);
    const final = a.status === 'promoted';

    // --- what it says
    const facts = h('dl', { class: 'facts' },
      h('dt', {}, t('common.id')), h('dd', {}, a.id),
      h('dt', {}, t('alert.rule')), h('dd', {},
        analyst ? h('a', { href: href(`rules/${a.rule}`), class: 'mono' }, a.rule) : h('span', { class: 'mono' }, a.rule)),
      h('dt', {}, t('alert.rule_version')), h('dd', {},
        ver ? `${t('alert.version_n', { n: ver.version })} · ` : null,
        analyst ? h('a', { href: href(`rules/${a.rule}`, { version: a.rule_version }), title: a.rule_version,
          'aria-label': t('alert.version_source', { commit: a.rule_version }) }, h('code', {}, String(a.rule_version).slice(0, 12)))
          : h('code', { title: a.rule_version }, String(a.rule_version || '').slice(0, 12))),
      h('dt', {}, t('alert.key')), h('dd', { class: 'mono' }, a.key),
      h('dt', {}, t('alert.raised')), h('dd', {}, when(a.raised_at)),
      h('dt', {}, t('alert.last_seen')), h('dd', {}, when(a.last_seen_at)),
      a.case ? [h('dt', {}, t('alert.case')), h('dd', {}, idLink(a.case))] : null);

    const matched = table([
      [t('alert.kind'), (r) => t(`kind.${r.kind || KIND[String(r.id).split('-')[0]]}`)],
      [t('common.id'), (r) => (r.missing ? r.id : idLink(r.id))],
      [t('alert.what'), (r) => (r.missing ? h('span', { class: 'muted' }, t('alert.ref_missing'))
        : h('a', { href: hrefOf(r.id), class: 'bidi' }, label(r)))],
      [t('common.tlp'), (r) => badge('tlp', r.tlp)],
    ], records, { empty: t('alert.no_refs') });
    const rest = refs.slice(SHOWN);

    // --- its history, newest first, from the audit trail: raised (by a
    // write that ran the rule), raised again, each change and its note
    const history = table([
      [t('common.when'), (e) => when(e.at)],
      [t('common.by'), (e) => e.user],
      [t('common.what'), (e) => t(`alert.op.${e.op}`, {}, e.op)],
      [t('common.note'), (e) => (e.note ? h('span', { class: 'multiline' }, e.note) : '')],
    ], trail.items, { caption: t('alert.history_caption') });

    // --- triage
    const out = h('div', { 'aria-live': 'polite' });
    const note = h('textarea', { rows: '2', maxlength: '2000' });
    const busy = (on) => { for (const b of root.querySelectorAll('.alert-triage button')) b.disabled = on || b.dataset.never === '1'; };
    async function act(path, body, then) {
      clear(out);
      busy(true);
      try {
        const r = await api.post(`/alerts/${encodeURIComponent(id)}/${path}`, body);
        then(r);
      } catch (err) {
        out.append(notice(err.message));
        busy(false);
      }
    }
    const noteBody = (extra = {}) => (note.value.trim() ? { ...extra, note: note.value.trim() } : extra);
    const triage = final ? h('section', { class: 'panel alert-triage', 'aria-labelledby': 'triage-h' },
      h('h2', { id: 'triage-h' }, t('alert.triage')),
      notice(t('alert.final', { case: a.case }), 'info'),
      h('p', {}, h('a', { class: 'button', href: hrefOf(a.case) }, t('alert.open_case', { case: a.case }))))
      : h('section', { class: 'panel alert-triage', 'aria-labelledby': 'triage-h' },
        h('h2', { id: 'triage-h' }, t('alert.triage')),
        field(t('alert.note'), note, { name: 'note', hint: t('alert.note_hint') }),
        h('div', { class: 'actions' },
          ACTIONS.map(([action, key, status]) => h('button', {
            type: 'button', disabled: a.status === status, 'data-never': a.status === status ? '1' : null,
            onclick: () => act(action, noteBody(), () => go(`alerts/${id}`)),
          }, t(key))),
          h('button', {
            type: 'button', class: 'primary',
            onclick: () => act('promote', noteBody(), (r) => go(`cases/${r.case}`)),
          }, t('alert.promote'))),
        attachForm(act, noteBody),
        out);

    append(root, [
      h('div', { class: 'page-head' },
        h('h1', { class: 'bidi' }, a.title),
        h('div', { class: 'alert-badges' }, badge('severity', a.severity), ' ', badge('alert_status', a.status), ' ', badge('tlp', a.tlp))),
      h('p', {}, h('a', { href: href('alerts') }, t('alert.back'))),
      h('div', { class: 'two-cols' },
        h('div', {},
          h('section', { class: 'panel', 'aria-labelledby': 'facts-h' }, h('h2', { id: 'facts-h' }, t('alert.about')), facts),
          h('section', { 'aria-labelledby': 'explain-h' }, h('h2', { id: 'explain-h' }, t('alert.explain')),
            a.explain ? h('pre', { class: 'explain bidi' }, a.explain) : h('p', { class: 'empty' }, t('alert.no_explain'))),
          h('section', { 'aria-labelledby': 'refs-h' },
            h('h2', { id: 'refs-h' }, t('alert.records', { n: num(refs.length) })),
            matched,
            rest.length ? h('p', {}, t('alert.more_refs', { n: num(rest.length) }), ' ',
              rest.map((r, i) => [i ? ', ' : '', idLink(r)])) : null),
          h('section', { 'aria-labelledby': 'hist-h' }, h('h2', { id: 'hist-h' }, t('alert.history')), history,
            trail.next ? h('p', { class: 'muted' }, t('alert.history_more', { n: num(HISTORY) })) : null)),
        h('div', {}, triage))]);
  },
};

// Attach to an existing case: search cases by their words or id, choose
// one, and the alert joins it (then the case opens).
function attachForm(act, noteBody) {
  const q = h('input', { type: 'search', autocomplete: 'off' });
  const found = h('div', { class: 'attach-results', 'aria-live': 'polite' });
  async function search(e) {
    e.preventDefault();
    const text = q.value.trim();
    clear(found);
    if (!text) return;
    let cases = [];
    try {
      if (/^C-\d+$/i.test(text)) {
        cases = [await api.get(`/cases/${text.toUpperCase()}`)];
      } else {
        cases = (await api.get('/search', { q: text, limit: 50 })).items.filter((r) => r.kind === 'case');
      }
    } catch (err) {
      if (!(err instanceof ApiError && err.status === 404)) {
        found.append(notice(err.message));
        return;
      }
    }
    if (!cases.length) {
      found.append(h('p', { class: 'empty' }, t('alert.no_cases')));
      return;
    }
    found.append(h('ul', { class: 'attach-list', 'aria-label': t('alert.cases_found') }, cases.map((c) => h('li', {},
      h('button', {
        type: 'button',
        'aria-label': t('alert.attach_to', { case: c.id, title: c.title }),
        onclick: () => act('attach', noteBody({ case: c.id }), (r) => go(`cases/${r.case}`)),
      }, t('alert.attach')),
      ' ', idLink(c.id), ' ', h('span', { class: 'bidi' }, c.title), ' ', badge('case_status', c.status)))));
  }
  return h('form', { class: 'attach', role: 'search', 'aria-labelledby': 'attach-h', onsubmit: search },
    h('h3', { id: 'attach-h' }, t('alert.attach_title')),
    h('div', { class: 'toolbar' },
      field(t('alert.find_case'), q, { name: 'q' }),
      h('button', { type: 'submit' }, t('alert.search'))),
    found);
}
