// seizures.js - #/seizures: seizures filtered by commodity, country,
// route, case, tag and dates (all in the URL, as the dashboard's charts
// and tables link them), a page at a time, with how many match.
import { api } from '../api.js';
import { h, when, idLink, table, field, select, num } from '../dom.js';
import { t } from '../i18n.js';
import { href } from '../router.js';

const CATEGORIES = ['narcotics', 'precursors', 'wildlife', 'timber', 'tobacco', 'alcohol', 'counterfeit',
  'weapons', 'currency', 'cultural_property', 'ods', 'waste', 'medicines', 'other'];
// URL parameter → the field it filters on (where=FIELD=VALUE).
const WHERE = ['commodity.category', 'location.country', 'route', 'case'];
const PAGE = 50;

function quantity(s) {
  const q = s.quantity;
  return q && q.amount !== undefined ? `${num(q.amount)} ${t(`unit.${q.unit}`, {}, q.unit || '')}`.trim() : '';
}

export default {
  async render(root, { query, setQuery }) {
    const q = Object.fromEntries(query);
    const where = WHERE.filter((f) => q[f]).map((f) => `${f}=${q[f]}`);
    const filters = { where, tag: q.tag, since: q.since, until: q.until };
    const [page, count] = await Promise.all([
      api.get('/seizures', { ...filters, after: q.after, limit: PAGE }),
      api.get('/stats', { kind: 'seizure', by: 'commodity.category', ...filters }),
    ]);

    const form = h('form', {
      class: 'toolbar', role: 'search', 'aria-label': t('seizures.filters'),
      onsubmit: (e) => {
        e.preventDefault();
        const f = e.target.elements;
        setQuery({
          'commodity.category': f.category.value,
          'location.country': f.country.value.trim().toUpperCase(),
          route: f.route.value.trim().toUpperCase(),
          case: f.case.value.trim().toUpperCase(),
          tag: f.tag.value.trim(),
          since: f.since.value,
          until: f.until.value,
        });
      },
    },
    field(t('seizures.commodity'), select([['', t('common.any')], ...CATEGORIES.map((c) => [c, t(`category.${c}`)])],
      q['commodity.category']), { name: 'category' }),
    field(t('seizures.country'), h('input', { value: q['location.country'] || '', size: 4, maxlength: 2, autocomplete: 'off' }), { name: 'country' }),
    field(t('seizures.route'), h('input', { value: q.route || '', size: 8, autocomplete: 'off', placeholder: 'R-1' }), { name: 'route' }),
    field(t('seizures.case'), h('input', { value: q.case || '', size: 8, autocomplete: 'off', placeholder: 'C-1' }), { name: 'case' }),
    field(t('common.tags'), h('input', { value: q.tag || '', size: 10 }), { name: 'tag' }),
    field(t('seizures.from'), h('input', { type: 'date', value: q.since || '' }), { name: 'since' }),
    field(t('seizures.to'), h('input', { type: 'date', value: q.until || '' }), { name: 'until' }),
    h('button', { type: 'submit', class: 'primary' }, t('common.filter')),
    h('a', { class: 'button', href: href('seizures') }, t('common.clear')));

    root.append(
      h('div', { class: 'page-head' },
        h('h1', {}, t('seizures.title')),
        h('a', { class: 'button primary', href: href('new/seizure') }, t('seizures.new'))),
      form,
      h('p', { class: 'muted', role: 'status' }, t('seizures.count', { n: num(count.total) })),
      h('div', { class: 'seizures-list' }, table([
        [t('common.id'), (s) => idLink(s.id)],
        [t('seizures.occurred'), (s) => when(s.occurred_at)],
        [t('seizures.commodity'), (s) => h('span', {},
          t(`category.${s.commodity?.category}`, {}, s.commodity?.category || ''),
          s.commodity?.description ? h('span', { class: 'muted bidi seizures-desc' }, ` ${s.commodity.description}`) : null)],
        [t('seizures.quantity'), (s) => quantity(s)],
        [t('seizures.country'), (s) => s.location?.country || ''],
        [t('seizures.place'), (s) => h('span', { class: 'bidi' }, s.location?.place || s.location?.office || '')],
        [t('seizures.route'), (s) => (s.route ? idLink(s.route) : '')],
        [t('seizures.case'), (s) => idLink(s.case)],
      ], page.items, { empty: t('seizures.empty'), caption: t('seizures.caption') })),
      h('nav', { class: 'pager', 'aria-label': t('common.pages') },
        q.after ? h('a', { class: 'button', href: href('seizures', { ...q, after: '' }) }, t('common.first')) : null,
        page.next ? h('a', { class: 'button', href: href('seizures', { ...q, after: page.next }) }, t('common.next')) : null));
  },
};
