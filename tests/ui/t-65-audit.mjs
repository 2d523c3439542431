// t-65-audit.mjs - the audit trail as a supervisor sees it: newest
// first, filtered by user and by record (in the URL, kept on reload),
// paged; a note holding markup shows as typed; Verify says the trail is
// intact. An officer is refused the screen and the API.
const HOSTILE_NOTE = `<img src=x onerror="window.__xss='audit note'">lane 4</td><script>window.__xss='audit'</script>`;

function expected(page, statuses) {
  const re = new RegExp(`status of (${statuses.join('|')})`);
  (page.__expected ||= []).push(re);
}

export default async function ({ T, base, page: newPage, open, ready, clean, shot, api, browser, users }) {
  // Entries of our own: a case made and changed 26 times by the officer,
  // and a piece of evidence whose note holds markup.
  const tag = Date.now().toString(36);
  const c = (await api('officer', 'POST', '/cases', { title: `Audit screen ${tag}` })).json;
  for (let i = 1; i <= 26; i++) await api('officer', 'PATCH', `/cases/${c.id}`, { notes: `change ${i}` });
  const context = await browser.newContext();
  await context.request.post(`${base}/api/v1/login`, { data: { user: users.officer.user, password: users.officer.password } });
  const me = await (await context.request.get(`${base}/api/v1/me`)).json();
  const up = await context.request.post(`${base}/api/v1/cases/${c.id}/evidence?filename=scan.txt&note=${encodeURIComponent(HOSTILE_NOTE)}`, {
    data: Buffer.from('x-ray scan'), headers: { 'Content-Type': 'application/octet-stream', 'X-CSRF-Token': me.csrf_token },
  });
  T.is(up.status(), 201, 'evidence with a note holding markup is added');
  await context.close();

  const page = await newPage('supervisor');
  await open(page, '#/audit');
  T.ok(await page.getByRole('heading', { level: 1, name: 'Audit trail' }).isVisible(), 'a supervisor opens the audit trail');
  const rows = page.locator('main table tbody tr');
  const seqs = await rows.evaluateAll((trs) => trs.map((tr) => Number(tr.cells[0].textContent)));
  T.ok(seqs.length > 20 && seqs.every((s, i) => i === 0 || s < seqs[i - 1]), 'newest first');
  T.ok(await page.getByText(HOSTILE_NOTE, { exact: true }).isVisible(), 'a note holding markup shows as typed');
  await clean(page, 'audit trail');

  // By user, through the form: into the URL, kept on reload.
  await page.getByLabel('User', { exact: true }).fill(users.officer.user);
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.waitForFunction((u) => location.hash.includes(`user=${u}`), users.officer.user);
  await ready(page);
  const who = await rows.evaluateAll((trs) => trs.map((tr) => tr.cells[2].textContent));
  T.ok(who.length > 0 && who.every((u) => u === users.officer.user), `filtered by user: only ${users.officer.user}'s entries (${who.length})`);
  await page.reload();
  await ready(page);
  T.is(await page.getByLabel('User', { exact: true }).inputValue(), users.officer.user, 'a reload keeps the filter');

  // By record, and both: 27 entries of the case, 25 a page.
  await page.getByLabel('Record', { exact: true }).fill(c.id);
  await page.getByLabel('Per page').selectOption('25');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.waitForFunction((id) => location.hash.includes(`record=${id}`), c.id);
  await ready(page);
  let ids = await rows.evaluateAll((trs) => trs.map((tr) => tr.cells[4].textContent.split(' ')[0]));
  T.ok(ids.length === 25 && ids.every((x) => x === c.id), `filtered by record and user: ${c.id}'s entries, 25 on a page`);
  T.ok(/changed/.test(await rows.first().textContent()), 'the newest is a change');
  await page.getByRole('link', { name: 'Older entries' }).click();
  await page.waitForFunction(() => location.hash.includes('before='));
  await ready(page);
  ids = await rows.evaluateAll((trs) => trs.map((tr) => tr.cells[4].textContent.split(' ')[0]));
  T.ok(ids.length === 2 && ids.every((x) => x === c.id) && /created/.test(await rows.last().textContent()),
    'the next page has the rest, down to its creation');
  T.ok(!(await page.getByRole('link', { name: 'Older entries' }).count()), 'and no page after it');
  await clean(page, 'audit filtered');

  // Verify, on the whole trail.
  await open(page, '#/audit');
  await page.getByRole('button', { name: 'Verify the trail' }).click();
  const verdict = page.locator('.verify-result').getByRole('status');
  await verdict.filter({ hasText: 'Intact.' }).waitFor();
  T.ok(/Intact\. [\d,]+ entries checked/.test(await verdict.textContent()), `Verify says intact (${await verdict.textContent()})`);
  await shot(page, 'audit');
  await clean(page, 'audit verify');

  // A user's name in a row filters by that user.
  await page.getByRole('link', { name: `Entries by ${users.officer.user}` }).first().click();
  await page.waitForFunction((u) => location.hash.includes(`user=${u}`), users.officer.user);
  await ready(page);
  T.is(await page.getByLabel('User', { exact: true }).inputValue(), users.officer.user, 'a user\'s name in a row filters by them');

  // Vietnamese.
  await page.getByLabel('Language').first().selectOption('vi');
  await page.getByRole('heading', { name: 'Nhật ký kiểm tra' }).waitFor();
  T.ok(await page.getByRole('button', { name: 'Kiểm tra nhật ký' }).isVisible(), 'in Vietnamese');
  await page.getByLabel('Ngôn ngữ').first().selectOption('en');
  await ready(page);
  await page.context().close();

  // An officer is refused, on the page and by the API.
  const officer = await newPage('officer');
  await open(officer, '#/audit');
  T.ok(await officer.getByText('Your role may not open this page.').isVisible() && !(await officer.locator('main table').count()),
    'an officer is refused the audit trail');
  T.is((await officer.request.get(`${base}/api/v1/audit`)).status(), 403, 'and so is the API');
  T.is((await api('officer', 'POST', '/audit/verify')).status, 403, 'and verify');
  expected(officer, ['403']);
  await clean(officer, 'audit refused');
  await officer.context().close();
}
