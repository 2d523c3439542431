// entity.js - #/entities/E-n: a person, company, vessel… with its
// identifiers, every record linked to it grouped by kind (entities by
// type), each with how it is linked (which way the link points), and its
// seizures on a timeline.
//
// API: GET /api/v1/entities/ID; GET /api/v1/links?linked=ID (every link
// touching it); GET /api/v1/KINDS?linked=ID for the records at the other
// ends, a kind at a time.
import { api, all } from '../api.js';
import { h, svg, when, idLink, hrefOf, table, badge, num } from '../dom.js';
import { t, lang } from '../i18n.js';
import { href } from '../router.js';
import { kindOf, labelOf } from './graph.js';

const ORDER = ['case', 'seizure', 'entity', 'route', 'evidence', 'alert', 'link'];
const PLURAL = { case: 'cases', seizure: 'seizures', entity: 'entities', route: 'routes', link: 'links', evidence: 'evidence', alert: 'alerts' };
const MAX_LINKS = 5000;
const MAX_OF_KIND = { seizure: 1000 };
const MAX_OTHER = 300;
const ROWS = 25;	// rows of a group shown before "Show all"

// How record `other` is linked to entity `id`: "is consignee of" (the
// link points from the entity) or "director of this" (towards it).
function relation(links, id) {
  return links.map((l) => t(l.from === id ? 'entity.rel_out' : 'entity.rel_in',
    { type: t(`link_type.${l.type}`, {}, l.type) })).join('; ');
}

function dateOf(r) {
  return r.occurred_at || r.opened_on || r.raised_at || r.created_at;
}

// A group's table, the first ROWS rows and a button for the rest.
function groupTable(rows, links, id) {
  const cols = [
    [t('common.id'), (r) => idLink(r.id)],
    [t('entity.name'), (r) => h('a', { href: hrefOf(r.id), class: 'bidi' }, labelOf(r))],
    [t('entity.relation'), (r) => relation(links.get(r.id) || [], id)],
    [t('common.when'), (r) => when(dateOf(r))],
  ];
  const wrap = h('div', {}, table(cols, rows.slice(0, ROWS)));
  if (rows.length > ROWS) {
    const more = h('button', {
      type: 'button', class: 'link',
      onclick: () => { wrap.replaceChildren(table(cols, rows)); },
    }, t('entity.show_all', { n: num(rows.length) }));
    wrap.append(h('p', {}, more));
  }
  return wrap;
}

