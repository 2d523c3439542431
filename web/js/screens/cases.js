// cases.js - #/cases: the list of cases, filtered by status, office,
// lead, tag and dates (all in the URL), a page at a time.
import { api } from '../api.js';
import { h, when, idLink, table, badge, field, select } from '../dom.js';
import { t } from '../i18n.js';
import { href } from '../router.js';

const STATUSES = ['open', 'investigating', 'referred', 'prosecuted', 'closed'];
const PAGE = 50;

export default {
  async render(root, { query, setQuery }) {
    const q = Object.fromEntries(query);
    const where = [];
    for (const f of ['status', 'office', 'lead']) if (q[f]) where.push(`${f}=${q[f]}`);
    const page = await api.get('/cases', {
      where, tag: q.tag, since: q.since, until: q.until, after: q.after, limit: PAGE,
    });

    const form = h('form', {
      class: 'toolbar', role: 'search', 'aria-label': t('cases.filters'),
      onsubmit: (e) => {
        e.preventDefault();
        const f = e.target.elements;
        setQuery({ status: f.status.value, office: f.office.value.trim(), lead: f.lead.value.trim(),
          tag: f.tag.value.trim(), since: f.since.value, until: f.until.value });
      },
    },
    field(t('common.status'), select([['', t('common.any')], ...STATUSES.map((s) => [s, t(`case_status.${s}`)])], q.status), { name: 'status' }),
    field(t('cases.office'), h('input', { value: q.office || '' }), { name: 'office' }),
    field(t('cases.lead'), h('input', { value: q.lead || '' }), { name: 'lead' }),
    field(t('common.tags'), h('input', { value: q.tag || '' }), { name: 'tag' }),
    field(t('cases.opened_from'), h('input', { type: 'date', value: q.since || '' }), { name: 'since' }),
    field(t('cases.opened_to'), h('input', { type: 'date', value: q.until || '' }), { name: 'until' }),
    h('button', { type: 'submit', class: 'primary' }, t('common.filter')),
    h('a', { class: 'button', href: href('cases') }, t('common.clear')));

    root.append(
      h('div', { class: 'page-head' },
        h('h1', {}, t('cases.title')),
        h('a', { class: 'button primary', href: href('new/case') }, t('cases.new'))),
      form,
      table([
        [t('common.id'), (c) => idLink(c.id)],
        [t('cases.case_title'), (c) => h('a', { href: href(`cases/${c.id}`), class: 'bidi' }, c.title)],
        [t('common.status'), (c) => badge('case_status', c.status)],
        [t('cases.office'), (c) => c.office || ''],
        [t('cases.lead'), (c) => c.lead || ''],
        [t('cases.opened_on'), (c) => when(c.opened_on || c.created_at)],
        [t('common.tlp'), (c) => badge('tlp', c.tlp)],
      ], page.items, { empty: t('cases.empty') }),
      h('nav', { class: 'pager', 'aria-label': t('common.pages') },
        q.after ? h('a', { class: 'button', href: href('cases', { ...q, after: '' }) }, t('common.first')) : null,
        page.next ? h('a', { class: 'button', href: href('cases', { ...q, after: page.next }) }, t('common.next')) : null));
  },
};
