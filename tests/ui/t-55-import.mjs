// t-55-import.mjs - the import screen as an officer uses it: a JSON Lines
// file with a bad line shows that line's number and reason and imports
// nothing; the corrected file imports, says what it created and heads the
// last imports; a CSV file is taken as CSV by its name; bad lines and
// file names holding markup show as typed.
const BAD_FIELD = '<img src=x onerror="window.__xss=\'import field\'">';

function jsonl(records) {
  return Buffer.from(records.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))).join('\n') + '\n');
}

// The file the screen imports; `broken` puts a bad date on line 3.
function file(tag, broken) {
  return jsonl([
    { kind: 'case', ref: 'c', title: `Tiger bones in a refrigerated truck ${tag}`, office: 'Lao Bao Border Gate' },
    { kind: 'entity', ref: 'd', type: 'person', name: `Lê Văn Tâm ${tag}` },
    { kind: 'seizure', ref: 's', case: '@c', occurred_at: broken ? '2025-02-30' : '2025-02-28',
      commodity: { category: 'wildlife', description: 'tiger bones' }, quantity: { amount: 38, unit: 'kg' } },
    { kind: 'link', from: '@d', to: '@s', type: 'involved_in' },
  ]);
}

async function casesTitled(api, title) {
  return (await api('officer', 'GET', '/cases?limit=1000')).json.items.filter((c) => c.title === title).length;
}

export default async function ({ T, page: newPage, open, clean, shot, api }) {
  const tag = Date.now().toString(36);
  const title = `Tiger bones in a refrigerated truck ${tag}`;
  const page = await newPage('officer');
  await open(page, '#/import');
  T.ok(await page.getByRole('heading', { name: 'Import', level: 1 }).isVisible(), 'the import screen opens');
  const entitiesBefore = (await api('officer', 'GET', '/entities?limit=1000')).json.items.length;

  // --- a file with a bad line -----------------------------------------------------------
  await page.getByLabel('File to import').setInputFiles({ name: `tiger-${tag}.jsonl`, mimeType: 'application/x-ndjson', buffer: file(tag, true) });
  T.is(await page.getByLabel('Format').inputValue(), 'jsonl', 'a .jsonl file is taken as JSON Lines');
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  const bad = page.getByRole('table', { name: 'Bad lines' });
  await bad.waitFor();
  const rows = await bad.locator('tbody tr').allTextContents();
  T.ok(rows.length === 1 && /^3\s*occurred_at/.test(rows[0]), `the bad line is listed with its number and field (${rows.join(' | ')})`);
  T.ok(/date/i.test(rows[0]), 'and its reason');
  const msg = await page.locator('.import-result .notice').first().textContent();
  T.ok(/^1 bad line: nothing was imported/.test(msg), `the screen says nothing was imported (${msg})`);
  T.is(await casesTitled(api, title), 0, 'and nothing was: not its case');
  T.is((await api('officer', 'GET', '/entities?limit=1000')).json.items.length, entitiesBefore, 'nor its entity');
  T.is(await page.getByRole('progressbar', { name: 'Upload progress' }).getAttribute('aria-valuenow'), '100',
    'the upload\u2019s progress went to 100 %');
  await clean(page, 'import with a bad line');
  await shot(page, 'import-errors');

  // --- the corrected file ----------------------------------------------------------------
  await page.getByLabel('File to import').setInputFiles({ name: `tiger-${tag}.jsonl`, mimeType: 'application/x-ndjson', buffer: file(tag, false) });
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await page.getByText(/^Imported\. Created:/).waitFor();
  const created = await page.getByRole('table', { name: 'Records created' }).locator('tbody tr').allTextContents();
  T.ok(created.length === 4 && created.some((r) => /Cases\s*1/.test(r)) && created.some((r) => /Seizures\s*1/.test(r)) &&
    created.some((r) => /Entities\s*1/.test(r)) && created.some((r) => /Links\s*1/.test(r)),
  `the corrected file imports, with counts per kind (${created.join(' | ')})`);
  T.is(await casesTitled(api, title), 1, 'its case is in the store');
  const last = page.getByRole('table', { name: 'The most recent imports, the newest first' });
  const first = await last.locator('tbody tr').first().textContent();
  T.ok(first.includes(`tiger-${tag}.jsonl`) && /Imported/.test(first) && first.includes('olga') && /JSON Lines/.test(first),
    `it heads the last imports, with who, format and status (${first})`);
  const second = await last.locator('tbody tr').nth(1).textContent();
  T.ok(second.includes(`tiger-${tag}.jsonl`) && /Failed/.test(second) && /1 bad line/.test(second),
    `the failed one is listed below it (${second})`);
  await clean(page, 'import done');
  await shot(page, 'import-done');

  // --- CSV by its name; markup in a bad line and a file name ----------------------------
  const csvName = `<svg onload=window.__xss=3> seizures ${tag}.csv`;
  const caseId = (await api('officer', 'GET', '/cases?limit=1000')).json.items.find((c) => c.title === title).id;
  await page.getByLabel('File to import').setInputFiles({ name: csvName, mimeType: 'text/csv',
    buffer: Buffer.from(`case,occurred_at,commodity.category,quantity.amount,quantity.unit\n${caseId},2025-03-01,wildlife,2,kg\n`) });
  T.is(await page.getByLabel('Format').inputValue(), 'csv', 'a .csv file is taken as CSV');
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await page.getByText(/^Imported\. Created: Seizures: 1\./).waitFor();
  T.ok((await api('officer', 'GET', `/seizures?where=case=${caseId}`)).json.items.length === 2, 'a CSV row imports into the case it names');
  T.ok(await page.getByText(csvName, { exact: true }).isVisible(), 'a file name holding markup is listed as typed');

  await page.getByLabel('File to import').setInputFiles({ name: 'fields.jsonl', mimeType: 'application/x-ndjson',
    buffer: jsonl([{ kind: 'case', title: `Markup ${tag}`, [BAD_FIELD]: 1 }]) });
  await page.getByRole('button', { name: 'Import', exact: true }).click();
  await bad.waitFor();
  T.ok(await bad.getByText(BAD_FIELD, { exact: true }).isVisible(), 'a field name holding markup is reported as typed');
  T.is(await casesTitled(api, `Markup ${tag}`), 0, 'and that file imported nothing');
  await clean(page, 'import with markup');
  await page.context().close();

  // --- in Vietnamese ------------------------------------------------------------------------
  const vi = await newPage('officer', { lang: 'vi' });
  await open(vi, '#/import');
  T.ok(await vi.getByRole('heading', { name: 'Nhập dữ liệu', level: 1 }).isVisible() &&
    await vi.getByLabel('Tệp cần nhập').isVisible() && await vi.getByRole('heading', { name: 'Các lần nhập gần đây' }).isVisible(),
  'the screen in Vietnamese');
  await clean(vi, 'import in Vietnamese');
  await vi.context().close();
}
