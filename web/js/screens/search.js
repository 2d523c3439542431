// search.js - #/search?q=…: records whose names, aliases, titles,
// descriptions, places or identifiers hold the words typed, whatever
// their case and diacritics ("nguyen van hung" finds "Nguyễn Văn Hùng"),
// grouped by kind, each with the field that matched and its text.
//
// API: GET /api/v1/search?q=TEXT&limit=N (each item a record with
// "match": {"field", "text"}).
import { api, ApiError } from '../api.js';
import { h, idLink, hrefOf, table, notice, num, badge } from '../dom.js';
import { t } from '../i18n.js';
import { labelOf } from './graph.js';

const ORDER = ['entity', 'case', 'seizure', 'route', 'evidence', 'alert', 'link'];
const LIMIT = 200;

// As the server folds: no case, no marks, đ as d.
function fold(s) {
  return String(s).normalize('NFKD').replace(/\p{M}/gu, '').replace(/[đĐ]/g, 'd').toLowerCase();
}

// The field's name for people: "Alias", "Passport", "Description".
function fieldName(path) {
  if (!path) return '';
  if (path.startsWith('identifiers.')) {
    const k = path.slice(12);
    return t('search.identifier', { name: t(`forms.ident_${k}`, {}, k) });
  }
  return t(`search.field.${path}`, {}, path);
}

// The matching text with the words searched for marked.
function marked(text, words) {
  if (!words.length) return text;
  const last = words[words.length - 1];
  return String(text).split(/([\p{L}\p{N}]+)/u).map((part, i) => {
    if (i % 2 === 0 || !part) return part;
    const f = fold(part);
    return words.includes(f) || f.startsWith(last) ? h('mark', {}, part) : part;
  });
}

export default {
  async render(root, ctx) {
    const q = (ctx.query.get('q') || '').trim();
    const input = h('input', { type: 'search', name: 'q', id: 'search-q', value: q, required: true, autocomplete: 'off' });
    const form = h('form', {
      class: 'toolbar search-form', role: 'search', 'aria-label': t('search.title'),
      onsubmit: (e) => {
        e.preventDefault();
        const v = input.value.trim();
        if (v) ctx.setQuery({ q: v });
      },
    },
    h('div', { class: 'field' }, h('label', { for: 'search-q' }, t('search.label')), input),
    h('button', { type: 'submit', class: 'primary' }, t('search.submit')));
    root.append(h('h1', {}, q ? t('search.title_for', { q }) : t('search.title')), form);
    if (!q) {
      root.append(h('p', { class: 'muted' }, t('search.hint')));
      return;
    }
    let items;
    try {
      items = (await api.get('/search', { q, limit: LIMIT })).items;
    } catch (err) {
      if (!(err instanceof ApiError) || err.status >= 500 || err.status === 401 || err.status === 403) throw err;
      root.append(notice(err.message));
      return;
    }
    if (ctx.stale()) return;
    const words = fold(q).split(/[^\p{L}\p{N}]+/u).filter((w) => w.length >= 2 || !q.includes(' '));
    if (!items.length) {
      root.append(h('p', { class: 'empty', role: 'status' }, t('search.none', { q })));
      return;
    }
    const groups = new Map();
    for (const r of items) {
      if (!groups.has(r.kind)) groups.set(r.kind, []);
      groups.get(r.kind).push(r);
    }
    root.append(h('p', { role: 'status', class: 'muted' },
      items.length >= LIMIT ? t('search.first', { n: num(items.length) }) : t('search.count', { n: num(items.length) })));
    for (const kind of [...ORDER, ...[...groups.keys()].filter((k) => !ORDER.includes(k))]) {
      const rows = groups.get(kind);
      if (!rows) continue;
      const headId = `search-${kind}`;
      root.append(h('section', { class: 'search-group', 'aria-labelledby': headId },
        h('h2', { id: headId }, `${t(`kinds.${kind}`, {}, kind)} (${num(rows.length)})`),
        table([
          [t('common.id'), (r) => idLink(r.id)],
          [t('search.name'), (r) => [h('a', { href: hrefOf(r.id), class: 'bidi' }, labelOf(r)),
            r.kind === 'entity' ? [' ', badge('entity_type', r.type)] : null]],
          [t('search.field'), (r) => (r.match ? fieldName(r.match.field) : '')],
          [t('search.text'), (r) => (r.match ? h('span', { class: 'bidi' }, marked(r.match.text, words)) : '')],
        ], rows)));
    }
  },
};
