// rule.js - #/rules/NAME (and #/new/rule): a rule's source in an editor
// (CodeMirror from Debian's libjs-codemirror, or a plain text area if it
// cannot be loaded); a dry run over a chosen period showing inline the
// alerts it would raise and its errors with their lines (each takes the
// editor to its line); saving (which enables it), enabling and
// disabling; its latest errors; and its versions, any two compared as a
// diff made by the server (libgit2). ?version=COMMIT shows that version.
import { api } from '../api.js';
import { h, append, when, idLink, table, badge, field, notice, clear, num } from '../dom.js';
import { t, lang } from '../i18n.js';
import { href, go } from '../router.js';

const TEMPLATE = `-- What the rule looks for, in a sentence or two (doc/rules.md).
return {
  name = "my-rule",
  title = "Large wildlife seizure",
  severity = "medium",
  on = { "seizure" },
  check = function(rec)
    local q = rec.quantity
    if rec.commodity.category == "wildlife" and q and q.amount > 100 then
      alert {
        key = rec.id,
        title = "Wildlife: " .. q.amount .. " " .. q.unit,
        refs = { rec.id },
      }
    end
  end,
}
`;

const CM = '/vendor/codemirror/';

// A message for the next drawing of the screen (after a save).
let flash = null;

// --- the editor ---------------------------------------------------------------------------

let loading = null;

function loadScript(src) {
  return new Promise((resolve, reject) => {
    document.head.append(h('script', { src, onload: resolve, onerror: () => reject(new Error(src)) }));
  });
}

// CodeMirror with its Lua mode, once per page; null if it cannot be had.
function codemirror() {
  if (window.CodeMirror && window.CodeMirror.modes && window.CodeMirror.modes.lua)
    return Promise.resolve(window.CodeMirror);
  if (!loading) {
    const css = h('link', { rel: 'stylesheet' });
    css.setAttribute('href', `${CM}lib/codemirror.css`);
    document.head.append(css);
    loading = loadScript(`${CM}lib/codemirror.js`)
      .then(() => loadScript(`${CM}mode/lua/lua.js`))
      .then(() => (window.CodeMirror && window.CodeMirror.modes.lua ? window.CodeMirror : null))
      .catch(() => { loading = null; return null; });
  }
  return loading;
}

// An editor in `box` holding `text`, labelled `label`: { value(), goto(line),
// mark(lines), kind }. The plain text area behaves the same, without colours.
async function editor(box, text, label, hint) {
  const CodeMirror = await codemirror();
  const id = 'rule-source';
  const help = h('small', { id: `${id}-hint` }, hint);
  if (!CodeMirror) {
    const ta = h('textarea', { id, class: 'rule-source', rows: '22', spellcheck: 'false', autocomplete: 'off',
      autocapitalize: 'off', wrap: 'off', 'aria-describedby': `${id}-hint` });
    ta.value = text;
    box.append(h('label', { for: id }, label), ta, help);
    box.dataset.editor = 'textarea';
    return {
      kind: 'textarea',
      value: () => ta.value,
      goto(line) {
        const lines = ta.value.split('\n');
        const n = Math.min(Math.max(line, 1), lines.length);
        let start = 0;
        for (let i = 0; i < n - 1; i++) start += lines[i].length + 1;
        ta.focus();
        ta.setSelectionRange(start, start + lines[n - 1].length);
        const lh = parseFloat(getComputedStyle(ta).lineHeight) || 20;
        ta.scrollTop = Math.max(0, (n - 1) * lh - ta.clientHeight / 3);
      },
      mark() {},
    };
  }
  const lbl = h('label', { for: id }, label);
  const holder = h('div', { class: 'rule-editor' });
  box.append(lbl, holder, help);
  box.dataset.editor = 'codemirror';
  const cm = CodeMirror(holder, {
    value: text, mode: 'lua', lineNumbers: true, indentUnit: 2, tabSize: 2, viewportMargin: Infinity,
    // Tab leaves the editor, as everywhere else on the page.
    extraKeys: { Tab: false, 'Shift-Tab': false },
  });
  const input = cm.getInputField();
  input.id = id;
  input.setAttribute('aria-describedby', `${id}-hint`);
  lbl.addEventListener('click', () => cm.focus());
  let marked = [];
  return {
    kind: 'codemirror',
    value: () => cm.getValue(),
    goto(line) {
      const n = Math.min(Math.max(line, 1), cm.lineCount()) - 1;
      cm.focus();
      cm.setSelection({ line: n, ch: 0 }, { line: n, ch: cm.getLine(n).length });
      cm.scrollIntoView({ line: n, ch: 0 }, 80);
    },
    mark(lines) {
      for (const m of marked) cm.removeLineClass(m, 'background', 'rule-error-line');
      marked = [...new Set(lines)].filter((l) => l >= 1 && l <= cm.lineCount())
        .map((l) => cm.addLineClass(l - 1, 'background', 'rule-error-line'));
    },
    refresh: () => cm.refresh(),
  };
}