// The seizures on a line of time: one dot each, a link to the seizure,
// the dates in the user's language.
function timeline(seizures) {
  const dated = seizures.map((s) => ({ s, t: Date.parse(s.occurred_at.length === 10 ? `${s.occurred_at}T00:00:00Z` : s.occurred_at) }))
    .filter((d) => !isNaN(d.t)).sort((a, b) => a.t - b.t);
  if (!dated.length) return h('p', { class: 'empty' }, t('entity.no_seizures'));
  const W = 900, H = 110, L = 30, R = 30, Y = 48;
  const day = 86400000;
  let lo = dated[0].t, hi = dated[dated.length - 1].t;
  if (hi - lo < 60 * day) { lo -= 30 * day; hi += 30 * day; }
  const x = (v) => L + ((v - lo) / (hi - lo)) * (W - L - R);
  const fmtYear = new Intl.DateTimeFormat(lang(), { year: 'numeric', timeZone: 'UTC' });
  const fmtMonth = new Intl.DateTimeFormat(lang(), { month: 'short', year: 'numeric', timeZone: 'UTC' });
  // Ticks: years over a long span, months (every few) over a short one.
  const ticks = [];
  const a = new Date(lo), b = new Date(hi);
  const years = b.getUTCFullYear() - a.getUTCFullYear();
  if (years >= 3) {
    const step = Math.ceil((years + 1) / 8);
    for (let y = a.getUTCFullYear() + 1; y <= b.getUTCFullYear(); y += step) ticks.push([Date.UTC(y, 0, 1), fmtYear.format(new Date(Date.UTC(y, 0, 1)))]);
  } else {
    const months = years * 12 + b.getUTCMonth() - a.getUTCMonth();
    const step = Math.max(1, Math.ceil(months / 7));
    for (let m = 1; m <= months; m += step) {
      const d = Date.UTC(a.getUTCFullYear(), a.getUTCMonth() + m, 1);
      ticks.push([d, fmtMonth.format(new Date(d))]);
    }
  }
  const first = new Date(dated[0].t), last = new Date(dated[dated.length - 1].t);
  const fmtDay = new Intl.DateTimeFormat(lang(), { day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' });
  const el = svg('svg', {
    class: 'timeline', viewBox: `0 0 ${W} ${H}`, role: 'group',
    'aria-label': dated.length === 1 ? t('entity.timeline_one', { when: fmtDay.format(first) })
      : t('entity.timeline_label', { n: num(dated.length), from: fmtDay.format(first), to: fmtDay.format(last) }),
  },
  svg('line', { x1: L, x2: W - R, y1: Y, y2: Y, stroke: '#aab2bd', 'stroke-width': 2 }),
  ticks.map(([v, label]) => svg('g', {},
    svg('line', { x1: x(v), x2: x(v), y1: Y - 6, y2: Y + 6, stroke: '#aab2bd' }),
    svg('text', { x: x(v), y: Y + 28, 'text-anchor': 'middle', 'font-size': 14, fill: '#5b6470' }, label))));
  // Dots that would overlap stack upwards.
  const lanes = [];
  for (const d of dated) {
    const cx = x(d.t);
    let lane = 0;
    while (lanes[lane] !== undefined && cx - lanes[lane] < 9) lane++;
    lanes[lane] = cx;
    const title = `${d.s.id} · ${fmtDay.format(new Date(d.t))} · ${labelOf(d.s)}`;
    el.append(svg('a', { href: `#/seizures/${encodeURIComponent(d.s.id)}`, class: 'timeline-dot', 'aria-label': title },
      svg('circle', { cx: cx.toFixed(1), cy: Y - Math.min(lane, 4) * 9, r: 6, fill: '#b3261e', stroke: '#ffffff', 'stroke-width': 1.5 }),
      svg('title', {}, title)));
  }
  return el;
}

export default {
  async render(root, ctx) {
    const id = ctx.params.id;
    const rec = await api.get(`/entities/${encodeURIComponent(id)}`);
    if (ctx.stale()) return;
    const me = rec.id;
    const links = await all('/links', { linked: me }, MAX_LINKS);
    // Every other end, by kind; the links to each.
    const byOther = new Map();
    for (const l of links) {
      const other = l.from === me ? l.to : l.from;
      if (!byOther.has(other)) byOther.set(other, []);
      byOther.get(other).push(l);
    }
    const kinds = ORDER.filter((k) => [...byOther.keys()].some((o) => kindOf(o) === k));
    const fetched = await Promise.all(kinds.map((k) => all(`/${PLURAL[k]}`, { linked: me }, MAX_OF_KIND[k] || MAX_OTHER)));
    if (ctx.stale()) return;
    const groups = new Map(kinds.map((k, i) => [k, fetched[i]]));

    const ids = Object.entries(rec.identifiers || {});
    const facts = [
      ['entity.type', badge('entity_type', rec.type)],
      ['entity.aliases', (rec.aliases || []).length ? h('ul', { class: 'plain' }, rec.aliases.map((a) => h('li', { class: 'bidi' }, a))) : null],
      ['entity.nationality', rec.nationality],
      ['entity.country', rec.country],
      ['entity.born_on', rec.born_on ? when(rec.born_on) : null],
      ['common.tags', (rec.tags || []).length ? rec.tags.map((tag) => h('span', { class: 'tag' }, tag)) : null],
      ['common.tlp', badge('tlp', rec.tlp)],
      ['entity.grading', rec.grading ? `${rec.grading.source || ''}${rec.grading.info || ''}` : null],
      ['common.updated', [when(rec.updated_at), ' ', h('small', {}, t('entity.by', { user: rec.updated_by }))]],
    ].filter(([, v]) => v !== null && v !== undefined && v !== '');

    const total = byOther.size;
    const seizures = groups.get('seizure') || [];
    const seizureCount = [...byOther.keys()].filter((o) => kindOf(o) === 'seizure').length;

    root.append(
      h('div', { class: 'page-head' },
        h('h1', { class: 'bidi' }, rec.name),
        h('div', { class: 'actions' },
          h('a', { class: 'button', href: href(`edit/${me}`) }, t('common.edit')),
          h('a', { class: 'button', href: href('link', { from: me }) }, t('entity.link')),
          h('a', { class: 'button primary', href: href(`graph/${me}`) }, t('entity.graph')))),
      h('p', { class: 'muted' }, `${t('kind.entity')} ${me} · `, t(`entity_type.${rec.type}`, {}, rec.type)),
      h('div', { class: 'two-cols' },
        h('section', { class: 'panel', 'aria-labelledby': 'entity-facts' },
          h('h2', { id: 'entity-facts' }, t('entity.facts')),
          h('dl', { class: 'facts' }, facts.map(([k, v]) => [h('dt', {}, t(k)), h('dd', {}, v)]))),
        h('section', { class: 'panel', 'aria-labelledby': 'entity-ids' },
          h('h2', { id: 'entity-ids' }, t('entity.identifiers')),
          table([
            [t('entity.identifier'), ([k]) => t(`forms.ident_${k}`, {}, k)],
            [t('entity.value'), ([, v]) => h('span', { class: 'mono' }, String(v))],
          ], ids, { empty: t('entity.no_identifiers') }),
          rec.notes ? [h('h2', {}, t('common.notes')), h('p', { class: 'prewrap bidi' }, rec.notes)] : null)),
      h('section', { 'aria-labelledby': 'entity-timeline' },
        h('h2', { id: 'entity-timeline' }, t('entity.timeline', { n: num(seizureCount) })),
        seizures.length < seizureCount ? h('p', { class: 'muted' }, t('entity.timeline_first', { n: num(seizures.length) })) : null,
        h('div', { class: 'timeline-wrap' }, timeline(seizures))),
      h('section', { 'aria-labelledby': 'entity-linked' },
        h('h2', { id: 'entity-linked' }, t('entity.linked', { n: num(total) })),
        total ? null : h('p', { class: 'empty' }, t('entity.no_links')),
        kinds.flatMap((k) => {
          const rows = groups.get(k);
          if (k !== 'entity') {
            return [h('h3', {}, `${t(`kinds.${k}`, {}, k)} (${num(rows.length)})`), groupTable(rows, byOther, me)];
          }
          // Entities by type: people, companies, vessels…
          const types = [...new Set(rows.map((r) => r.type))].sort();
          return types.map((ty) => {
            const of = rows.filter((r) => r.type === ty);
            return [h('h3', {}, `${t('kinds.entity')} · ${t(`entity_type.${ty}`, {}, ty)} (${num(of.length)})`), groupTable(of, byOther, me)];
          });
        })));
  },
};
