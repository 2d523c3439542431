// t-20-case.mjs - a case page as an officer sees it: its seizures, the
// entities and links around it, an alert naming one of its seizures, its
// evidence panel and its history; a status change made on the page shows
// in the history, and one that meets a change made meanwhile says who
// made it and reloads. Then its print view (print media, a PDF), the
// record pages of a seizure, a route and a link, and the hostile case and
// seizure, whose markup shows as typed.
import path from 'node:path';
import fs from 'node:fs';

const HOSTILE_TITLE = `<img src=x onerror="window.__xss='case title'">"><script>window.__xss='case script'</script>`;
const HOSTILE_DESC = `<script>window.__xss='description'</script>`;

// Answers of 4xx the test provokes on purpose are logged by the browser.
function expected(page, statuses) {
  const re = new RegExp(`status of (${statuses.join('|')})`);
  (page.__expected ||= []).push(re);
}

const RULE = `return {
  name = "case-page-pangolin",
  title = "Pangolin scales seized",
  severity = "high",
  on = { "seizure" },
  check = function(rec)
    if rec.commodity.species == "Manis javanica" then
      alert { key = rec.id, title = "Pangolin scales in " .. rec.id, refs = { rec.id } }
    end
  end,
}
`;

export default async function (ctx) {
  const { T, page: newPage, open, ready, clean, shot, api, putRule, shots, came } = ctx;
  // The seeded records, looked up rather than assumed.
  const cases = (await api('officer', 'GET', '/cases?limit=1000')).json.items;
  const pangolin = cases.find((c) => c.title === 'Pangolin scales at Cat Lai');
  const hostile = cases.find((c) => c.title === HOSTILE_TITLE);
  const seizures = (await api('officer', 'GET', `/seizures?where=case=${pangolin.id}`)).json.items;
  const s1 = seizures[0];
  const hs = (await api('officer', 'GET', `/seizures?where=case=${hostile.id}`)).json.items[0];

  // An alert naming the case's seizure: a rule, then a change to the
  // seizure that runs it; the rule is disabled again afterwards.
  const add = await putRule('analyst', 'case-page-pangolin', RULE);
  T.ok(add.status === 200, 'an analyst adds a rule through the API', add.body);
  await api('officer', 'PATCH', `/seizures/${s1.id}`, { attributes: { weighed_again: true } });
  await api('analyst', 'POST', '/rules/case-page-pangolin/disable');
  const alerts = (await api('officer', 'GET', `/alerts?ref=${s1.id}`)).json.items;
  T.ok(alerts.some((a) => a.title === `Pangolin scales in ${s1.id}`), 'the change raised an alert naming the seizure');

  // --- the case page ----------------------------------------------------------------
  const page = await newPage('officer');
  await open(page, `#/cases/${pangolin.id}`);
  T.ok(await page.getByRole('heading', { level: 1, name: 'Pangolin scales at Cat Lai' }).isVisible(), 'the case page has its title');
  const seizuresPanel = page.getByRole('region', { name: /^Seizures/ });
  T.ok(await seizuresPanel.getByRole('link', { name: s1.id }).isVisible(), 'its seizure is listed, linking to its page');
  T.is(await seizuresPanel.getByRole('link', { name: s1.id }).getAttribute('href'), `#/seizures/${s1.id}`, 'at #/seizures/S-n');
  T.ok(await seizuresPanel.getByRole('cell', { name: 'Wildlife' }).isVisible(), 'with its category in words');
  const entities = page.getByRole('region', { name: /^Entities/ });
  T.ok(await entities.getByRole('link', { name: 'Công ty TNHH Hoàng Long' }).isVisible() &&
    await entities.getByRole('link', { name: 'Ocean Pearl' }).isVisible(),
    "the entities linked to its seizure: the consignee and the vessel");
  T.ok(await entities.getByRole('heading', { name: /Company/ }).isVisible() && await entities.getByRole('heading', { name: /Vessel/ }).isVisible(),
    'grouped by type');
  const links = page.getByRole('region', { name: /^Links/ });
  T.ok(await links.getByRole('cell', { name: 'consignee of' }).isVisible() && await links.getByRole('cell', { name: 'carrier of' }).isVisible(),
    'the links among them, their types in words');
  const alertsPanel = page.getByRole('region', { name: /^Alerts/ });
  T.ok(await alertsPanel.getByText(`Pangolin scales in ${s1.id}`).isVisible(), 'the alert naming its seizure');
  T.ok(await page.getByRole('region', { name: 'Evidence' }).isVisible(), 'its evidence panel');
  for (const [name, target] of [['Edit', `#/edit/${pangolin.id}`], ['New seizure', `#/new/seizure?case=${pangolin.id}`],
    ['Link', `#/link?from=${pangolin.id}`], ['Graph', `#/graph/${pangolin.id}`], ['Print', `#/cases/${pangolin.id}/print`]])
    T.is(await page.getByRole('navigation', { name: 'What to do with this case' }).getByRole('link', { name, exact: true }).getAttribute('href'),
      target, `"${name}" leads to ${target}`);
  const history = page.getByRole('list', { name: 'History' });
  T.ok((await history.getByRole('listitem').count()) >= 3, 'its history lists the case\'s and its seizure\'s entries');
  T.ok(/changed/.test(await history.getByRole('listitem').first().textContent()) &&
    await history.getByRole('listitem').first().getByRole('link', { name: s1.id }).isVisible(),
    'newest first: the change to the seizure');
  await clean(page, 'case page');

  // A status change on the page, and back.
  const statuses = page.getByRole('group', { name: 'Change the status to' });
  await statuses.getByRole('button', { name: 'Referred' }).click();
  await page.getByText('Status changed to Referred.').waitFor();
  await ready(page);
  T.is((await api('officer', 'GET', `/cases/${pangolin.id}`)).json.status, 'referred', 'a status button changes the case');
  T.ok(await page.locator('.case-sub .badge').first().textContent() === 'Referred', 'the page shows the new status');
  const first = history.getByRole('listitem').first();
  T.ok(/olga\s+changed\s+/.test(await first.textContent()) && await first.getByRole('link', { name: pangolin.id }).isVisible(),
    'the history has the change on top: olga changed the case');
  T.ok(!(await statuses.getByRole('button', { name: 'Referred' }).count()), 'the current status is not offered');
  await statuses.getByRole('button', { name: 'Investigating' }).click();
  await page.getByText('Status changed to Investigating.').waitFor();
  await ready(page);

  // Changed by someone else meanwhile: said, and a reload shows it.
  const other = (await api('analyst', 'PATCH', `/cases/${pangolin.id}`, { summary: 'Scales consigned to a Hanoi trading company; sent on by road' })).json;
  T.ok(other && other.version, 'an analyst changes the case behind the page');
  await statuses.getByRole('button', { name: 'Prosecuted' }).click();
  const conflict = page.getByRole('alert').filter({ hasText: 'changed this case after you opened it' });
  await conflict.waitFor();
  expected(page, ['412']);
  T.ok(/^anna changed this case/.test(await conflict.textContent()), 'a change meeting another says who made it');
  T.is((await api('officer', 'GET', `/cases/${pangolin.id}`)).json.status, 'investigating', 'and changes nothing');
  await conflict.getByRole('button', { name: 'Reload' }).click();
  T.ok(await came(page.getByText('sent on by road').waitFor()), 'Reload shows the case as it is now');
  await ready(page);
  await shot(page, 'case');
  await clean(page, 'case page: status changes');

  // Vietnamese.
  await page.getByLabel('Language').first().selectOption('vi');
  await page.getByRole('heading', { name: 'Lịch sử' }).waitFor();
  T.ok(await page.getByRole('group', { name: 'Chuyển trạng thái sang' }).isVisible() &&
    /đã sửa/.test(await page.getByRole('list', { name: 'Lịch sử' }).getByRole('listitem').first().textContent()),
    'in Vietnamese, the history says who did what');
  await page.getByLabel('Ngôn ngữ').first().selectOption('en');
  await ready(page);

  // --- the print view ----------------------------------------------------------------
  await page.getByRole('navigation', { name: 'What to do with this case' }).getByRole('link', { name: 'Print' }).click();
  await page.waitForFunction((id) => location.hash === `#/cases/${id}/print`, pangolin.id);
  await ready(page);
  T.ok(await page.getByRole('heading', { level: 1 }).filter({ hasText: 'Pangolin scales at Cat Lai' }).isVisible(), 'the print view has the case');
  T.ok(await page.getByRole('heading', { name: /^Seizures \(1\)/ }).isVisible() && await page.getByRole('cell', { name: 'Ocean Pearl', exact: true }).isVisible() &&
    await page.getByRole('cell', { name: `Pangolin scales in ${s1.id}` }).isVisible() && await page.getByRole('cell', { name: 'consignee of' }).isVisible(),
    'its seizures, entities, alerts and links as tables');
  T.ok((await page.locator('main a[href^="#/seizures"], main a[href^="#/entities"]').count()) === 0, 'as plain text, not links');
  T.ok(await page.getByRole('heading', { name: 'History' }).isVisible() && (await page.locator('main table').last().locator('tbody tr').count()) >= 4,
    'and its history');
  await page.emulateMedia({ media: 'print' });
  T.ok(!(await page.locator('header.top').isVisible()) && !(await page.getByRole('button', { name: 'Print' }).isVisible()),
    'printed, there is no header and no button');
  T.ok(await page.getByRole('heading', { name: /^Seizures/ }).isVisible(), 'but the case is all there');
  await shot(page, 'case-print');
  const pdf = path.join(shots, 'case-print.pdf');
  await page.pdf({ path: pdf, format: 'A4', printBackground: true });
  T.ok(fs.statSync(pdf).size > 10000, 'it prints to a PDF');
  await page.emulateMedia({ media: 'screen' });
  await clean(page, 'print view');

  // --- a seizure's page ------------------------------------------------------------------
  await open(page, `#/seizures/${s1.id}`);
  T.ok(await page.getByRole('heading', { level: 1, name: `Seizure ${s1.id}: Wildlife, 312.5 kg` }).isVisible(), 'a seizure page says what was seized');
  const dd = async (label) => (await page.locator('dl.facts').locator(`dt:text-is("${label}") + dd`).first().textContent()).trim();
  T.is(await dd('Category'), 'Wildlife', 'the category in words');
  T.is(await dd('Species'), 'Manis javanica', 'the species');
  T.is(await dd('Concealment'), 'Misdeclared', 'the concealment in words');
  T.is(await dd('Detected by'), 'X-ray', 'the detection in words');
  T.is(await dd('Transport'), 'Sea', 'the transport in words');
  T.is(await dd('Type of place'), 'Seaport', 'the type of place in words');
  T.ok(/Viet ?nam \(VN\)/i.test(await dd('Country')), 'the country by name');
  T.ok(/^USD\s250,000\.00$/.test(await dd('Value')), 'the value as money, with its currency');
  T.ok(await page.getByRole('region', { name: 'Case' }).getByRole('link', { name: 'Pangolin scales at Cat Lai' }).isVisible(), 'its case, by title');
  T.ok(await page.getByRole('region', { name: 'Route' }).getByRole('cell', { name: /Lagos/ }).isVisible(), 'its route, leg by leg');
  const slinks = page.getByRole('region', { name: /^Links/ });
  T.ok(await slinks.getByRole('link', { name: 'Ocean Pearl' }).isVisible() && await slinks.getByRole('cell', { name: 'carrier of' }).isVisible(), 'the links to it');
  T.ok(/weighed_again/.test(await page.getByRole('region', { name: 'Record' }).textContent()), 'every field, attributes too');
  T.is(await page.getByRole('link', { name: 'Edit', exact: true }).getAttribute('href'), `#/edit/${s1.id}`, 'an Edit button');
  T.ok(/olga\s+changed/.test(await page.getByRole('list', { name: 'History' }).getByRole('listitem').first().textContent()), 'its history');
  await shot(page, 'seizure');
  await clean(page, 'seizure page');

  // A route's page, and a link's.
  await open(page, `#/routes/${s1.route}`);
  T.ok(await page.getByRole('heading', { level: 1, name: `Route ${s1.route}: NG → MY → VN` }).isVisible(), 'a route page names its way');
  T.ok(await page.getByRole('cell', { name: /Port Klang/ }).first().isVisible() && (await page.locator('table caption:text-is("Legs") ~ tbody tr').count()) === 2,
    'its legs');
  T.ok(await page.getByRole('region', { name: /^Seizures on this route/ }).getByRole('link', { name: s1.id }).isVisible(), 'the seizures on it');
  await clean(page, 'route page');
  const link = (await api('officer', 'GET', `/links?linked=${s1.id}`)).json.items.find((l) => l.type === 'consignee_of');
  await open(page, `#/links/${link.id}`);
  T.ok(await page.getByRole('heading', { level: 1, name: `Link ${link.id}: consignee of` }).isVisible(), 'a link page names its type');
  T.ok(await page.getByRole('link', { name: 'Công ty TNHH Hoàng Long' }).isVisible() && await page.getByRole('link', { name: 'Wildlife' }).isVisible(),
    'and its two ends by name');
  await clean(page, 'link page');

  // --- the hostile case and seizure ------------------------------------------------------------
  await open(page, `#/cases/${hostile.id}`);
  T.is(await page.getByRole('heading', { level: 1 }).textContent(), HOSTILE_TITLE, 'a case title holding markup shows as typed');
  T.ok(await page.getByText('<svg onload=window.__xss=1>', { exact: true }).isVisible(), 'so does a tag');
  T.ok(await page.getByText("javascript:window.__xss='summary' and \u202Egnp.exe").isVisible(), 'and a summary');
  T.ok(await page.getByText(HOSTILE_DESC, { exact: true }).first().isVisible(), 'and its seizure\'s description');
  T.ok(await page.getByRole('link', { name: /<img src=x onerror/ }).first().isVisible(), 'and an entity\'s name');
  await clean(page, 'hostile case');
  await open(page, `#/cases/${hostile.id}/print`);
  T.ok((await page.getByRole('heading', { level: 1 }).textContent()).includes(HOSTILE_TITLE), 'and in the print view');
  await clean(page, 'hostile print view');
  await open(page, `#/seizures/${hs.id}`);
  T.ok(await page.getByText(HOSTILE_DESC, { exact: true }).isVisible(), 'a seizure description holding markup shows as typed');
  T.ok(await page.getByText('javascript:alert(1)', { exact: true }).isVisible() && !(await page.locator('a[href^="javascript"]').count()),
    'a place holding a javascript: URL is text, not a link');
  T.ok(await page.getByText('\u202Etxt.exe <i>x</i>').isVisible(), 'and notes with markup');
  await clean(page, 'hostile seizure');

  // No such case.
  await open(page, '#/cases/C-999999');
  expected(page, ['404']);
  T.ok(await page.getByText('No such record.').isVisible(), 'a case that is not there says so');
  await clean(page, 'missing case');
  await page.context().close();

  // The seeded records as they were, for the tests after this one.
  await api('officer', 'PATCH', `/cases/${pangolin.id}`, { summary: pangolin.summary });
  await api('officer', 'PATCH', `/seizures/${s1.id}`, { attributes: { weighed_again: null } });
}
