// dashboard.js - #/: what needs attention and what is being seized. New
// alerts by severity, my open cases, seizures per month by commodity (a
// Chart.js stacked bar chart, with the same figures as a table), the top
// countries and routes, and the last imports. The figures are counted by
// the server (GET /api/v1/stats); each bar, cell and row leads to the
// list it counts. The period (6, 12 or 24 months) is in the URL.
import { api, ApiError } from '../api.js';
import { h, when, idLink, table, badge, notice, num, select } from '../dom.js';
import { t, lang } from '../i18n.js';
import { href, go } from '../router.js';

const SEVERITIES = ['critical', 'high', 'medium', 'low'];
const PERIODS = [6, 12, 24];
const TOP = 10;
const PLURALS = { cases: 'case', seizures: 'seizure', entities: 'entity', routes: 'route', links: 'link',
  evidence: 'evidence', alerts: 'alert' };
// One colour per commodity, the same on every visit.
const COLOURS = {
  narcotics: '#b3261e', precursors: '#e07b39', wildlife: '#1e7b34', timber: '#8a5a00',
  tobacco: '#6b4f2a', alcohol: '#7b3fa0', counterfeit: '#0b5cad', weapons: '#1b1f24',
  currency: '#2a9d8f', cultural_property: '#c2185b', ods: '#5c7cfa', waste: '#7d8597',
  medicines: '#00838f', other: '#adb5bd',
};

// Chart.js, from Debian's package, loaded once on first need; null if it
// cannot be (not installed, blocked): the table is shown instead.
let chartLib;
function loadChart() {
  if (!chartLib) {
    chartLib = new Promise((resolve) => {
      if (window.Chart) return resolve(window.Chart);
      const s = h('script', { src: '/vendor/chart.js/chart.min.js' });
      s.addEventListener('load', () => resolve(window.Chart || null));
      s.addEventListener('error', () => { s.remove(); chartLib = null; resolve(null); });
      document.head.append(s);
    });
  }
  return chartLib;
}

// Months as "YYYY-MM", the first of them `n - 1` months before this one
// (UTC, as the server counts).
function lastMonths(n) {
  const now = new Date();
  const out = [];
  for (let i = n - 1; i >= 0; i--) {
    const d = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - i, 1));
    out.push(d.toISOString().slice(0, 7));
  }
  return out;
}

// A month's first and last day, for since and until.
function monthRange(ym) {
  const [y, m] = ym.split('-').map(Number);
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return { since: `${ym}-01`, until: `${ym}-${String(last).padStart(2, '0')}` };
}

function monthLabel(ym, style = 'short') {
  const [y, m] = ym.split('-').map(Number);
  return new Date(Date.UTC(y, m - 1, 1)).toLocaleDateString(lang(), { month: style, year: 'numeric', timeZone: 'UTC' });
}

function countryName(code) {
  try {
    const name = new Intl.DisplayNames([lang()], { type: 'region' }).of(code);
    return name && name !== code ? name : code;
  } catch {
    return code;
  }
}

const stats = (params) => api.get('/stats', params);

// A panel: its heading and what it shows, or the error that kept it from
// being shown (one panel failing leaves the others).
function panel(id, title, body, extra) {
  return h('section', { class: 'panel', 'aria-labelledby': id },
    h('div', { class: 'panel-head' }, h('h2', { id }, title), extra || null), body);
}

function failed(err) {
  return notice(err instanceof ApiError ? err.message : t('error.load'));
}

function alertTiles(res) {
  if (res.status === 'rejected') return failed(res.reason);
  const counts = Object.fromEntries(res.value.groups.map((g) => [g.key[0], g.count]));
  return h('ul', { class: 'dash-tiles' }, SEVERITIES.map((s) => {
    const n = counts[s] || 0;
    return h('li', {},
      h('a', {
        class: `dash-tile severity-${s}${n ? '' : ' zero'}`,
        href: href('alerts', { status: 'new', severity: s }),
        'aria-label': t('dash.alerts_tile', { n: num(n), severity: t(`severity.${s}`) }),
      },
      h('span', { class: 'dash-count' }, num(n)),
      h('span', { class: 'dash-label' }, t(`severity.${s}`))));
  }));
}

function myCases(me, res) {
  if (res.status === 'rejected') return failed(res.reason);
  const [open, investigating] = res.value;
  const rows = [...open.items, ...investigating.items]
    .sort((a, b) => (b.updated_at || '').localeCompare(a.updated_at || ''));
  const more = open.next || investigating.next;
  return h('div', { class: 'dash-cases' },
    table([
      [t('common.id'), (c) => idLink(c.id)],
      [t('dash.case_title'), (c) => h('a', { href: href(`cases/${c.id}`), class: 'bidi' }, c.title)],
      [t('common.status'), (c) => badge('case_status', c.status)],
      [t('common.updated'), (c) => when(c.updated_at)],
    ], rows, { empty: t('dash.no_cases') }),
    h('p', { class: 'dash-more' },
      h('a', { href: href('cases', { lead: me.user, status: 'open' }) }, t('dash.all_open')),
      ' · ',
      h('a', { href: href('cases', { lead: me.user, status: 'investigating' }) }, t('dash.all_investigating')),
      more ? h('span', { class: 'muted' }, ` · ${t('dash.more_cases')}`) : null));
}

