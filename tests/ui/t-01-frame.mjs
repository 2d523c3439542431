// t-01-frame.mjs - signing in and out, the navigation each role sees, the
// language switch (remembered), the Debian libraries under /vendor/, and
// the cases list showing hostile text as typed.
export default async function ({ T, base, users, page: newPage, open, ready, clean, shot, came }) {
  // Sign in through the form, as a person does.
  const page = await newPage(null);
  await page.goto(`${base}/`);
  await ready(page);
  await shot(page, 'sign-in');
  await page.getByLabel('User').fill(users.officer.user);
  await page.getByLabel('Password').fill('not the password');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('alert').waitFor();
  T.ok(/wrong user name or password/i.test(await page.getByRole('alert').textContent()),
    'a wrong password is refused, saying so');
  // The browser logs the refusal's 401 itself: that one is expected.
  (page.__expected ||= []).push(/status of 401/);
  await page.getByLabel('Password').fill(users.officer.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  T.ok(await came(page.getByRole('navigation', { name: 'Main' }).waitFor()),
    'the officer signs in with "User", "Password" and "Sign in"');
  await ready(page);
  const links = await page.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents();
  T.ok(links.includes('Cases') && links.includes('Alerts') && !links.includes('Rules') && !links.includes('Audit'),
    `an officer's menu has cases and alerts, not rules or audit (${links.join(', ')})`);

  // The cases list; the hostile title shows as typed.
  await open(page, '#/cases');
  T.ok(await page.getByRole('link', { name: 'Pangolin scales at Cat Lai' }).isVisible(), 'the cases list shows a case');
  const hostile = `<img src=x onerror="window.__xss='case title'">"><script>window.__xss='case script'</script>`;
  T.ok(await page.getByText(hostile, { exact: true }).isVisible(), 'a title holding markup shows as typed');
  await clean(page, 'cases list');
  await page.getByLabel('Status').selectOption('investigating');
  await page.getByRole('button', { name: 'Filter' }).click();
  await page.waitForFunction(() => location.hash.includes('status=investigating'));
  await ready(page);
  T.ok((await page.locator('main tbody tr').count()) === 1, 'the status filter goes into the URL and applies');
  await page.reload();
  await ready(page);
  T.ok((await page.locator('main tbody tr').count()) === 1 && (await page.getByLabel('Status').inputValue()) === 'investigating',
    'a reload keeps the place and the filter');
  await shot(page, 'cases');

  // Every other filter, from the URL: office, lead, tag, and the dates
  // the cases were recorded (created_at, as the API's since and until).
  const recorded = (await (await page.request.get(`${base}/api/v1/cases?limit=1`)).json()).items[0].created_at.slice(0, 10);
  for (const [query, label, value, want] of [
    ['office=Noi%20Bai%20Airport%20Customs', 'Office', 'Noi Bai Airport Customs', hostile],
    ['lead=olga', 'Lead officer', 'olga', 'Pangolin scales at Cat Lai'],
    ['tag=cites-i', 'Tags', 'cites-i', 'Pangolin scales at Cat Lai'],
  ]) {
    await open(page, `#/cases?${query}`);
    const rows = page.locator('main tbody tr');
    T.ok((await rows.count()) === 1 && (await rows.first().textContent()).includes(want) &&
      (await page.getByLabel(label, { exact: true }).inputValue()) === value, `the ${label.toLowerCase()} filter, from the URL`);
  }
  await open(page, `#/cases?since=${recorded}&until=${recorded}`);
  T.ok((await page.locator('main tbody tr').count()) === 2 && (await page.getByLabel('Recorded from').inputValue()) === recorded,
    'the cases recorded on a day');
  await open(page, '#/cases?until=2020-01-01');
  T.is(await page.locator('main tbody tr').count(), 0, 'none recorded before 2020');
  await clean(page, 'cases filters');

  // Vietnamese, remembered.
  await page.getByLabel('Language').first().selectOption('vi');
  await page.getByRole('link', { name: 'Vụ việc', exact: true }).first().waitFor();
  await page.reload();
  await ready(page);
  T.ok(await page.getByRole('heading', { name: 'Vụ việc' }).isVisible(), 'Vietnamese, and still after a reload');
  T.is(await page.evaluate(() => document.documentElement.lang), 'vi', 'the page says its language');
  await page.getByLabel('Ngôn ngữ').first().selectOption('en');
  await ready(page);

  // Every label in both catalogues.
  const diff = await page.evaluate(async () => {
    const { keys } = await import('/js/i18n.js');
    const en = new Set(await keys('en')), vi = new Set(await keys('vi'));
    return [...en].filter((k) => !vi.has(k)).concat([...vi].filter((k) => !en.has(k)));
  });
  T.ok(diff.length === 0, 'English and Vietnamese have the same labels', `only in one: ${diff.join(', ')}`);

  // Keyboard: from the top of the page, the skip link is the first stop.
  await page.reload();
  await ready(page);
  await page.keyboard.press('Tab');
  T.is(await page.evaluate(() => document.activeElement.textContent), 'Skip to the content', 'the first Tab reaches "Skip to the content"');

  // Sign out: the form again; the API refuses the old session.
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('button', { name: 'Sign in' }).waitFor();
  const me = await page.request.get(`${base}/api/v1/me`);
  T.is(me.status(), 401, 'signed out: the session is gone');
  await clean(page, 'sign in and out');
  await page.context().close();

  // Roles: an analyst sees rules, a supervisor the audit trail, a
  // partner nothing of the officers' screens.
  for (const [role, want, not] of [['analyst', 'Rules', 'Audit'], ['supervisor', 'Audit', null]]) {
    const p = await newPage(role);
    await open(p, '#/cases');
    const l = await p.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents();
    T.ok(l.includes(want) && (!not || !l.includes(not)), `${role}: the menu has ${want}${not ? `, not ${not}` : ''}`);
    await p.context().close();
  }
  const pp = await newPage('partner');
  await open(pp, '#/cases');
  T.ok(await pp.getByRole('heading', { name: 'A partner account' }).isVisible() &&
    (await pp.getByRole('navigation').count()) === 0 && (await pp.locator('table').count()) === 0,
    'a partner signs in to a page with no menu and no records');
  for (const hash of ['#/cases/C-1', '#/alerts', '#/audit', '#/rules']) {
    await open(pp, hash);
    T.ok((await pp.locator('main table, main form').count()) === 0, `a partner sees nothing at ${hash}`);
  }
  const r = await pp.request.get(`${base}/api/v1/cases`);
  T.is(r.status(), 403, 'and the API refuses it the cases');
  await clean(pp, 'partner');
  await pp.context().close();

  // The libraries, from Debian's directories only.
  const q = await newPage(null);
  const get = async (p) => (await q.request.get(`${base}${p}`)).status();
  T.is(await get('/vendor/chart.js/chart.min.js'), 200, 'Chart.js is served from its Debian package');
  T.is(await get('/vendor/chart.js/Chart.min.js'), 200, 'through Debian\'s symbolic link');
  T.is(await get('/vendor/d3/d3.min.js'), 200, 'd3 likewise');
  T.is(await get('/vendor/codemirror/mode/lua/lua.js'), 200, 'CodeMirror\'s Lua mode likewise');
  T.is(await get('/vendor/chart.js/..%2F..%2F..%2F..%2Fetc%2Fpasswd'), 404, 'no way out of a package\'s directory');
  T.is(await get('/vendor/jquery/jquery.js'), 404, 'a library not on the list is not served');
  await q.context().close();
}