// The rule name a source gives (name = "…"), or null.
function nameOf(src) {
  const m = /\bname\s*=\s*["']([a-z0-9-]+)["']/.exec(src);
  return m ? m[1] : null;
}

// A button taking the editor to `line`.
function lineButton(ed, line, text) {
  return h('button', { type: 'button', class: 'link rule-line', onclick: () => ed.goto(line) },
    text || t('rule.line', { n: num(line) }));
}

// --- the screen ---------------------------------------------------------------------------

export default {
  async render(root, { params, query }) {
    const name = params.name || null;
    const isNew = !name;
    let rule = null;
    let versions = [];
    if (!isNew) {
      [rule, versions] = await Promise.all([
        api.get(`/rules/${encodeURIComponent(name)}`),
        api.get(`/rules/${encodeURIComponent(name)}/history`).then((r) => r.items),
      ]);
    }

    // --- head
    const head = h('div', { class: 'page-head' },
      h('h1', { class: 'bidi' }, isNew ? t('rule.new_title') : rule.title),
      isNew ? null : h('div', { class: 'rule-badges' },
        badge('rule_state', rule.enabled ? 'enabled' : 'disabled'), ' ', badge('severity', rule.severity)),
      isNew ? null : h('button', {
        type: 'button', class: rule.enabled ? '' : 'primary',
        onclick: async (e) => {
          e.target.disabled = true;
          try {
            await api.post(`/rules/${encodeURIComponent(name)}/${rule.enabled ? 'disable' : 'enable'}`);
            flash = t(rule.enabled ? 'rule.disabled_now' : 'rule.enabled_now');
            go(`rules/${name}`);
          } catch (err) {
            saveOut.replaceChildren(notice(err.message));
            e.target.disabled = false;
          }
        },
      }, t(rule.enabled ? 'rule.disable' : 'rule.enable')));

    const facts = isNew ? null : h('dl', { class: 'facts rule-facts' },
      h('dt', {}, t('rules.name')), h('dd', { class: 'mono' }, rule.name),
      h('dt', {}, t('rules.on')), h('dd', {}, (rule.on || []).map((k) => t(`kinds.${k}`, {}, k)).join(', ')),
      h('dt', {}, t('rules.version')), h('dd', {}, t('rules.version_n', { n: num(rule.version) }), ' · ',
        h('code', { title: rule.commit }, String(rule.commit).slice(0, 12)), ' · ', when(rule.updated_at), ' · ', rule.updated_by),
      h('dt', {}, t('rules.errors')), h('dd', {}, num(rule.error_count || 0)));

    // --- the source
    const box = h('div', { class: 'field rule-source-box' });
    const saveOut = h('div', { 'aria-live': 'polite' });
    const ed = await editor(box, isNew ? TEMPLATE : rule.source, t('rule.source'), t('rule.source_hint'));

    async function save(e) {
      const btn = e.target;
      clear(saveOut);
      const src = ed.value();
      const target = isNew ? nameOf(src) : name;
      if (!target) {
        saveOut.append(notice(t('rule.no_name')));
        return;
      }
      btn.disabled = true;
      try {
        if (isNew) {
          // Saving under a taken name would make a new version of that
          // rule: refuse it here (from the list, which is short).
          const { items } = await api.get('/rules');
          if (items.some((x) => x.name === target)) {
            saveOut.append(h('div', { class: 'notice error', role: 'alert' }, t('rule.exists', { name: target }), ' ',
              h('a', { href: href(`rules/${target}`) }, t('rule.open_it'))));
            btn.disabled = false;
            return;
          }
        }
        const r = await api.put(`/rules/${encodeURIComponent(target)}`, src, 'text/x-lua');
        flash = t('rule.saved', { n: num(r.version) });
        go(`rules/${target}`);
      } catch (err) {
        saveOut.append(failure(err, ed));
        btn.disabled = false;
      }
    }

    // --- the dry run
    const today = new Date().toISOString().slice(0, 10);
    const since = h('input', { type: 'date', max: today });
    const until = h('input', { type: 'date', max: today });
    const dryOut = h('div', { class: 'dry-results', 'aria-live': 'polite' });
    const dry = h('form', {
      class: 'toolbar', 'aria-labelledby': 'dry-h',
      onsubmit: async (e) => {
        e.preventDefault();
        const btn = e.submitter || dry.querySelector('button');
        btn.disabled = true;
        dryOut.replaceChildren(h('p', { class: 'muted', role: 'status' }, t('rule.running')));
        try {
          const r = await api.postText('/rules/test', ed.value(), 'text/x-lua', { since: since.value, until: until.value });
          dryOut.replaceChildren(dryResults(r, ed));
          ed.mark(r.errors.map((x) => x.line).filter(Boolean));
        } catch (err) {
          dryOut.replaceChildren(failure(err, ed));
          if (err.body && err.body.error && err.body.error.line) ed.mark([err.body.error.line]);
        }
        btn.disabled = false;
      },
    },
    field(t('rule.since'), since, { name: 'since' }),
    field(t('rule.until'), until, { name: 'until' }),
    h('button', { type: 'submit' }, t('rule.dry_run')));

    append(root, [
      head,
      h('p', {}, h('a', { href: href('rules') }, t('rule.back'))),
      flash ? notice(flash, 'ok') : null,
      isNew ? h('p', { class: 'muted' }, t('rule.new_intro')) : h('section', { class: 'panel', 'aria-label': t('rule.about') }, facts),
      h('section', { 'aria-labelledby': 'src-h' },
        h('h2', { id: 'src-h' }, t('rule.source_title')),
        box,
        h('div', { class: 'actions' },
          h('button', { type: 'button', class: 'primary', onclick: save }, t('rule.save'))),
        h('p', { class: 'muted' }, t('rule.save_hint')),
        saveOut),
      h('section', { class: 'panel', 'aria-labelledby': 'dry-h' },
        h('h2', { id: 'dry-h' }, t('rule.dry_title')),
        h('p', { class: 'muted' }, t('rule.dry_intro')),
        dry, dryOut),
      isNew ? null : errorsSection(rule, ed),
      isNew ? null : historySection(name, versions, query.get('version'))]);
    flash = null;
    if (ed.refresh) requestAnimationFrame(() => ed.refresh());
  },
};

// An error answered for the source: a syntax error gives its line.
function failure(err, ed) {
  const e = (err.body && err.body.error) || {};
  return h('div', { class: 'notice error', role: 'alert' },
    h('span', { class: 'multiline' }, err.message),
    e.line ? [' ', lineButton(ed, e.line, t('rule.goto_line', { n: num(e.line) }))] : null);
}

function dryResults(r, ed) {
  const shown = r.errors.length;
  return h('div', {},
    h('p', { role: 'status' }, t('rule.dry_summary', { records: num(r.records), alerts: num(r.alerts.length), errors: num(r.error_count) })),
    r.alerts.length ? table([
      [t('rules.severity'), (a) => badge('severity', a.severity)],
      [t('rule.alert_title'), (a) => [h('span', { class: 'bidi' }, a.title),
        a.explain ? h('pre', { class: 'explain small' }, a.explain) : null]],
      [t('rule.key'), (a) => h('span', { class: 'mono' }, a.key)],
      [t('rule.refs'), (a) => (a.refs || []).slice(0, 10).map((id, i) => [i ? ', ' : '', idLink(id)])],
    ], r.alerts.slice(0, 200), { caption: t('rule.would_raise_caption') }) : h('p', { class: 'empty' }, t('rule.no_alerts')),
    r.alerts.length > 200 ? h('p', { class: 'muted' }, t('rule.first_alerts', { n: 200 })) : null,
    shown ? h('h3', {}, t('rule.errors_title')) : null,
    shown ? h('ul', { class: 'rule-errors-list' }, r.errors.map((e) => h('li', {},
      e.line ? lineButton(ed, e.line) : h('span', { class: 'muted' }, t('rule.no_line')),
      ' ', idLink(e.record), ': ', h('span', { class: 'multiline' }, e.message)))) : null,
    r.error_count > shown ? h('p', { class: 'muted' }, t('rule.first_errors', { n: num(shown) })) : null);
}

// The errors the stored rule has had, newest first; a line is a link
// into the editor only for errors of the version in it.
function errorsSection(rule, ed) {
  const errs = rule.errors || [];
  return h('section', { 'aria-labelledby': 'errs-h' },
    h('h2', { id: 'errs-h' }, t('rule.latest_errors', { n: num(rule.error_count || 0) })),
    table([
      [t('common.when'), (e) => when(e.at)],
      [t('common.record'), (e) => idLink(e.record)],
      [t('rule.line_col'), (e) => (!e.line ? '' : e.commit === rule.commit ? lineButton(ed, e.line) : num(e.line))],
      [t('rule.message'), (e) => h('span', { class: 'multiline' }, e.message)],
    ], errs, { empty: t('rule.no_errors') }));
}

// The versions, newest first; any one's source, any two compared.
function historySection(name, versions, open) {
  const out = h('div', { class: 'rule-history-out', 'aria-live': 'polite' });
  const label = (v) => `${t('rules.version_n', { n: num(v.version) })} · ${new Date(v.at).toLocaleString(lang(), { dateStyle: 'medium', timeStyle: 'short' })}`;
  const options = (sel) => versions.map((v) => h('option', { value: v.commit, selected: v.commit === sel }, label(v)));
  const from = h('select', {}, options(versions[1] ? versions[1].commit : versions[0]?.commit));
  const to = h('select', {}, options(versions[0]?.commit));

  async function show(v) {
    out.replaceChildren(h('p', { class: 'muted', role: 'status' }, t('common.loading')));
    try {
      const r = await api.get(`/rules/${encodeURIComponent(name)}/source`, { version: v.commit });
      out.replaceChildren(h('h3', {}, t('rule.source_of', { n: num(v.version) })),
        h('pre', { class: 'rule-old-source', tabindex: '0', 'aria-label': t('rule.source_of', { n: num(v.version) }) }, r.source));
    } catch (err) {
      out.replaceChildren(notice(err.message));
    }
  }

  async function compare(e) {
    e.preventDefault();
    out.replaceChildren(h('p', { class: 'muted', role: 'status' }, t('common.loading')));
    const a = versions.find((v) => v.commit === from.value), b = versions.find((v) => v.commit === to.value);
    try {
      const d = await api.get(`/rules/${encodeURIComponent(name)}/diff`, { from: from.value, to: to.value });
      out.replaceChildren(
        h('h3', {}, t('rule.diff_title', { a: num(a.version), b: num(b.version) })),
        h('p', { class: 'muted' }, t('rule.diff_counts', { added: num(d.added), removed: num(d.removed) })),
        d.diff ? diffView(d.diff, t('rule.diff_title', { a: num(a.version), b: num(b.version) }))
          : h('p', { class: 'empty' }, t('rule.same')));
    } catch (err) {
      out.replaceChildren(notice(err.message));
    }
  }

  const section = h('section', { class: 'rule-history', 'aria-labelledby': 'hist-h' },
    h('h2', { id: 'hist-h' }, t('rule.history')),
    table([
      [t('rules.version'), (v) => h('span', { class: 'nowrap' }, t('rules.version_n', { n: num(v.version) }))],
      [t('rule.commit'), (v) => h('code', { title: v.commit, class: 'nowrap' }, v.commit.slice(0, 12))],
      [t('common.when'), (v) => when(v.at)],
      [t('common.by'), (v) => h('span', { class: 'nowrap' }, v.by)],
      [t('rule.commit_message'), (v) => v.message || ''],
      ['', (v) => h('button', { type: 'button', class: 'link', onclick: () => show(v),
        'aria-label': t('rule.show_source_n', { n: num(v.version) }) }, t('rule.show_source'))],
    ], versions, { caption: t('rule.versions_caption') }),
    versions.length > 1 ? h('form', { class: 'toolbar', 'aria-label': t('rule.compare'), onsubmit: compare },
      field(t('rule.from_version'), from, { name: 'from' }),
      field(t('rule.to_version'), to, { name: 'to' }),
      h('button', { type: 'submit' }, t('rule.compare'))) : h('p', { class: 'muted' }, t('rule.one_version')),
    out);
  const v = open && versions.find((x) => x.commit === open);
  if (v) show(v);
  return section;
}

// A unified diff as text, each line marked as added, removed, a hunk's
// head or the files' names (the lines keep their + and -).
function diffView(text, label) {
  const lines = text.replace(/\n$/, '').split('\n');
  return h('pre', { class: 'diff', tabindex: '0', 'aria-label': label }, lines.map((l) => {
    const cls = l.startsWith('+++') || l.startsWith('---') || l.startsWith('diff ') ? 'diff-meta'
      : l.startsWith('@@') ? 'diff-hunk' : l.startsWith('+') ? 'diff-add' : l.startsWith('-') ? 'diff-del' : 'diff-ctx';
    return h('span', { class: cls }, `${l}\n`);
  }));
}