// The chart's figures: months × commodities, the commodities largest first.
function matrix(groups, months) {
  const byCat = new Map();
  for (const g of groups) {
    const [ym, cat] = g.key;
    if (!byCat.has(cat)) byCat.set(cat, new Map());
    byCat.get(cat).set(ym, g.count);
  }
  const total = (cat) => [...byCat.get(cat).values()].reduce((a, b) => a + b, 0);
  const cats = [...byCat.keys()].sort((a, b) => total(b) - total(a) || a.localeCompare(b));
  const cell = (cat, ym) => byCat.get(cat)?.get(ym) || 0;
  const monthTotal = (ym) => cats.reduce((a, c) => a + cell(c, ym), 0);
  return { months, cats, cell, monthTotal, total };
}

function listHref(cat, ym) {
  return href('seizures', { 'commodity.category': cat, ...monthRange(ym) });
}

function chartTable(m) {
  if (!m.cats.length) return h('p', { class: 'empty' }, t('dash.no_seizures'));
  return h('div', { class: 'table-wrap' }, h('table', { class: 'dash-matrix' },
    h('caption', {}, t('dash.table_caption')),
    h('thead', {}, h('tr', {},
      h('th', { scope: 'col' }, t('dash.month')),
      m.cats.map((c) => h('th', { scope: 'col', class: 'num' }, t(`category.${c}`))),
      h('th', { scope: 'col', class: 'num' }, t('dash.total')))),
    h('tbody', {}, m.months.map((ym) => h('tr', {},
      h('th', { scope: 'row' }, monthLabel(ym, 'long')),
      m.cats.map((c) => {
        const n = m.cell(c, ym);
        return h('td', { class: 'num' }, n ? h('a', {
          href: listHref(c, ym),
          'aria-label': t('dash.cell_label', { n: num(n), category: t(`category.${c}`), month: monthLabel(ym, 'long') }),
        }, num(n)) : h('span', { class: 'muted' }, '0'));
      }),
      h('td', { class: 'num' }, num(m.monthTotal(ym))))))));
}

// A sentence saying what the chart shows, for those who cannot see it.
function summary(m, total, drawn) {
  if (!m.cats.length) return t('dash.no_seizures');
  const peak = m.months.reduce((a, b) => (m.monthTotal(b) > m.monthTotal(a) ? b : a));
  return t(drawn ? 'dash.chart_summary' : 'dash.table_summary', {
    n: num(total), months: num(m.months.length), first: monthLabel(m.months[0], 'long'),
    last: monthLabel(m.months[m.months.length - 1], 'long'), peak: monthLabel(peak, 'long'),
    peak_n: num(m.monthTotal(peak)), top: t(`category.${m.cats[0]}`), top_n: num(m.total(m.cats[0])),
  });
}

function drawChart(Chart, canvas, m) {
  const chart = new Chart(canvas, {
    type: 'bar',
    data: {
      labels: m.months.map((ym) => monthLabel(ym)),
      datasets: m.cats.map((c) => ({
        label: t(`category.${c}`),
        data: m.months.map((ym) => m.cell(c, ym)),
        backgroundColor: COLOURS[c] || '#888',
        category: c,
        months: m.months,
      })),
    },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } },
      plugins: { legend: { position: 'bottom' }, tooltip: { mode: 'nearest' } },
      onHover: (e, els) => { canvas.classList.toggle('dash-pointer', els.length > 0); },
      onClick: (e, els) => {
        if (!els.length) return;
        const { datasetIndex, index } = els[0];
        const cat = chart.data.datasets[datasetIndex].category;
        const ym = m.months[index];
        go('seizures', { 'commodity.category': cat, ...monthRange(ym) });
      },
    },
    plugins: [{ id: 'cordon-drawn', afterRender: (c) => { c.canvas.dataset.drawn = '1'; } }],
  });
  return chart;
}

async function chartPanel(res, Chart) {
  if (res.status === 'rejected') return failed(res.reason);
  const { groups, total } = res.value.stats;
  const m = matrix(groups, res.value.months);
  const text = summary(m, total, !!Chart);
  const tbl = chartTable(m);
  if (!m.cats.length) return tbl;
  if (!Chart) {
    return h('div', {},
      notice(t('dash.no_chart'), 'info'),
      h('p', { class: 'muted', id: 'dash-chart-summary' }, text),
      tbl);
  }
  const canvas = h('canvas', { role: 'img', 'aria-label': text, 'aria-describedby': 'dash-chart-summary' });
  drawChart(Chart, canvas, m);
  return h('div', {},
    h('p', { class: 'muted', id: 'dash-chart-summary' }, text),
    h('div', { class: 'dash-chart' }, canvas),
    h('details', { class: 'dash-figures' }, h('summary', {}, t('dash.show_table')), tbl));
}

