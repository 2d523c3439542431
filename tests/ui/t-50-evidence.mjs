// t-50-evidence.mjs - evidence as an officer handles it: a file added to a
// case through the case page's evidence panel, its progress bar followed
// to 100 % (on a slowed link, so that it is seen moving) and a slow one
// cancelled; the evidence page: its facts, the file downloaded back and
// compared byte for byte, a new version, a custody event, Verify saying
// intact; a file whose name holds markup shows it as typed.
import crypto from 'node:crypto';
import fs from 'node:fs';

const HOSTILE_NAME = '<img src=x onerror=window.__xss=1>.png';

const sha256 = (buf) => crypto.createHash('sha256').update(buf).digest('hex');

// The browser logs an answer of 4xx as a console error: those the test
// provokes on purpose are not problems.
function expected(page, statuses) {
  const re = new RegExp(`status of (${statuses.join('|')})`);
  (page.__expected ||= []).push(re);
}

// The case page's evidence panel; if the case page does not place one
// (yet), the panel mounted on it as the case page would.
async function panelOf(page, caseId) {
  const region = page.getByRole('region', { name: /^Evidence \(\d+\)$/ });
  if (await region.count()) return region.first();
  expected(page, [404]);	// the case page's own module, missing
  await page.evaluate(async (id) => {
    const { evidencePanel } = await import('/js/parts/evidence.js');
    const el = evidencePanel(id);
    document.querySelector('main .screen, main').append(el);
    await el.ready;
  }, caseId);
  return region.first();
}

// Upload link speed, in bytes a second (-1: as fast as it goes).
async function throttle(page, bps) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: bps,
  });
  return cdp;
}


// Bytes that look random but are the same on every run: the media type
// the server sniffs from a file's first bytes (libmagic) is then the same
// too. Truly random bytes sometimes start like an executable or an image.
function scanBytes(seed, n) {
  const out = Buffer.alloc(n);
  for (let off = 0, i = 0; off < n; off += 32, i++) crypto.createHash('sha256').update(`${seed}:${i}`).digest().copy(out, off);
  return out;
}

