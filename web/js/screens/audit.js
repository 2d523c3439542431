// audit.js - #/audit (supervisors): the audit trail newest first, a page
// at a time, filtered by user and by record (both in the URL, found
// through the trail's indexes), and Verify: the whole chain, every record
// and the indexes checked, the answer shown as intact or as the problems.
//
// API: GET /api/v1/audit?user=&record=&limit=&before=, GET /api/v1/users
// (the names offered), POST /api/v1/audit/verify.
import { api } from '../api.js';
import { h, append, when, table, field, notice, num } from '../dom.js';
import { t } from '../i18n.js';
import { href } from '../router.js';
import { opLabel, auditedId } from '../parts/history.js';

const SIZES = [25, 50, 100, 200];

export default {
  async render(root, { query, setQuery }) {
    const q = Object.fromEntries(query);
    const per = SIZES.includes(Number(q.per)) ? Number(q.per) : 50;
    const [page, users] = await Promise.all([
      api.get('/audit', { user: q.user, record: q.record, before: q.before, limit: per }),
      api.get('/users').then((r) => r.items).catch(() => []),
    ]);
    const filtered = { user: q.user, record: q.record, per: q.per };

    const form = h('form', {
      class: 'toolbar', role: 'search', 'aria-label': t('audit.filters'),
      onsubmit: (e) => {
        e.preventDefault();
        const f = e.target.elements;
        setQuery({ user: f.user.value.trim(), record: f.record.value.trim(), per: f.per.value === '50' ? '' : f.per.value });
      },
    },
    field(t('audit.user'), h('input', { value: q.user || '', list: 'audit-users', autocomplete: 'off', spellcheck: 'false' }), { name: 'user' }),
    h('datalist', { id: 'audit-users' }, users.map((u) => h('option', { value: u.name }))),
    field(t('audit.record'), h('input', { value: q.record || '', autocomplete: 'off', spellcheck: 'false', placeholder: 'C-1, S-2, rule/…' }), { name: 'record' }),
    field(t('audit.per_page'), h('select', {}, SIZES.map((n) => h('option', { value: String(n), selected: n === per }, String(n)))), { name: 'per' }),
    h('button', { type: 'submit', class: 'primary' }, t('common.filter')),
    h('a', { class: 'button', href: href('audit') }, t('common.clear')));

    // Verify: one request, the answer where it was asked for.
    const result = h('div', { class: 'verify-result', 'aria-live': 'polite' });
    const verify = h('button', {
      type: 'button',
      onclick: async () => {
        verify.disabled = true;
        result.replaceChildren(h('p', { class: 'loading', role: 'status' }, t('audit.verifying')));
        try {
          const r = await api.post('/audit/verify');
          result.replaceChildren(r.intact
            ? h('p', { class: 'notice ok', role: 'status' }, h('strong', { class: 'verdict-ok' }, t('audit.intact')), ' ',
              t('audit.intact_detail', { n: num(r.checked) }))
            : h('div', { class: 'notice error', role: 'alert' },
              h('p', {}, h('strong', { class: 'verdict-bad' }, t('audit.damaged')), ' ',
                t('audit.damaged_detail', { n: num(r.problem_count), checked: num(r.checked) })),
              table([
                [t('audit.where'), (p) => h('span', { class: 'mono' }, p.where)],
                [t('audit.problem'), (p) => h('span', { class: 'bidi' }, p.problem)],
              ], r.problems, { caption: t('audit.problems') }),
              r.problem_count > r.problems.length
                ? h('p', {}, t('audit.more_problems', { n: num(r.problem_count - r.problems.length) })) : null));
        } catch (err) {
          result.replaceChildren(notice(err.message));
        }
        verify.disabled = false;
      },
    }, t('audit.verify'));

    const filterLink = (k, v, child, name) =>
      h('a', { href: href('audit', { ...filtered, [k]: v, before: '' }), title: name, 'aria-label': name }, child);
    append(root, [
      h('div', { class: 'page-head' },
        h('h1', {}, t('audit.title')),
        h('div', { class: 'actions' }, verify)),
      result,
      form,
      q.user || q.record ? h('p', { class: 'muted' }, t('audit.filtered'), ' ',
        q.user ? h('strong', { class: 'bidi' }, q.user) : null, q.user && q.record ? ' · ' : null,
        q.record ? auditedId(q.record) : null) : null,
      table([
        [t('audit.seq'), (e) => h('span', { class: 'mono' }, String(e.seq))],
        [t('common.when'), (e) => when(e.at)],
        [t('common.user'), (e) => filterLink('user', e.user, h('span', { class: 'bidi nowrap' }, e.user),
          t('audit.entries_by', { user: e.user }))],
        [t('common.what'), (e) => opLabel(e.op)],
        [t('common.record'), (e) => h('span', { class: 'audit-record' }, auditedId(e.id), ' ',
          e.id !== q.record ? filterLink('record', e.id, h('small', {}, t('audit.its_entries')),
            t('audit.entries_of', { id: e.id })) : null)],
        [t('common.version'), (e) => (e.version ? String(e.version) : '')],
        [t('common.note'), (e) => h('span', { class: 'bidi multiline' }, e.note || '')],
      ], page.items, { empty: t('audit.empty'), caption: t('audit.caption') }),
      h('nav', { class: 'pager', 'aria-label': t('common.pages') },
        q.before ? h('a', { class: 'button', href: href('audit', filtered) }, t('audit.newest')) : null,
        page.next ? h('a', { class: 'button', href: href('audit', { ...filtered, before: page.next }) }, t('audit.older')) : null)]);
  },
};