function topTable(res, { head, label, link, rest }) {
  if (res.status === 'rejected') return failed(res.reason);
  const { groups, others, missing } = res.value;
  const rows = groups.map((g) => ({ key: g.key[0], count: g.count }));
  return h('div', { class: 'dash-top' },
    table([
      [head, (r) => h('a', { href: link(r.key) }, label(r))],
      [t('dash.seizures'), (r) => h('a', { href: link(r.key), 'aria-label': t('dash.count_label', { n: num(r.count), what: label(r) }) }, num(r.count))],
    ], rows, {
      empty: t('dash.no_seizures'),
      onrow: (tr) => tr.lastChild.classList.add('num'),
    }),
    others + missing ? h('p', { class: 'muted dash-more' }, t(rest, { n: num(others + missing) })) : null);
}

function importsTable(res) {
  if (res.status === 'rejected') {
    const err = res.reason;
    return err instanceof ApiError && err.status === 404 ? h('p', { class: 'empty' }, t('dash.no_import_log')) : failed(err);
  }
  const created = (i) => Object.entries(i.created || i.counts || {})
    .map(([k, n]) => `${t(`kinds.${PLURALS[k] || k}`, {}, k)} ${num(n)}`).join(' · ');
  const status = (s) => h('span', { class: `badge dash-import-${s === 'failed' || s === 'running' ? s : 'done'}` },
    t(`dash.import_${s === 'failed' || s === 'running' ? s : 'done'}`));
  return h('div', { class: 'dash-imports' }, table([
    [t('common.when'), (i) => when(i.at)],
    [t('common.by'), (i) => i.by || i.user || ''],
    [t('dash.file'), (i) => h('span', { class: 'bidi' }, i.filename || i.file || t('dash.no_name'))],
    [t('dash.records'), (i) => (i.status === 'failed' ? (i.error || '') : created(i))],
    [t('common.status'), (i) => status(i.status)],
  ], res.value.items || [], { empty: t('dash.no_imports') }));
}

export default {
  async render(root, { me, query, setQuery }) {
    const period = PERIODS.includes(Number(query.get('months'))) ? Number(query.get('months')) : 12;
    const months = lastMonths(period);
    const since = `${months[0]}-01`;
    const inPeriod = { since };
    const [alerts, cases, chart, countries, routes, imports, Chart] = await Promise.allSettled([
      stats({ kind: 'alert', by: 'severity', status: 'new' }),
      Promise.all(['open', 'investigating'].map((status) =>
        api.get('/cases', { where: [`lead=${me.user}`, `status=${status}`], limit: 10 }))),
      stats({ kind: 'seizure', by: 'month,commodity.category', since, order: 'key', limit: 10000 })
        .then((s) => ({ stats: s, months })),
      stats({ kind: 'seizure', by: 'location.country', since, limit: TOP }),
      stats({ kind: 'seizure', by: 'route', since, limit: TOP }).then(async (s) => {
        // Each route's countries, from its record (ten at most).
        const legs = await Promise.allSettled(s.groups.map((g) => api.get(`/routes/${encodeURIComponent(g.key[0])}`)));
        s.routes = Object.fromEntries(legs.filter((r) => r.status === 'fulfilled').map((r) => [r.value.id, r.value]));
        return s;
      }),
      api.get('/imports', { limit: 5 }),
      loadChart(),
    ]);

    const periodSelect = select(PERIODS.map((p) => [p, t('dash.months', { n: p })]), period, {
      'aria-label': t('dash.period'),
      onchange: (e) => setQuery({ months: e.target.value === '12' ? '' : e.target.value }),
    });
    const routeLabel = (r) => {
      const rec = routes.status === 'fulfilled' ? routes.value.routes[r.key] : null;
      const path = rec ? [rec.origin, ...(rec.transit || []), rec.destination].filter(Boolean).join(' → ') : '';
      return path ? `${r.key} (${path})` : r.key;
    };

    root.append(
      h('div', { class: 'page-head' },
        h('h1', {}, t('dash.title')),
        h('label', { class: 'dash-period' }, t('dash.period'), ' ', periodSelect)),
      h('div', { class: 'dash-grid' },
        panel('dash-alerts', t('dash.new_alerts'), alertTiles(alerts),
          h('a', { href: href('alerts', { status: 'new' }) }, t('dash.inbox'))),
        panel('dash-cases', t('dash.my_cases'), myCases(me, cases))),
      panel('dash-seizures', t('dash.per_month', { n: period }), await chartPanel(chart, Chart.value)),
      h('div', { class: 'dash-grid' },
        panel('dash-countries', t('dash.top_countries', { n: period }), topTable(countries, {
          head: t('dash.country'),
          label: (r) => `${countryName(r.key)} (${r.key})`,
          link: (k) => href('seizures', { 'location.country': k, ...inPeriod }),
          rest: 'dash.others_countries',
        })),
        panel('dash-routes', t('dash.top_routes', { n: period }), topTable(routes, {
          head: t('dash.route'),
          label: routeLabel,
          link: (k) => href('seizures', { route: k, ...inPeriod }),
          rest: 'dash.others_routes',
        }))),
      panel('dash-imports', t('dash.last_imports'), importsTable(imports),
        h('a', { href: href('import') }, t('dash.import_file'))));
  },
};
