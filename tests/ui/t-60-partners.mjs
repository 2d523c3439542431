// t-60-partners.mjs - partners and exports: a supervisor sees partner kh
// and its policy, edits it (a bad value first), previews what kh would
// receive (text holding markup shown as typed), exports STIX, follows the
// job and downloads the file and its signature, whose bytes are those the
// export's record names; an administrator may add a partner; an officer
// is refused.
import crypto from 'node:crypto';
import fs from 'node:fs';

function expected(page, statuses) {
  const re = new RegExp(`status of (${statuses.join('|')})`);
  (page.__expected ||= []).push(re);
}

async function download(page, link) {
  const [d] = await Promise.all([page.waitForEvent('download'), link.click()]);
  const file = await d.path();
  return { name: d.suggestedFilename(), bytes: fs.readFileSync(file) };
}

export default async function ({ T, page: newPage, open, clean, shot, api }) {
  // The cases the policy will share, looked up by their titles.
  const find = async (q, test) => (await api('supervisor', 'GET', `/search?q=${encodeURIComponent(q)}`)).json.items
    .find((r) => r.kind === 'case' && test(r.title));
  const c1 = await find('Pangolin scales at Cat Lai', (x) => x === 'Pangolin scales at Cat Lai');
  const c2 = await find('onerror', (x) => x.startsWith('<img'));
  T.ok(c1 && c2, 'the seeded cases are there');

  const page = await newPage('supervisor');
  await open(page, '#/partners');
  const kh = page.getByRole('region', { name: 'kh', exact: true });
  T.ok(await kh.isVisible(), 'a supervisor sees partner kh');
  const facts = await kh.locator('dl.facts').textContent();
  T.ok(/KH/.test(facts) && /TLP:AMBER/.test(facts) && /Non-nominal/.test(facts),
    `with its policy: country, ceiling, profile (${facts.replace(/\s+/g, ' ').slice(0, 160)}…)`);
  T.is(await page.getByRole('button', { name: 'Add a partner' }).count(), 0, 'a supervisor is not offered to add partners');
  await clean(page, 'partners');

  // Edit the policy: an empty selector is refused next to its field.
  await kh.getByRole('button', { name: 'Edit the policy' }).click();
  const policy = kh.getByRole('form', { name: 'Policy of kh' });
  T.ok(await policy.getByLabel('Country').evaluate((el) => el === document.activeElement), 'the policy form opens, focused');
  for (const s of ['Low', 'Medium', 'High', 'Critical']) await policy.getByLabel(s, { exact: true }).uncheck();
  await policy.getByRole('button', { name: 'Save the policy' }).click();
  const sev = policy.locator('.field[data-field="severities"] .field-error');
  await sev.filter({ hasText: /\S/ }).waitFor();
  expected(page, [422]);
  T.ok(/empty/.test(await sev.textContent()), `no severity at all is refused next to the field ("${await sev.textContent()}")`);
  T.is((await api('supervisor', 'GET', '/partners/kh')).json.severities, null, 'and nothing was saved');
  for (const s of ['Low', 'Medium', 'High', 'Critical']) await policy.getByLabel(s, { exact: true }).check();
  await policy.getByLabel('Profile').selectOption('nominal');
  await policy.getByLabel('Cases shared whole').fill(`${c1.id}, ${c2.id}`);
  await policy.getByRole('button', { name: 'Save the policy' }).click();
  await kh.getByText('Policy saved.').waitFor();
  const p = (await api('supervisor', 'GET', '/partners/kh')).json;
  T.ok(p.profile === 'nominal' && JSON.stringify(p.cases) === JSON.stringify([c1.id, c2.id]) && p.severities === null &&
    p.updated_by === 'sue', 'the policy is saved: only what changed', JSON.stringify(p));
  T.ok(await kh.locator('dl.facts').getByRole('link', { name: c1.id }).isVisible(), 'and shown, the cases as links');
  await clean(page, 'policy edit');

  // Preview.
  await kh.getByRole('button', { name: 'Preview' }).click();
  const pv = kh.getByRole('region', { name: 'What kh would receive now' });
  await pv.waitFor();
  T.ok(await pv.getByText('Pangolin scales at Cat Lai', { exact: true }).first().isVisible(), 'the preview shows the shared case by its name');
  T.ok(await pv.getByText(c2.title, { exact: true }).first().isVisible(), 'a title holding markup shows as typed');
  T.ok(await pv.getByText(/S-\d+: Wildlife, pangolin scales/).first().isVisible(), 'with the records behind it, by their labels');
  const pvText = await pv.textContent();
  T.ok(/[A-Z]-\d+ [a-z]+ (of|in) [A-Z]-\d+/.test(pvText) && !/_(of|in)\b/.test(pvText),
    'links are named in words ("consignee of"), not by their types (consignee_of)');
  const recs = Number(await pv.locator('dl.stats div').nth(1).locator('dd').textContent());
  T.ok(recs >= 4, `and the counts (${recs} records)`);
  await clean(page, 'preview');

  // Export STIX, follow its job, download the file and its signature.
  const exportForm = kh.getByRole('form', { name: 'Export for kh' });
  T.is(await exportForm.getByLabel('Format').inputValue(), 'stix', 'STIX is the export\u2019s first format');
  await exportForm.getByRole('button', { name: 'Export' }).click();
  const done = kh.getByText(/^Export \d+ is ready\.$/);
  await done.waitFor();
  const seq = Number(/\d+/.exec(await done.textContent())[0]);
  const rec = (await api('supervisor', 'GET', `/exports/${seq}`)).json;
  T.ok(rec && rec.partner === 'kh' && rec.format === 'stix' && rec.by === 'sue', `the export is made (${seq})`, JSON.stringify(rec));
  const files = kh.getByRole('table', { name: `Files of export ${seq}` });
  for (const f of rec.files) {
    const got = await download(page, files.getByRole('link', { name: f.name, exact: true }));
    const sum = crypto.createHash('sha256').update(got.bytes).digest('hex');
    T.ok(got.name === f.name && sum === f.sha256 && got.bytes.length === f.bytes,
      `${f.name} downloads with the SHA-256 the export's record names`, `${got.name} ${sum} ${got.bytes.length}`);
  }
  T.ok(rec.files.some((f) => f.name.endsWith('.sig')), 'the export has its signature file');
  const log = page.getByRole('region', { name: 'Export log' });
  const row = log.getByRole('row').filter({ hasText: 'kh-stix.json.sig' }).filter({ hasText: 'sue' }).first();
  T.ok(await row.waitFor({ timeout: 10000 }).then(() => true, () => false), 'the export log lists it, with its files');
  await shot(page, 'partners');
  await clean(page, 'export');
  // Back to what the other tests expect of kh.
  await api('supervisor', 'PATCH', '/partners/kh', { profile: 'non-nominal', cases: null });
  await page.context().close();

  // An administrator adds a partner (a bad name first).
  const ad = await newPage('admin');
  await open(ad, '#/partners');
  await ad.getByRole('button', { name: 'Add a partner' }).click();
  const add = ad.getByRole('form', { name: 'A new partner' });
  await add.getByLabel('Name').fill('Bad Name');
  await add.getByLabel('Country').fill('la');
  await add.getByLabel('Highest TLP').selectOption('green');
  await add.getByRole('button', { name: 'Add a partner' }).click();
  const nameErr = add.locator('.field[data-field="name"] .field-error');
  await nameErr.filter({ hasText: /\S/ }).waitFor();
  expected(ad, [422]);
  const why = await nameErr.textContent();
  T.ok(/letters/.test(why) && await add.getByLabel('Name').getAttribute('aria-invalid') === 'true',
    `a bad name is refused next to its field ("${why}")`);
  const pname = `ui-la-${Date.now().toString(36)}`;
  await add.getByLabel('Name').fill(pname);
  await add.getByRole('button', { name: 'Add a partner' }).click();
  await ad.getByRole('region', { name: pname, exact: true }).waitFor();
  const np = (await api('admin', 'GET', `/partners/${pname}`)).json;
  T.ok(np && np.country === 'LA' && np.max_tlp === 'green', 'an administrator adds a partner', JSON.stringify(np));
  await clean(ad, 'add partner');
  T.is((await api('admin', 'DELETE', `/partners/${pname}`)).status, 200, '(removed again)');
  await ad.context().close();

  // An officer is refused, by the screen and by the API.
  const off = await newPage('officer');
  await open(off, '#/partners');
  T.ok(await off.getByText('Your role may not open this page.').isVisible() && (await off.getByRole('region').count()) === 0,
    'an officer is refused the partners screen');
  T.ok(!(await off.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents()).includes('Partners'),
    'and has no Partners in the menu');
  T.is((await api('officer', 'GET', '/partners')).status, 403, 'and the API refuses it the partners');
  T.is((await api('officer', 'POST', '/exports', { partner: 'kh', format: 'stix' })).status, 403, 'and exports');
  await clean(off, 'officer refused');
  await off.context().close();
}
