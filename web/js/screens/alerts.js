// alerts.js - #/alerts: the alert inbox, filtered by status, rule,
// severity and when raised (all in the URL), a page at a time; alerts
// are chosen with a checkbox each (or all on the page) and acknowledged,
// escalated or dismissed together with one note, one request each.
import { api } from '../api.js';
import { h, append, when, idLink, table, badge, field, select, notice, num } from '../dom.js';
import { t } from '../i18n.js';
import { href } from '../router.js';

const STATUSES = ['new', 'acknowledged', 'escalated', 'dismissed', 'promoted'];
const SEVERITIES = ['critical', 'high', 'medium', 'low'];
const ACTIONS = [['ack', 'alerts.ack', 'acknowledged'], ['escalate', 'alerts.escalate', 'escalated'],
  ['dismiss', 'alerts.dismiss', 'dismissed']];
const PAGE = 50;

// What the last bulk action did, shown once the list is drawn again.
let report = null;

export default {
  async render(root, { query, setQuery }) {
    const q = Object.fromEntries(query);
    const page = await api.get('/alerts', {
      status: q.status, rule: q.rule, severity: q.severity, since: q.since, until: q.until,
      after: q.after, limit: PAGE,
    });

    const rules = [...new Set(page.items.map((a) => a.rule))].sort();
    const form = h('form', {
      class: 'toolbar', role: 'search', 'aria-label': t('alerts.filters'),
      onsubmit: (e) => {
        e.preventDefault();
        const f = e.target.elements;
        setQuery({ status: f.status.value, rule: f.rule.value.trim(), severity: f.severity.value,
          since: f.since.value, until: f.until.value });
      },
    },
    field(t('common.status'), select([['', t('common.any')], ...STATUSES.map((s) => [s, t(`alert_status.${s}`)])], q.status), { name: 'status' }),
    field(t('alerts.severity'), select([['', t('common.any')], ...SEVERITIES.map((s) => [s, t(`severity.${s}`)])], q.severity), { name: 'severity' }),
    field(t('alerts.rule'), h('input', { value: q.rule || '', list: 'alert-rules', autocomplete: 'off' }), { name: 'rule' }),
    h('datalist', { id: 'alert-rules' }, rules.map((r) => h('option', { value: r }))),
    field(t('alerts.raised_from'), h('input', { type: 'date', value: q.since || '' }), { name: 'since' }),
    field(t('alerts.raised_to'), h('input', { type: 'date', value: q.until || '' }), { name: 'until' }),
    h('button', { type: 'submit', class: 'primary' }, t('common.filter')),
    h('a', { class: 'button', href: href('alerts') }, t('common.clear')));

    // Choosing alerts.
    const boxes = [];
    const all = h('input', {
      type: 'checkbox', 'aria-label': t('alerts.select_all'),
      onchange: () => { for (const b of boxes) b.checked = all.checked; chosen(); },
    });
    const count = h('span', { class: 'muted', 'aria-live': 'polite' });
    const note = h('input', { type: 'text', maxlength: '2000', autocomplete: 'off' });
    const buttons = ACTIONS.map(([action, label]) =>
      h('button', { type: 'button', disabled: true, onclick: () => bulk(action) }, t(label)));
    const status = h('div', { class: 'alerts-report' });
    function picked() {
      return boxes.filter((b) => b.checked).map((b) => b.dataset.id);
    }
    function chosen() {
      const n = picked().length;
      count.textContent = n ? t('alerts.selected', { n: num(n) }) : t('alerts.none_selected');
      all.checked = n > 0 && n === boxes.length;
      all.indeterminate = n > 0 && n < boxes.length;
      for (const b of buttons) b.disabled = n === 0;
    }

    async function bulk(action) {
      const ids = picked();
      const [, , done] = ACTIONS.find(([a]) => a === action);
      for (const b of buttons) b.disabled = true;
      status.replaceChildren(h('p', { class: 'muted', role: 'status' }, t('alerts.working', { n: num(ids.length) })));
      const failed = [];
      let ok = 0;
      for (const id of ids) {
        try {
          await api.post(`/alerts/${encodeURIComponent(id)}/${action}`, note.value.trim() ? { note: note.value.trim() } : {});
          ok++;
        } catch (err) {
          failed.push([id, err.message]);
        }
      }
      report = { ok, done, failed };
      setQuery(q);
    }

    const bar = h('div', { class: 'actions alerts-bulk', role: 'group', 'aria-label': t('alerts.bulk') },
      count,
      field(t('alerts.note'), note, { name: 'note' }),
      buttons);

    append(root, [
      h('div', { class: 'page-head' }, h('h1', {}, t('alerts.title'))),
      form,
      showReport(),
      page.items.length ? bar : null,
      status,
      table([
        [all, (a) => {
          const b = h('input', { type: 'checkbox', 'data-id': a.id, 'aria-label': t('alerts.select', { id: a.id }), onchange: chosen });
          boxes.push(b);
          return b;
        }],
        [t('common.id'), (a) => h('span', { class: 'nowrap' }, idLink(a.id))],
        [t('alerts.severity'), (a) => badge('severity', a.severity)],
        [t('common.status'), (a) => badge('alert_status', a.status)],
        [t('alerts.rule'), (a) => h('span', { class: 'mono nowrap' }, a.rule)],
        [t('alerts.alert_title'), (a) => h('a', { href: href(`alerts/${a.id}`), class: 'bidi' }, a.title)],
        [t('alerts.raised'), (a) => when(a.raised_at)],
        [t('alerts.last_seen'), (a) => when(a.last_seen_at)],
        [t('alerts.refs'), (a) => num((a.refs || []).length)],
      ], page.items, { empty: t('alerts.empty'), caption: t('alerts.caption') }),
      h('nav', { class: 'pager', 'aria-label': t('common.pages') },
        q.after ? h('a', { class: 'button', href: href('alerts', { ...q, after: '' }) }, t('common.first')) : null,
        page.next ? h('a', { class: 'button', href: href('alerts', { ...q, after: page.next }) }, t('common.next')) : null)]);
    chosen();
  },
};

// The outcome of the last bulk action: how many went through, and each
// alert that did not, with the server's reason.
function showReport() {
  if (!report) return null;
  const { ok, done, failed } = report;
  report = null;
  return h('div', { class: 'alerts-report' },
    ok ? notice(t('alerts.done', { n: num(ok), status: t(`alert_status.${done}`) }), 'ok') : null,
    failed.length ? h('div', { class: 'notice error', role: 'alert' },
      h('p', {}, t('alerts.failed')),
      h('ul', {}, failed.map(([id, msg]) => h('li', {}, idLink(id), ': ', msg)))) : null);
}
