// t-30-graph.mjs - the graph explorer: a seeded record's graph, expanding
// by click and by keyboard, filters by kind and link type (in the URL),
// a hub whose seizures show as a summary that opens as a list, the list
// view, SVG and PNG export, the drawing library missing, hostile names;
// and the entity page with its links grouped by kind and its timeline.
import fs from 'node:fs';

const HOSTILE_NAME = `<img src=x onerror="window.__xss='entity'">`;
const HOSTILE_ALIAS = `"><script>window.__xss='alias'</script>`;

export default async function ({ T, base, page: newPage, open, ready, clean, shot }) {
  const page = await newPage('officer');
  await page.goto(`${base}/`);
  await ready(page);
  const me = await (await page.request.get(`${base}/api/v1/me`)).json();
  const api = async (method, p, data) => {
    const r = await page.request.fetch(`${base}/api/v1${p}`, { method, data, headers: { 'X-CSRF-Token': me.csrf_token } });
    return r.json();
  };
  const find = async (q, kind) => (await api('GET', `/search?q=${encodeURIComponent(q)}`)).items.find((r) => r.kind === kind).id;
  const hung = await find('nguyen van hung', 'entity');
  const company = await find('hoang long', 'entity');
  const vessel = await find('ocean pearl', 'entity');
  const pangolin = await find('pangolin', 'seizure');
  const hostile = await find('onerror entity', 'entity');
  const nodeIds = () => page.locator('.graph-svg .node[data-id]').evaluateAll((els) => els.map((e) => e.dataset.id).sort());

  // --- a seeded record's graph, expanded by click, then by keyboard ---------------
  await open(page, `#/graph/${hung}`);
  await page.locator('.graph-svg').waitFor();
  T.ok(await page.getByRole('heading', { name: `Graph of ${hung}` }).isVisible(), 'the graph explorer opens on a record');
  T.is((await nodeIds()).join(' '), [hung, company].sort().join(' '), 'depth 1: the person and the company he directs');
  await page.getByRole('button', { name: /Công ty TNHH Hoàng Long\. Expand/ }).click();
  await page.waitForFunction((id) => location.hash.includes(`x=${id}`), company);
  await ready(page);
  await page.locator('.graph-svg').waitFor();
  T.ok((await nodeIds()).includes(pangolin), 'a click on the company expands it: its seizure appears');
  T.ok(page.url().includes(`x=${company}`), 'the expansion is in the URL');
  const seizureNode = page.locator(`.graph-svg .node[data-id="${pangolin}"]`);
  await seizureNode.focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction((id) => location.hash.includes(`x=${id}`), pangolin);
  await ready(page);
  await page.locator('.graph-svg').waitFor();
  T.ok((await nodeIds()).includes(vessel), 'Enter on a focused seizure expands it: the vessel that carried it');
  const refocused = await page.waitForFunction((id) => document.activeElement && document.activeElement.dataset &&
    document.activeElement.dataset.id === id, pangolin, { timeout: 5000 }).then(() => true, () => false);
  T.ok(refocused, 'and the focus is back on the seizure, to go on with the keyboard');
  T.ok(await page.getByRole('heading', { name: 'Selected' }).isVisible() &&
    await page.getByRole('link', { name: `Open ${pangolin}` }).isVisible(), 'the expanded record is selected, with a link to its page');
  T.ok((await page.locator('.graph-svg .graph-links line').count()) >= 3, 'the links are drawn');
  await clean(page, 'graph, expanded');
  await shot(page, 'graph');

  // --- filters ---------------------------------------------------------------------------
  await page.getByRole('checkbox', { name: /^Seizures/ }).uncheck();
  await page.waitForFunction(() => location.hash.includes('hide=seizure'));
  await ready(page);
  await page.locator('.graph-svg').waitFor();
  T.is((await nodeIds()).join(' '), [hung, company].sort().join(' '),
    'hiding seizures hides the seizure and what hangs by it (the vessel)');
  T.ok(!(await page.getByRole('checkbox', { name: /^Seizures/ }).isChecked()), 'the kind filter is in the URL and stays unchecked');
  await page.getByRole('checkbox', { name: /^Seizures/ }).check();
  await ready(page);
  await page.getByRole('checkbox', { name: /^director of/ }).uncheck();
  await page.waitForFunction(() => location.hash.includes('hidetype=director_of'));
  await ready(page);
  await page.locator('.graph-svg').waitFor();
  T.is((await nodeIds()).join(' '), hung, 'hiding "director of" links leaves the person alone');
  await page.getByRole('checkbox', { name: /^director of/ }).check();
  await ready(page);
  await page.locator('.graph-svg').waitFor();
  T.is((await nodeIds()).length, 4, 'and back: four records');

  // --- the list view ------------------------------------------------------------------------
  await page.getByRole('button', { name: 'List', exact: true }).click();
  await page.waitForFunction(() => location.hash.includes('view=list'));
  await ready(page);
  const records = page.getByRole('table', { name: 'The records shown' });
  T.is(await records.locator('tbody tr').count(), 4, 'the list view: a table of the same four records');
  T.ok(await records.getByText('Ocean Pearl').isVisible(), 'with their names');
  const linksTable = page.getByRole('table', { name: 'The links between them' });
  T.is(await linksTable.locator('tbody tr').count(), 3, 'and a table of the three links');
  T.ok(await linksTable.getByRole('link', { name: 'director of' }).isVisible(), 'each link named by its type');
  await clean(page, 'graph list view');
  await shot(page, 'graph-list');
  await page.getByRole('button', { name: 'Graph', exact: true }).click();
  await page.waitForFunction(() => !location.hash.includes('view=list'));
  await ready(page);
  await page.locator('.graph-svg').waitFor();

  // --- export ----------------------------------------------------------------------------------
  const [svgDl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export SVG' }).click()]);
  const svgText = fs.readFileSync(await svgDl.path(), 'utf8');
  T.is(svgDl.suggestedFilename(), `graph-${hung}.svg`, 'Export SVG downloads graph-ID.svg');
  const parsed = await page.evaluate((s) => {
    const doc = new DOMParser().parseFromString(s, 'image/svg+xml');
    return { error: doc.getElementsByTagName('parsererror').length, root: doc.documentElement.localName,
      nodes: doc.querySelectorAll('.node').length, text: doc.documentElement.textContent };
  }, svgText);
  T.ok(parsed.error === 0 && parsed.root === 'svg' && parsed.nodes === 4 && parsed.text.includes('Ocean Pearl'),
    'the SVG parses, with the four records and their names', JSON.stringify({ ...parsed, text: parsed.text.slice(0, 80) }));
  const [pngDl] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export PNG' }).click()]);
  const png = fs.readFileSync(await pngDl.path());
  T.ok(png.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) && png.length > 2000,
    `Export PNG downloads a PNG (${png.length} bytes)`);
  T.is(pngDl.suggestedFilename(), `graph-${hung}.png`, 'named graph-ID.png');
  await clean(page, 'graph export');

  // --- a hub: a company in 30 seizures, counted, not drawn -------------------------------------
  const hubCase = await api('POST', '/cases', { title: 'Hub test case' });
  const hub = await api('POST', '/entities', { type: 'company', name: 'Hub Trading Co' });
  for (let i = 1; i <= 30; i++) {
    const s = await api('POST', '/seizures', { case: hubCase.id, occurred_at: `2024-${String((i % 12) + 1).padStart(2, '0')}-${String((i % 27) + 1).padStart(2, '0')}`,
      commodity: { category: 'timber', description: `rosewood lot ${i}` }, quantity: { amount: i, unit: 't' } });
    await api('POST', '/links', { from: hub.id, to: s.id, type: 'consignee_of' });
  }
  await open(page, `#/graph/${hub.id}`);
  await page.locator('.graph-svg').waitFor();
  const summary = page.getByRole('button', { name: `30 seizures linked to ${hub.id}: open the list` });
  T.ok(await summary.isVisible(), 'a hub with 30 seizures shows one summary node "30 seizures"');
  T.is((await nodeIds()).join(' '), hub.id, 'and draws none of them');
  T.ok(await page.locator('.graph-svg').getByText('30 seizures', { exact: true }).isVisible(), 'the node reads "30 seizures"');
  await summary.click();
  await page.waitForFunction(() => location.hash.includes('sum='));
  await ready(page);
  const list = page.getByRole('region', { name: `30 seizures linked to ${hub.id}` });
  T.is(await list.locator('tbody tr').count(), 30, 'the summary opens as a list of the 30 seizures');
  T.ok(await list.getByText('rosewood lot 7, 7 t').isVisible(), 'each named');
  const firstRow = list.locator('tbody tr').first();
  const firstId = (await firstRow.locator('td').first().textContent()).trim();
  await firstRow.getByRole('button', { name: `Add ${firstId} to the graph` }).click();
  await page.waitForFunction((id) => location.hash.includes(`x=${id}`), firstId);
  await ready(page);
  await page.locator('.graph-svg').waitFor();
  T.ok((await nodeIds()).includes(firstId), 'a seizure from the list is added to the graph');
  // The group size is a control: with more than 50 of a kind, all are drawn.
  await page.getByLabel('Count instead of drawing').selectOption('50');
  await page.waitForFunction(() => location.hash.includes('group=50'));
  await ready(page);
  await page.locator('.graph-svg').waitFor();
  T.is((await nodeIds()).length, 31, 'counting only past 50: the hub and its 30 seizures drawn');
  await page.getByLabel('At most').selectOption('25');
  await page.waitForFunction(() => location.hash.includes('limit=25'));
  await ready(page);
  await page.locator('.graph-svg').waitFor();
  T.ok((await nodeIds()).length === 25 && await page.getByText(/Only 25 records are shown/).isVisible(),
    'the node cap: 25 records, and it says so');
  await clean(page, 'graph of a hub');

  // --- hostile names: text, in the drawing and in the list ---------------------------------------
  await open(page, `#/graph/${hostile}`);
  await page.locator('.graph-svg').waitFor();
  const titles = await page.locator('.graph-svg title').allTextContents();
  T.ok(titles.some((s) => s.includes(HOSTILE_NAME)), 'a name holding markup is drawn as typed');
  T.is(await page.locator('.graph-svg img, .graph-svg script, main img').count(), 0, 'and makes no element');
  await open(page, `#/graph/${hostile}?view=list`);
  T.ok(await page.getByRole('table', { name: 'The records shown' }).getByText(HOSTILE_NAME, { exact: true }).isVisible(),
    'the list view shows it as typed');
  await clean(page, 'graph of a hostile record');

  // --- the entity page --------------------------------------------------------------------------
  await open(page, `#/entities/${company}`);
  T.ok(await page.getByRole('heading', { name: 'Công ty TNHH Hoàng Long', level: 1 }).isVisible(), 'the entity page: its name');
  const ids = page.getByRole('region', { name: 'Identifiers' });
  T.ok(await ids.getByRole('cell', { name: 'Tax id' }).isVisible() && await ids.getByRole('cell', { name: '0312345678' }).isVisible(),
    'its identifiers as a table');
  T.ok(await page.getByRole('heading', { name: 'Seizures (1)' }).isVisible() &&
    await page.getByRole('heading', { name: 'Entities · Person (1)' }).isVisible(), 'linked records grouped by kind, entities by type');
  const seizureRow = page.getByRole('row').filter({ has: page.getByRole('link', { name: pangolin, exact: true }) });
  T.ok(await seizureRow.getByText('is consignee of').isVisible(), 'a link from the entity: "is consignee of"');
  const personRow = page.getByRole('row').filter({ has: page.getByRole('link', { name: hung, exact: true }) });
  T.ok(await personRow.getByText('director of this').isVisible(), 'a link towards it: "director of this"');
  T.is(await page.locator('svg.timeline a.timeline-dot').count(), 1, 'its seizure on the timeline');
  T.ok(/One seizure, on (21 Feb 2025|Feb 21, 2025)/.test(await page.locator('svg.timeline').getAttribute('aria-label')),
    'the timeline says what it shows, dates localised');
  T.is(await page.getByRole('link', { name: 'Edit' }).getAttribute('href'), `#/edit/${company}`, 'Edit opens the form');
  T.is(await page.getByRole('link', { name: 'Link', exact: true }).getAttribute('href'), `#/link?from=${company}`, 'Link starts a link from it');
  T.is(await page.getByRole('link', { name: 'Graph', exact: true }).getAttribute('href'), `#/graph/${company}`, 'Graph opens the explorer');
  await clean(page, 'entity page');
  await shot(page, 'entity');

  await open(page, `#/entities/${hub.id}`);
  T.is(await page.locator('svg.timeline a.timeline-dot').count(), 30, 'a hub: its 30 seizures on the timeline');
  const linked = page.getByRole('region', { name: /Linked records/ });
  T.is(await linked.locator('tbody tr').count(), 25, 'the first 25 of its seizures are listed');
  await linked.getByRole('button', { name: 'Show all 30' }).click();
  T.is(await linked.locator('tbody tr').count(), 30, '"Show all 30" lists the rest');
  await open(page, `#/entities/${hostile}`);
  T.ok(await page.getByRole('heading', { name: HOSTILE_NAME, level: 1 }).isVisible() &&
    await page.getByText(HOSTILE_ALIAS, { exact: true }).isVisible(), 'a hostile entity: name and alias as typed');
  await clean(page, 'hostile entity page');
  await open(page, '#/entities/E-99999');
  T.ok(await page.getByText('No such record.').isVisible(), 'a missing entity: "No such record."');
  (page.__expected ||= []).push(/status of 404/);
  await clean(page, 'missing entity');
  await page.context().close();

  // --- without d3: the lists are the graph --------------------------------------------------------
  const bare = await newPage('officer');
  await bare.route('**/vendor/**', (r) => r.abort());
  await open(bare, `#/graph/${hung}?x=${company}`);
  T.ok(await bare.getByText('The drawing library (d3) could not be loaded').isVisible(), 'without d3 the screen says so');
  T.is(await bare.getByRole('table', { name: 'The records shown' }).locator('tbody tr').count(), 3,
    'and lists the records instead');
  T.is(await bare.locator('.graph-svg').count(), 0, 'with no drawing and no export');
  await bare.getByRole('button', { name: `Expand ${pangolin}` }).click();
  await bare.waitForFunction((id) => location.hash.includes(`x=${id}`), pangolin);
  await ready(bare);
  T.ok(await bare.getByRole('table', { name: 'The records shown' }).getByText('Ocean Pearl').isVisible(),
    'expanding works from the list too');
  (bare.__expected ||= []).push(/ERR_FAILED|vendor\/d3/);
  await clean(bare, 'graph without d3');
  await bare.context().close();
}
