// case-data.js - everything the case page and its print view show of a
// case, read once: the case, its seizures, the entities linked to it or
// to its seizures, the links among them, the alerts naming any of them,
// and the newest of its history; and the tables both draw of them.
//
// API: GET /api/v1/cases/C-n, /seizures?where=case=C-n, and for the case
// and each of its seizures /entities?linked=ID, /links?linked=ID and
// /alerts?ref=ID (each from an index), /cases/C-n/history.
import { api, all } from '../api.js';
import { h, when, num, idLink, table, badge } from '../dom.js';
import { t, lang } from '../i18n.js';

// Seizures whose entities, links and alerts are gathered: a case with
// more shows the first ones' and says so.
export const RELATED_MAX = 100;
const LIST_MAX = 1000;

function byId(items) {
  const m = new Map();
  for (const x of items) if (!m.has(x.id)) m.set(x.id, x);
  return [...m.values()];
}

export async function loadCase(id, { history = 50 } = {}) {
  const path = `/cases/${encodeURIComponent(id)}`;
  const [rec, seizures, hist] = await Promise.all([
    api.get(path),
    all('/seizures', { where: `case=${id}` }, LIST_MAX),
    api.get(`${path}/history`, { limit: history }),
  ]);
  const ids = [id, ...seizures.slice(0, RELATED_MAX).map((s) => s.id)];
  const per = await Promise.all(ids.map((x) => Promise.all([
    all('/entities', { linked: x }, LIST_MAX),
    all('/links', { linked: x }, LIST_MAX),
    all('/alerts', { ref: x }, LIST_MAX),
  ])));
  const entities = byId(per.flatMap(([e]) => e))
    .sort((a, b) => a.type.localeCompare(b.type) || String(a.name).localeCompare(String(b.name)));
  const links = byId(per.flatMap(([, l]) => l));
  const alerts = byId(per.flatMap(([, , a]) => a))
    .sort((a, b) => String(b.last_seen_at || '').localeCompare(String(a.last_seen_at || '')));
  // What each id in the links is called, where it is one of these.
  const names = new Map([[rec.id, rec.title]]);
  for (const e of entities) names.set(e.id, e.name);
  return {
    rec, seizures, entities, links, alerts, names,
    history: hist.items, historyNext: hist.next,
    partial: seizures.length > RELATED_MAX,
  };
}

// The entities grouped by type: [[type, [entity…]]…], types in order.
export function byType(entities) {
  const groups = new Map();
  for (const e of entities) {
    if (!groups.has(e.type)) groups.set(e.type, []);
    groups.get(e.type).push(e);
  }
  return [...groups.entries()];
}

// --- the tables the case page and its print view both draw --------------
// With `plain`, ids are text rather than links (the print view).

function ref(id, label, plain) {
  if (label === undefined) return h('span', { class: 'nowrap' }, plain ? id : idLink(id));
  return plain ? label : idLink(id, label);
}

export function quantity(q) {
  if (!q || q.amount === undefined) return '';
  return `${num(q.amount)} ${t(`unit.${q.unit}`, {}, q.unit || '')}`.trim();
}

export function money(v) {
  if (!v || v.amount === undefined) return '';
  try {
    return new Intl.NumberFormat(lang(), { style: 'currency', currency: v.currency, currencyDisplay: 'code' }).format(v.amount);
  } catch {
    return `${num(v.amount)} ${v.currency || ''}`.trim();
  }
}

export function country(code) {
  if (!code) return '';
  try {
    const name = new Intl.DisplayNames([lang()], { type: 'region' }).of(code);
    return name && name !== code ? `${name} (${code})` : code;
  } catch {
    return code;
  }
}

export function place(loc) {
  if (!loc) return '';
  return [loc.place, loc.office, loc.country].filter(Boolean).join(', ');
}

export function seizureTable(seizures, { plain } = {}) {
  return table([
    [t('common.id'), (s) => ref(s.id, undefined, plain)],
    [t('record.occurred_at'), (s) => when(s.occurred_at)],
    [t('record.category'), (s) => h('span', { class: 'nowrap' }, t(`category.${s.commodity?.category}`, {}, s.commodity?.category || ''))],
    [t('record.description'), (s) => h('span', { class: 'bidi' }, s.commodity?.description || '')],
    [t('record.quantity'), (s) => h('span', { class: 'nowrap' }, quantity(s.quantity))],
    [t('record.place'), (s) => h('span', { class: 'bidi' }, place(s.location))],
    [t('common.tlp'), (s) => badge('tlp', s.tlp)],
  ], seizures, { empty: t('case.no_seizures') });
}

export function linkType(type) {
  return t(`link_type.${type}`, {}, type);
}

// One end of a link: what it is called, where known, and its id.
function end(id, names, plain) {
  const name = names.get(id);
  if (name === undefined) return ref(id, undefined, plain);
  return h('span', {}, ref(id, h('span', { class: 'bidi' }, name), plain), ' ', h('small', { class: 'muted nowrap' }, id));
}

export function linkTable(links, names, { plain } = {}) {
  return table([
    [t('record.from'), (l) => end(l.from, names, plain)],
    [t('record.link_type'), (l) => linkType(l.type)],
    [t('record.to'), (l) => end(l.to, names, plain)],
    [t('common.tlp'), (l) => badge('tlp', l.tlp)],
    [t('common.id'), (l) => ref(l.id, undefined, plain)],
  ], links, { empty: t('case.no_links') });
}

export function alertTable(alerts, { plain } = {}) {
  return table([
    [t('common.id'), (a) => ref(a.id, undefined, plain)],
    [t('case.alert_title'), (a) => h('span', { class: 'bidi' }, a.title)],
    [t('case.severity'), (a) => badge('severity', a.severity)],
    [t('common.status'), (a) => badge('alert_status', a.status)],
    [t('case.alert_names'), (a) => (a.refs || []).join(', ')],
    [t('case.last_seen'), (a) => when(a.last_seen_at)],
  ], alerts, { empty: t('case.no_alerts') });
}

// The case's own facts, as a definition list (`rows`: as a table).
export function caseFacts(c, { rows } = {}) {
  const facts = [
    [t('common.status'), badge('case_status', c.status)],
    [t('case.office'), h('span', { class: 'bidi' }, c.office || '')],
    [t('case.lead'), h('span', { class: 'bidi' }, c.lead || '')],
    [t('case.opened_on'), when(c.opened_on)],
    [t('common.tlp'), badge('tlp', c.tlp)],
    [t('common.tags'), (c.tags || []).length
      ? h('span', { class: 'tags' }, c.tags.map((x) => h('span', { class: 'tag bidi' }, x))) : ''],
    [t('case.summary'), h('span', { class: 'bidi multiline' }, c.summary || '')],
    [t('common.notes'), h('span', { class: 'bidi multiline' }, c.notes || '')],
    [t('common.created'), [when(c.created_at), ' ', h('small', {}, t('case.by', { user: c.created_by || '' }))]],
    [t('common.updated'), [when(c.updated_at), ' ', h('small', {}, t('case.by', { user: c.updated_by || '' }))]],
    [t('common.version'), String(c.version)],
  ];
  const shown = facts.filter(([, v]) => v !== '' && !(v instanceof Node && v.nodeType === 1 && v.textContent === ''));
  if (rows) {
    return h('table', { class: 'facts-table' }, h('tbody', {}, shown.map(([k, v]) =>
      h('tr', {}, h('th', { scope: 'row' }, k), h('td', {}, v)))));
  }
  return h('dl', { class: 'facts' }, shown.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}
