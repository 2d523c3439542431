// record.js - #/seizures/S-n, #/routes/R-n and #/links/L-n: one record,
// every field readable (enumerations by their catalogue labels,
// countries by name, amounts in the user's language), its case, its
// route and legs, the seizures on a route, the links to and from it, and
// its history from the audit trail. Fields this page does not know yet
// are shown too, as they are.
//
// API: GET /api/v1/KINDS/ID, /KINDS/ID/history, /links?linked=ID,
// /entities?linked=ID (their names), the case, route or link ends it
// names, /seizures?where=route=R-n.
import { api, all } from '../api.js';
import { h, when, num, idLink, table, badge, notice } from '../dom.js';
import { t } from '../i18n.js';
import { href } from '../router.js';
import { quantity, money, country, linkType } from '../parts/case-data.js';
import { historyOf } from '../parts/history.js';

const KINDS = { seizures: 'seizure', routes: 'route', links: 'link' };
const PLURAL = { C: 'cases', S: 'seizures', E: 'entities', R: 'routes', L: 'links', A: 'alerts', V: 'evidence' };
const LIST_MAX = 1000;
// Kept by the store, shown at the foot of every record.
const COMMON = new Set(['id', 'kind', 'version', 'tlp', 'tags', 'notes', 'attributes', 'created_at',
  'created_by', 'updated_at', 'updated_by']);

const idCell = (id) => h('span', { class: 'nowrap' }, idLink(id));
const text = (v) => (v === undefined || v === null || v === '' ? '' : h('span', { class: 'bidi multiline' }, String(v)));
const label = (prefix) => (v) => (v ? t(`${prefix}.${v}`, {}, v) : '');

// A value this page has no words for, shown as it is.
function raw(v) {
  if (v === null || v === undefined) return '';
  if (Array.isArray(v)) return h('ul', { class: 'plain' }, v.map((x) => h('li', {}, raw(x))));
  if (typeof v === 'object') {
    return h('dl', { class: 'facts' }, Object.entries(v).flatMap(([k, x]) =>
      [h('dt', { class: 'mono' }, k), h('dd', {}, raw(x))]));
  }
  return text(v);
}

// A definition list of [label, value] pairs, leaving out empty values.
function facts(rows) {
  const shown = rows.filter(([, v]) => v !== '' && v !== null && v !== undefined &&
    !(Array.isArray(v) && !v.length));
  if (!shown.length) return h('p', { class: 'empty' }, t('common.none'));
  return h('dl', { class: 'facts' }, shown.flatMap(([k, v]) => [h('dt', {}, k), h('dd', {}, v)]));
}

function section(title, ...body) {
  return h('section', { class: 'panel', 'aria-label': title }, h('h2', {}, title), ...body);
}

// What a record is called, for a link's ends.
function nameOf(r) {
  if (!r) return '';
  if (r.kind === 'seizure') return t(`category.${r.commodity?.category}`, {}, r.commodity?.category || '');
  return r.name || r.title || '';
}

async function fetchRecord(id) {
  const plural = PLURAL[String(id).split('-')[0]];
  if (!plural) return null;
  try { return await api.get(`/${plural}/${encodeURIComponent(id)}`); } catch { return null; }
}

function endLink(id, rec) {
  const name = nameOf(rec);
  return h('span', {}, idLink(id, name ? h('span', { class: 'bidi' }, name) : id),
    name ? h('small', { class: 'muted' }, ` ${t(`kind.${rec.kind}`, {}, rec.kind)} ${id}`) : null);
}

function grading(g) {
  return g ? t('record.grading_value', { source: g.source || '?', info: g.info || '?' }) : '';
}

function attributes(a) {
  const e = Object.entries(a || {});
  return e.length ? raw(a) : '';
}

