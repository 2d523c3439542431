// t-10-dashboard.mjs - the dashboard as an officer sees it: new alerts by
// severity (as many as the inbox lists), my open cases, seizures per month
// by commodity drawn by Chart.js (a bar leads to its seizures), the same
// figures as a table when Chart.js cannot be loaded, the top countries
// and routes (a row leads to its seizures), the last imports; then the
// filtered seizures list. Text holding markup shows as typed.
const HOSTILE_CASE = `<img src=x onerror="window.__xss='dash case'">"><script>window.__xss='dash case script'</script>`;
const HOSTILE_FILE = `<img src=x onerror="window.__xss='dash file'">.jsonl`;
const SEVERITIES = ['critical', 'high', 'medium', 'low'];

// "YYYY-MM" `back` months before this one (UTC, as the server counts).
function month(back) {
  const d = new Date();
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() - back, 1)).toISOString().slice(0, 7);
}
function lastDay(ym) {
  const [y, m] = ym.split('-').map(Number);
  return `${ym}-${String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, '0')}`;
}
const seizureIds = async (page) => page.locator('main tbody tr td:first-child a').allTextContents();

export default async function (ctx) {
  const { T, base, users, page: newPage, open, ready, clean, shot, api, came } = ctx;
  const me = users.officer.user;
  const M2 = month(2), M3 = month(3);

  // --- what the dashboard should count, made through the API --------------------------
  const mine = await api('officer', 'POST', '/cases', { title: HOSTILE_CASE, lead: me, status: 'open' });
  T.is(mine.status, 201, 'set-up: a case led by the officer, its title holding markup');
  const route = await api('officer', 'POST', '/routes', {
    legs: [{ from: { country: 'BT', place: 'Phuentsholing' }, to: { country: 'IN', place: 'Jaigaon' }, mode: 'road' }],
  });
  const routeId = route.json.id;
  const seize = async (occurred_at, category, country, withRoute) => (await api('officer', 'POST', '/seizures', {
    case: mine.json.id, occurred_at, commodity: { category, description: `dashboard ${category}` },
    location: { country }, ...(withRoute ? { route: routeId } : {}),
  })).json.id;
  // Ozone-depleting substances: 2 two months ago (Bhutan, on the route),
  // 1 three months ago (Bhutan); cultural property: 1 two months ago
  // (Mongolia).
  const odsM2 = [await seize(`${M2}-03`, 'ods', 'BT', true), await seize(`${M2}-20T22:00:00Z`, 'ods', 'BT', true)];
  const odsM3 = [await seize(`${M3}-11`, 'ods', 'BT', false)];
  const artM2 = [await seize(`${M2}-15`, 'cultural_property', 'MN', false)];
  T.ok([...odsM2, ...odsM3, ...artM2].every((id) => /^S-\d+$/.test(id || '')), 'set-up: four seizures in known months');

  // An import whose file name holds markup.
  const imp = await api('officer', 'POST', `/imports?format=jsonl&filename=${encodeURIComponent(HOSTILE_FILE)}`,
    Buffer.from(`${JSON.stringify({ kind: 'case', title: 'Imported for the dashboard test' })}\n`));
  let job = imp.json || {};
  for (let i = 0; i < 300 && job.status === 'running'; i++)
    job = (await api('officer', 'GET', `/imports/${job.job}`)).json || {};
  T.is(job.status, 'done', 'set-up: a file imported under a name holding markup');

  // --- the dashboard ----------------------------------------------------------------------
  const page = await newPage('officer');
  await open(page, '#/');
  T.ok(await page.getByRole('heading', { name: 'Dashboard', level: 1 }).isVisible(), 'the dashboard opens at #/');
  const canvas = page.locator('.dash-chart canvas');
  T.ok(await came(page.locator('.dash-chart canvas[data-drawn="1"]').waitFor()),
    'Chart.js draws the seizures per month');

  // New alerts: each severity's tile says as many as the inbox lists.
  for (const s of SEVERITIES) {
    const listed = (await api('officer', 'GET', `/alerts?status=new&severity=${s}&limit=1000`)).json.items.length;
    const tile = page.locator(`a.dash-tile.severity-${s}`);
    T.ok((await tile.getAttribute('aria-label')) === `${s[0].toUpperCase()}${s.slice(1)}: ${listed} new alerts` &&
      (await tile.getAttribute('href')) === `#/alerts?status=new&severity=${s}`,
    `the ${s} tile counts ${listed} new alerts and links to the inbox filtered by it`);
  }

  // My open cases: the title as typed, nothing run.
  const casesPanel = page.getByRole('region', { name: 'My open cases' });
  T.ok(await casesPanel.getByText(HOSTILE_CASE, { exact: true }).isVisible(), 'my open case shows, its title holding markup as typed');
  T.is(await casesPanel.getByRole('link', { name: 'All my open cases' }).getAttribute('href'),
    `#/cases?lead=${me}&status=open`, 'and "All my open cases" links to the cases I lead');

  // The chart: named by a summary; its figures in a table, each a link.
  const label = await canvas.getAttribute('aria-label');
  T.ok((await canvas.getAttribute('role')) === 'img' && /seizures from .* to /.test(label || ''),
    'the chart is an image named by a summary of what it shows', label);
  const cell = (cat, ym) => page.locator(`table.dash-matrix a[href="#/seizures?commodity.category=${cat}&since=${ym}-01&until=${lastDay(ym)}"]`);
  const odsListed = async (ym) => (await api('officer', 'GET',
    `/seizures?where=commodity.category=ods&since=${ym}-01&until=${lastDay(ym)}&limit=1000`)).json.items.length;
  const wantM2 = await odsListed(M2);
  await page.getByText('Show the figures as a table').click();
  T.ok(wantM2 >= 2 && (await cell('ods', M2).textContent()) === String(wantM2) &&
    (await cell('ods', M3).textContent()) === String(await odsListed(M3)) &&
    (await cell('cultural_property', M2).count()) === 1,
  `the table has the chart's figures: ${wantM2} ozone-depleting seizures in ${M2}, as many as listed`);
  T.ok(/Ozone-depleting substances seizures in /.test(await cell('ods', M2).getAttribute('aria-label')),
    'each figure says what it counts');
  await page.getByText('Show the figures as a table').click();

  // Top countries and routes.
  const countries = page.getByRole('region', { name: /Top countries/ });
  const bt = countries.getByRole('link', { name: 'Bhutan (BT)', exact: true });
  T.ok(await bt.isVisible(), 'Bhutan is among the top countries, named in full');
  T.ok((await countries.getByRole('link', { name: /^3 seizures: Bhutan/ }).count()) === 1, 'with its 3 seizures');
  const routes = page.getByRole('region', { name: /Top routes/ });
  T.ok(await routes.getByRole('link', { name: `${routeId} (BT → IN)`, exact: true }).isVisible() &&
    (await routes.getByRole('link', { name: `2 seizures: ${routeId} (BT → IN)`, exact: true }).count()) === 1,
  'the route is among the top routes, with its countries and its 2 seizures');

  // The last imports: the file name as typed.
  const imports = page.getByRole('region', { name: 'Last imports' });
  T.ok(await imports.getByText(HOSTILE_FILE, { exact: true }).isVisible(), 'the last imports show a file name holding markup as typed');
  T.ok(/Cases 1/.test(await imports.locator('tbody tr').first().textContent()), 'and what it created');
  await clean(page, 'dashboard');
  await shot(page, 'dashboard');

  // Clicking a bar opens the seizures it counts (once the chart has
  // followed the window back to its size).
  await page.waitForFunction(() => {
    const c = document.querySelector('.dash-chart canvas');
    const chart = c && window.Chart.getChart(c);
    return chart && Math.abs(chart.width - c.parentElement.clientWidth) < 2;
  });
  const at = await canvas.evaluate((c, [cat, ym]) => {
    const chart = window.Chart.getChart(c);
    const ds = chart.data.datasets.findIndex((d) => d.category === cat);
    const bar = chart.getDatasetMeta(ds).data[chart.data.datasets[ds].months.indexOf(ym)];
    return { x: bar.x, y: (bar.y + bar.base) / 2 };
  }, ['ods', M2]);
  const box = await canvas.boundingBox();
  await page.mouse.click(box.x + at.x, box.y + at.y);
  await page.waitForFunction((h) => location.hash === h, `#/seizures?commodity.category=ods&since=${M2}-01&until=${lastDay(M2)}`);
  await ready(page);
  let ids = await seizureIds(page);
  T.ok(ids.length === wantM2 && odsM2.every((id) => ids.includes(id)),
    `a click on the ozone-depleting bar of ${M2} lists its ${wantM2} seizures`, ids.join(' '));
  T.ok(await page.getByText(`${wantM2} seizures match.`).isVisible(), 'and says how many match');
  T.is(await page.getByLabel('Commodity').inputValue(), 'ods', 'the filter shows in the form');
  await clean(page, 'a bar\'s seizures');

  // A country row, a route row.
  await open(page, '#/');
  await page.getByRole('region', { name: /Top countries/ }).getByRole('link', { name: 'Bhutan (BT)', exact: true }).click();
  await page.waitForFunction(() => location.hash.startsWith('#/seizures?location.country=BT'));
  await ready(page);
  ids = await seizureIds(page);
  T.ok(ids.length === 3 && [...odsM2, ...odsM3].every((id) => ids.includes(id)), 'a country row lists that country\'s seizures', ids.join(' '));
  await open(page, '#/');
  await page.getByRole('region', { name: /Top routes/ }).getByRole('link', { name: new RegExp(`^${routeId} `) }).click();
  await page.waitForFunction((r) => location.hash.startsWith(`#/seizures?route=${r}`), routeId);
  await ready(page);
  ids = await seizureIds(page);
  T.ok(ids.length === 2 && odsM2.every((id) => ids.includes(id)), 'a route row lists the route\'s seizures', ids.join(' '));
  await clean(page, 'a row\'s seizures');

  // The period is in the URL.
  await open(page, '#/');
  await page.getByLabel('Period').selectOption('24');
  await page.waitForFunction(() => location.hash === '#/?months=24');
  await ready(page);
  T.ok(await page.getByRole('heading', { name: 'Seizures per month by commodity, last 24 months' }).isVisible(),
    'the period goes into the URL and applies');
  await clean(page, 'dashboard, 24 months');
  await page.context().close();

  // --- without Chart.js: the same figures as a table ---------------------------------------
  const bare = await newPage('officer');
  await bare.route('**/vendor/**', (r) => r.abort());
  await open(bare, '#/');
  T.ok(await bare.getByText('The chart cannot be drawn here').isVisible(), 'without Chart.js, the dashboard says so');
  T.ok(await bare.getByRole('table', { name: 'Seizures per month and commodity' }).isVisible() &&
    (await bare.locator('canvas').count()) === 0, 'and shows the table instead of a chart');
  const cellBare = bare.locator(`table.dash-matrix a[href="#/seizures?commodity.category=ods&since=${M2}-01&until=${lastDay(M2)}"]`);
  T.is(await cellBare.textContent(), String(wantM2), 'with the same figures');
  // The refused library is logged by the browser itself: that is expected.
  (bare.__expected ||= []).push(/ERR_FAILED|chart\.min\.js/);
  await clean(bare, 'dashboard without Chart.js');
  await shot(bare, 'dashboard-no-chart');
  await cellBare.click();
  await ready(bare);
  T.ok((await seizureIds(bare)).length === wantM2, 'a figure of the table leads to its seizures');
  await bare.context().close();

  // --- in Vietnamese ------------------------------------------------------------------------
  const vi = await newPage('officer', { lang: 'vi' });
  await open(vi, '#/');
  T.ok(await vi.getByRole('heading', { name: 'Tổng quan', level: 1 }).isVisible(), 'the dashboard in Vietnamese');
  await vi.getByText('Xem số liệu dạng bảng').click();
  const viMonth = await vi.locator('table.dash-matrix tbody th').first().textContent();
  T.ok(/tháng/i.test(viMonth), `months are named in Vietnamese (${viMonth})`);
  const raw = await vi.evaluate(() => document.body.innerText.match(/\b(dash|seizures)\.[a-z_]+/g));
  T.ok(!raw, 'no label is left untranslated', raw && raw.join(', '));
  await clean(vi, 'dashboard in Vietnamese');
  await vi.context().close();

  // --- the seizures list -----------------------------------------------------------------------
  const sp = await newPage('officer');
  await open(sp, '#/seizures');
  T.ok(await sp.getByRole('heading', { name: 'Seizures', level: 1 }).isVisible(), 'the seizures list opens');
  T.ok(await sp.getByText(`dashboard ods`).first().isVisible(), 'it lists seizures');
  T.ok(await sp.getByText(` <script>window.__xss='description'</script>`, { exact: true }).isVisible(),
    'a description holding markup shows as typed');
  T.ok(await sp.getByText('javascript:alert(1)', { exact: true }).isVisible() &&
    (await sp.locator('a[href^="javascript"]').count()) === 0, 'a place written as a javascript: URL is text, not a link');
  await sp.getByLabel('Country').fill('mn');
  await sp.getByRole('button', { name: 'Filter' }).click();
  await sp.waitForFunction(() => location.hash.includes('location.country=MN'));
  await ready(sp);
  ids = await seizureIds(sp);
  T.ok(artM2.every((id) => ids.includes(id)) && !ids.includes(odsM2[0]), 'the country filter goes into the URL and applies', ids.join(' '));
  const n = ids.length;
  T.ok(await sp.getByText(`${n} seizures match.`).isVisible(), 'the count matches the rows');
  await sp.getByRole('row').nth(1).getByRole('link').first().click();
  T.ok(await came(sp.waitForFunction(() => /^#\/seizures\/S-\d+$/.test(location.hash))),
    'a row leads to its seizure');
  await open(sp, '#/seizures');
  await clean(sp, 'seizures list');
  await shot(sp, 'seizures');
  await sp.context().close();
}
