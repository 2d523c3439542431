// t-35-search.mjs - search: without diacritics, from the header's quick
// search and the screen's own form, results grouped by kind with the
// field that matched, the query kept in the URL, nothing found said so,
// and hostile names shown as typed.
const HOSTILE_NAME = `<img src=x onerror="window.__xss='entity'">`;
const HOSTILE_TITLE = `<img src=x onerror="window.__xss='case title'">"><script>window.__xss='case script'</script>`;

export default async function ({ T, page: newPage, open, ready, clean, shot }) {
  const page = await newPage('officer');

  // Typed without diacritics, found with them.
  await open(page, '#/search?q=Nguyen%20Van%20Hung');
  const entities = page.getByRole('region', { name: /^Entities \(/ });
  const row = entities.getByRole('row').filter({ has: page.getByRole('link', { name: 'Nguyễn Văn Hùng' }) });
  T.ok(await row.isVisible(), '"Nguyen Van Hung" finds "Nguyễn Văn Hùng"');
  const id = (await row.locator('td').first().textContent()).trim();
  T.ok(/^E-\d+$/.test(id), `with its id (${id})`);
  T.is(await row.locator('td').nth(2).textContent(), 'Name', 'the field that matched: Name');
  T.is(await row.locator('td').nth(3).textContent(), 'Nguyễn Văn Hùng', 'and its text');
  T.is(await row.locator('td mark').count(), 3, 'the words found are marked');
  T.is(await page.getByLabel('Names, titles, places, identifiers').inputValue(), 'Nguyen Van Hung', 'the query stays in the box');
  await clean(page, 'search by name');

  // The header's quick search, an alias.
  await page.getByRole('searchbox', { name: 'Search' }).first().fill('hung beo');
  await page.getByRole('searchbox', { name: 'Search' }).first().press('Enter');
  await page.waitForFunction(() => location.hash === '#/search?q=hung+beo');
  await ready(page);
  const alias = page.getByRole('row').filter({ has: page.getByRole('link', { name: 'Nguyễn Văn Hùng' }) });
  T.ok(await alias.getByRole('cell', { name: 'Other name', exact: true }).isVisible() &&
    await alias.getByRole('cell', { name: 'Hùng Béo', exact: true }).isVisible(),
    'the quick search finds the alias and says it matched in "Other name": Hùng Béo');
  await page.reload();
  await ready(page);
  T.ok(await page.getByRole('heading', { name: 'Search: hung beo' }).isVisible(), 'the query is in the URL: a reload keeps it');

  // An identifier, and results of several kinds grouped.
  await open(page, '#/search?q=N4175316');
  T.ok(await page.getByRole('cell', { name: 'Identifier (Passport)' }).isVisible(), 'a passport number: matched in "Identifier (Passport)"');
  await page.getByLabel('Names, titles, places, identifiers').fill('cat lai');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.waitForFunction(() => location.hash === '#/search?q=cat+lai');
  await ready(page);
  const heads = await page.locator('main h2').allTextContents();
  T.ok(heads.some((x) => x.startsWith('Cases')) && heads.some((x) => x.startsWith('Seizures')),
    `"cat lai": results grouped by kind (${heads.join(', ')})`);
  T.ok(await page.getByRole('region', { name: /^Seizures/ }).getByRole('cell', { name: 'Place', exact: true }).isVisible(),
    'a seizure matched by its place');
  await clean(page, 'search grouped');
  await shot(page, 'search');

  // Nothing found.
  await open(page, '#/search?q=zzqqxx');
  T.ok(await page.getByText('No record matches “zzqqxx”.').isVisible(), 'nothing found says so');

  // Hostile names, as typed; a hostile query too.
  await open(page, '#/search?q=onerror%20window');
  T.ok(await page.getByRole('link', { name: HOSTILE_NAME, exact: true }).isVisible(), 'an entity name holding markup shows as typed');
  T.ok(await page.getByRole('link', { name: HOSTILE_TITLE, exact: true }).isVisible(), 'a case title holding script shows as typed');
  T.is(await page.locator('main img, main script').count(), 0, 'and no element is made of them');
  await open(page, `#/search?q=${encodeURIComponent('<script>window.__xss=1</script>')}`);
  T.ok(await page.getByRole('heading', { name: 'Search: <script>window.__xss=1</script>' }).isVisible(),
    'a query holding markup is shown as typed');
  await clean(page, 'hostile search');

  // Vietnamese.
  await page.getByLabel('Language').first().selectOption('vi');
  await open(page, '#/search?q=hung%20beo');
  T.ok(await page.getByRole('cell', { name: 'Tên khác', exact: true }).isVisible(), 'in Vietnamese: "Tên khác"');
  await page.getByLabel('Ngôn ngữ').first().selectOption('en');
  await clean(page, 'search in Vietnamese');
  await page.context().close();
}