function seizureFacts(s, c, route) {
  const com = s.commodity || {}, loc = s.location || {}, con = s.concealment || {};
  return [
    section(t('record.goods'), facts([
      [t('record.category'), label('category')(com.category)],
      [t('record.description'), text(com.description)],
      [t('record.species'), com.species ? h('i', { class: 'bidi' }, com.species) : ''],
      [t('record.hs_code'), com.hs_code ? h('span', { class: 'mono' }, com.hs_code) : ''],
      [t('record.quantity'), quantity(s.quantity)],
      [t('record.value'), money(s.value)],
    ])),
    section(t('record.where_how'), facts([
      [t('record.occurred_at'), when(s.occurred_at)],
      [t('record.office'), text(loc.office)],
      [t('record.place'), text(loc.place)],
      [t('record.country'), country(loc.country)],
      [t('record.place_type'), label('location_type')(loc.type)],
      [t('record.coordinates'), loc.lat !== undefined && loc.lon !== undefined
        ? `${num(loc.lat, { maximumFractionDigits: 5 })}, ${num(loc.lon, { maximumFractionDigits: 5 })}` : ''],
      [t('record.direction'), label('direction')(s.direction)],
      [t('record.transport_mode'), label('mode')(s.transport_mode)],
      [t('record.concealment'), label('method')(con.method)],
      [t('record.concealment_detail'), text(con.detail)],
      [t('record.detection'), label('detection')(s.detection)],
      [t('record.grading'), grading(s.grading)],
    ])),
    section(t('kind.case'), c
      ? h('p', {}, idLink(c.id, h('span', { class: 'bidi' }, c.title)), ' ', badge('case_status', c.status),
        ' ', h('small', { class: 'muted' }, c.id))
      : h('p', {}, s.case ? idLink(s.case) : t('common.none'))),
    s.route ? section(t('kind.route'), route ? legsTable(route) : h('p', {}, idLink(s.route)),
      h('p', {}, idLink(s.route, t('record.open_route', { id: s.route })))) : null,
  ];
}

function legPlace(p) {
  return p ? h('span', { class: 'bidi' }, [p.place, country(p.country)].filter(Boolean).join(', ')) : '';
}

function legsTable(r) {
  return table([
    ['#', (l) => String(r.legs.indexOf(l) + 1)],
    [t('record.from'), (l) => legPlace(l.from)],
    [t('record.to'), (l) => legPlace(l.to)],
    [t('record.transport_mode'), (l) => label('mode')(l.mode)],
    [t('record.carrier'), (l) => text(l.carrier)],
    [t('record.departed'), (l) => when(l.departed_at)],
    [t('record.arrived'), (l) => when(l.arrived_at)],
  ], r.legs || [], { caption: t('record.legs') });
}

function routeFacts(r, seizures) {
  return [
    section(t('record.journey'), facts([
      [t('record.origin'), country(r.origin)],
      [t('record.transit'), (r.transit || []).map(country).join(' → ')],
      [t('record.destination'), country(r.destination)],
    ]), legsTable(r)),
    section(`${t('record.route_seizures')} (${seizures.length})`, table([
      [t('common.id'), (s) => idCell(s.id)],
      [t('record.occurred_at'), (s) => when(s.occurred_at)],
      [t('record.category'), (s) => label('category')(s.commodity?.category)],
      [t('record.quantity'), (s) => quantity(s.quantity)],
      [t('kind.case'), (s) => (s.case ? idCell(s.case) : '')],
    ], seizures, { empty: t('record.no_route_seizures') })),
  ];
}

function linkFacts(l, from, to) {
  return [section(t('record.link'), facts([
    [t('record.from'), endLink(l.from, from)],
    [t('record.link_type'), linkType(l.type)],
    [t('record.to'), endLink(l.to, to)],
    [t('record.since'), when(l.since)],
    [t('record.until'), when(l.until)],
    [t('record.grading'), grading(l.grading)],
  ]))];
}

function title(kind, r) {
  if (kind === 'seizure') {
    const what = [label('category')(r.commodity?.category), quantity(r.quantity)].filter(Boolean).join(', ');
    return t('record.seizure_title', { id: r.id, what });
  }
  if (kind === 'route') {
    const way = [r.origin, ...(r.transit || []), r.destination].filter(Boolean).join(' → ');
    return t('record.route_title', { id: r.id, way });
  }
  return t('record.link_title', { id: r.id, type: linkType(r.type) });
}