export default async function ({ T, page: newPage, open, ready, clean, shot, api }) {
  const page = await newPage('officer');
  const cases = (await api('officer', 'GET', '/cases?limit=1000')).json.items;
  const seeded = cases.find((c) => c.title === 'Pangolin scales at Cat Lai');
  const caseId = seeded.id;
  const before = (await api('officer', 'GET', `/evidence?where=case=${caseId}&limit=1000`)).json.items.length;

  // --- added through the case's panel, followed to 100 % ----------------------------
  await open(page, `#/cases/${caseId}`);
  let panel = await panelOf(page, caseId);
  const file1 = scanBytes('lane 4', 1536 * 1024);
  await panel.getByLabel('File', { exact: true }).setInputFiles({ name: 'xray-lane4.bin', mimeType: 'application/octet-stream', buffer: file1 });
  await panel.getByLabel('Description').fill('X-ray of container TGHU 861200-4, lane 4');
  await panel.getByLabel('Note').fill('from the scanner\u2019s export');
  // Every value the bar takes, as the user would see it change.
  await page.evaluate(() => {
    window.__bar = [];
    const watchBar = () => {
      const bar = document.querySelector('.evidence-panel progress');
      if (!bar) return;
      new MutationObserver(() => window.__bar.push(bar.getAttribute('aria-valuenow')))
        .observe(bar, { attributes: true, attributeFilter: ['aria-valuenow'] });
    };
    watchBar();
  });
  const cdp = await throttle(page, 1024 * 1024);
  await panel.getByRole('button', { name: 'Upload', exact: true }).click();
  const bar = panel.getByRole('progressbar', { name: 'Upload progress' });
  await panel.getByText(/^V-\d+ added\./).waitFor();
  await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 });
  const seen = await page.evaluate(() => window.__bar.map(Number));
  T.is(await bar.getAttribute('aria-valuenow'), '100', 'the progress bar reaches 100 %');
  T.ok(seen.some((v) => v > 0 && v < 100), `and is seen on the way (${[...new Set(seen)].join(', ')} %)`);
  T.ok(/1\.6 MB of 1\.6 MB sent \(100 %\)/.test(await panel.locator('.progress-text').textContent()),
    `bytes sent of the total are shown (${await panel.locator('.progress-text').textContent()})`);
  const link = panel.getByRole('link', { name: 'xray-lane4.bin' });
  await link.waitFor();
  const row = panel.locator('tr').filter({ has: page.getByRole('link', { name: 'xray-lane4.bin' }) });
  T.ok(/1\.6 MB/.test(await row.textContent()) && /application\/octet-stream/.test(await row.textContent()),
    'the panel lists it with its size and media type', await row.textContent());
  const list = (await api('officer', 'GET', `/evidence?where=case=${caseId}&limit=1000`)).json.items;
  const ev = list.find((v) => v.filename === 'xray-lane4.bin');
  T.ok(list.length === before + 1 && ev && ev.sha256 === sha256(file1), `stored in ${caseId} with the file's SHA-256`);
  await clean(page, 'evidence panel');
  await shot(page, 'evidence-panel');

  // --- a slow upload, cancelled ----------------------------------------------------
  await throttle(page, 64 * 1024);
  await panel.getByLabel('File', { exact: true }).setInputFiles({ name: 'too-slow.bin', mimeType: 'application/octet-stream', buffer: scanBytes('too slow', 2 * 1024 * 1024) });
  await panel.getByRole('button', { name: 'Upload', exact: true }).click();
  await page.waitForFunction(() => Number(document.querySelector('.evidence-panel progress')?.getAttribute('aria-valuenow')) > 0);
  await panel.getByRole('button', { name: 'Cancel' }).click();
  await panel.getByText('Upload cancelled: nothing was added.').waitFor();
  await throttle(page, -1);
  const after = (await api('officer', 'GET', `/evidence?where=case=${caseId}&limit=1000`)).json.items;
  T.ok(after.length === before + 1 && !after.some((v) => v.filename === 'too-slow.bin'),
    'Cancel stops an upload under way, and nothing is added');
  await clean(page, 'cancelled upload');

  // --- the evidence page -------------------------------------------------------------
  await link.click();
  await page.waitForFunction((id) => location.hash === `#/evidence/${id}`, ev.id);
  await ready(page);
  T.ok(await page.getByRole('heading', { name: 'xray-lane4.bin', level: 1 }).isVisible(), 'the evidence page is headed by the file name');
  const facts = await page.locator('dl.facts').textContent();
  T.ok(facts.includes(sha256(file1)) && facts.includes('X-ray of container TGHU 861200-4, lane 4') &&
    facts.includes('Pangolin scales at Cat Lai') && facts.includes('1,572,864 bytes'),
  'it shows the SHA-256, the description, the case and the size');

  const [dl] = await Promise.all([page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download version 1' }).click()]);
  const got = fs.readFileSync(await dl.path());
  T.ok(Buffer.compare(got, file1) === 0, `downloaded back, the same ${got.length} bytes`);
  T.is(sha256(got), sha256(file1), 'with the same SHA-256');
  T.is(dl.suggestedFilename(), 'xray-lane4.bin', 'under the name it was added with');

  // A new version.
  const file2 = Buffer.concat([file1, Buffer.from('rescanned')]);
  await page.getByLabel('File', { exact: true }).setInputFiles({ name: 'xray-lane4-rescan.bin', mimeType: 'application/octet-stream', buffer: file2 });
  await page.getByLabel('Note').first().fill('rescanned at a higher dose');
  await page.getByRole('button', { name: 'Upload the new version' }).click();
  await page.getByRole('link', { name: 'Download version 2' }).waitFor();
  await ready(page);
  T.ok(await page.getByRole('heading', { name: 'xray-lane4-rescan.bin', level: 1 }).isVisible(),
    'a new version: the page shows it as the latest');
  const [dl2] = await Promise.all([page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download version 2' }).click()]);
  T.is(sha256(fs.readFileSync(await dl2.path())), sha256(file2), 'version 2 downloads as sent');
  const [dl1] = await Promise.all([page.waitForEvent('download'),
    page.getByRole('link', { name: 'Download version 1' }).click()]);
  T.is(sha256(fs.readFileSync(await dl1.path())), sha256(file1), 'and version 1 is still there, unchanged');

  // A custody event.
  const custody = page.getByRole('form', { name: 'Add a custody event' });
  await custody.getByLabel('Action').selectOption('transferred');
  await custody.getByLabel('Note').fill('to the forensic laboratory, seal 004512');
  await custody.getByRole('button', { name: 'Add the event' }).click();
  await page.getByRole('cell', { name: 'to the forensic laboratory, seal 004512' }).waitFor();
  await ready(page);
  const crow = page.locator('tr', { has: page.getByRole('cell', { name: 'to the forensic laboratory, seal 004512' }) });
  T.ok(/Transferred/.test(await crow.textContent()) && /olga/.test(await crow.textContent()),
    'a custody event is added, with its action and who');
  const stored = (await api('officer', 'GET', `/evidence/${ev.id}`)).json;
  T.ok(stored.custody.length === 1 && stored.custody[0].action === 'transferred' && stored.versions.length === 2,
    'and stored with the evidence');

  // Verify.
  await page.getByRole('button', { name: 'Verify' }).click();
  await page.getByText(/^Intact: every version matches its SHA-256/).waitFor();
  const verdicts = await page.locator('.verify-result tbody tr').allTextContents();
  T.ok(verdicts.length === 2 && verdicts.every((v) => /Intact/.test(v)), `Verify says intact, for each version (${verdicts.join(' | ')})`);
  await clean(page, 'evidence page');
  await shot(page, 'evidence');

  // --- a name holding markup, as typed ----------------------------------------------
  await open(page, `#/cases/${caseId}`);
  panel = await panelOf(page, caseId);
  await panel.getByLabel('File', { exact: true }).setInputFiles({ name: HOSTILE_NAME, mimeType: 'image/png', buffer: Buffer.from('not really a picture') });
  await panel.getByRole('button', { name: 'Upload', exact: true }).click();
  await panel.getByText(/^V-\d+ added\./).waitFor();
  const hostile = panel.getByRole('link', { name: HOSTILE_NAME, exact: true });
  await hostile.waitFor();
  T.ok(await hostile.isVisible(), 'a file name holding markup is listed as typed');
  await hostile.click();
  await page.waitForFunction(() => location.hash.startsWith('#/evidence/'));
  await ready(page);
  T.is(await page.getByRole('heading', { level: 1 }).textContent(), HOSTILE_NAME, 'and heads its page as typed');
  T.ok((await page.locator('main img').count()) === 0, 'no element is made of it');
  await clean(page, 'evidence with a hostile name');

  // --- not found, not evidence -------------------------------------------------------
  await open(page, '#/evidence/V-999999');
  expected(page, [404]);
  T.ok(await page.getByText('No such record.').isVisible(), 'an evidence id that does not exist says so');
  await clean(page, 'no such evidence');
  await page.context().close();
}