export default {
  async render(root, { params, path }) {
    const plural = path.split('/')[0];
    const kind = KINDS[plural];
    const id = params.id;
    const base = `/${plural}/${encodeURIComponent(id)}`;
    const rec = await api.get(base);

    // What the record names and what names it, read at once.
    const [history, links, entities, c, route, from, to, onRoute] = await Promise.all([
      historyOf(base),
      kind === 'link' ? [] : all('/links', { linked: id }, LIST_MAX),
      kind === 'link' ? [] : all('/entities', { linked: id }, LIST_MAX),
      kind === 'seizure' && rec.case ? fetchRecord(rec.case) : null,
      kind === 'seizure' && rec.route ? fetchRecord(rec.route) : null,
      kind === 'link' ? fetchRecord(rec.from) : null,
      kind === 'link' ? fetchRecord(rec.to) : null,
      kind === 'route' ? all('/seizures', { where: `route=${id}` }, LIST_MAX) : [],
    ]);
    const names = new Map(entities.map((e) => [e.id, e]));

    let body;
    if (kind === 'seizure') body = seizureFacts(rec, c, route);
    else if (kind === 'route') body = routeFacts(rec, onRoute);
    else body = linkFacts(rec, from, to);

    const known = new Set([...COMMON, ...{
      seizure: ['case', 'occurred_at', 'commodity', 'quantity', 'value', 'location', 'direction',
        'transport_mode', 'concealment', 'detection', 'route', 'grading'],
      route: ['legs', 'origin', 'destination', 'transit'],
      link: ['from', 'to', 'type', 'since', 'until', 'grading'],
    }[kind]]);
    const other = Object.keys(rec).filter((k) => !known.has(k));

    root.append(
      h('div', { class: 'page-head' },
        h('h1', { class: 'bidi' }, title(kind, rec)),
        h('span', { class: 'head-badges' }, badge('tlp', rec.tlp))),
      h('nav', { class: 'actions', 'aria-label': t('record.actions') },
        h('a', { class: 'button primary', href: href(`edit/${id}`) }, t('common.edit')),
        kind !== 'link' ? h('a', { class: 'button', href: href('link', { from: id }) }, t('case.link')) : null,
        kind === 'seizure' ? h('a', { class: 'button', href: href(`graph/${id}`) }, t('case.graph')) : null),
      h('div', { class: 'two-cols record-cols' },
        h('div', {},
          body,
          other.length ? section(t('record.other_fields'), facts(other.map((k) => [k, raw(rec[k])]))) : null,
          kind === 'link' ? null : section(`${t('kinds.link')} (${links.length})`, table([
            [t('record.direction_link'), (l) => (l.from === id ? t('record.link_out') : t('record.link_in'))],
            [t('record.link_type'), (l) => linkType(l.type)],
            [t('record.other_end'), (l) => {
              const other = l.from === id ? l.to : l.from;
              const e = names.get(other);
              return e ? endLink(other, e) : idLink(other);
            }],
            [t('common.tlp'), (l) => badge('tlp', l.tlp)],
            [t('common.id'), (l) => idCell(l.id)],
          ], links, { empty: t('record.no_links') })),
          section(t('record.record'), facts([
            [t('common.tlp'), badge('tlp', rec.tlp)],
            [t('common.tags'), (rec.tags || []).length
              ? h('span', { class: 'tags' }, rec.tags.map((x) => h('span', { class: 'tag bidi' }, x))) : ''],
            [t('common.notes'), text(rec.notes)],
            [t('record.attributes'), attributes(rec.attributes)],
            [t('common.created'), [when(rec.created_at), ' ', h('small', {}, t('case.by', { user: rec.created_by || '' }))]],
            [t('common.updated'), [when(rec.updated_at), ' ', h('small', {}, t('case.by', { user: rec.updated_by || '' }))]],
            [t('common.version'), String(rec.version)],
          ]))),
        h('aside', {}, section(t('case.history'), history))));
    if (kind === 'seizure' && rec.case && !c) root.append(notice(t('record.case_unreadable'), 'warn'));
  },
};
