// bench-ui.mjs - what each screen of the web UI costs on a big store: the
// bytes of cordon's own files it loads (the Debian libraries apart), and
// the API calls it makes, with the slowest of them. Driven in Debian's
// chromium by playwright-core, signed in through the API.
//
//   CORDON_UI_NODE=DIR node bench-ui.mjs URL USER PASSWORD HASH…
import path from 'node:path';
import { createRequire } from 'node:module';

const [base, user, password, ...hashes] = process.argv.slice(2);
const { chromium } = createRequire(path.join(process.env.CORDON_UI_NODE, 'x.js'))('playwright-core');
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium' });
const rows = [];

for (const hash of hashes) {
  // A fresh browser each time: nothing cached.
  const context = await browser.newContext({ viewport: { width: 1366, height: 768 } });
  const r = await context.request.post(`${base}/api/v1/login`, { data: { user, password } });
  if (!r.ok()) throw new Error(`cannot sign in as ${user}: ${r.status()}`);
  const page = await context.newPage();
  const seen = [];
  page.on('requestfinished', async (req) => {
    const u = new URL(req.url());
    const t = req.timing();
    const sizes = await req.sizes().catch(() => ({ responseBodySize: 0 }));
    seen.push({ path: u.pathname + u.search, ms: t.responseEnd, bytes: sizes.responseBodySize });
  });
  const t0 = Date.now();
  await page.goto(`${base}/${hash}`);
  await page.waitForFunction(() => document.body.dataset.ready === '1', null, { timeout: 120000 });
  const total = Date.now() - t0;
  await page.waitForLoadState('networkidle');
  const own = seen.filter((s) => !s.path.startsWith('/api/') && !s.path.startsWith('/vendor/'));
  const vendor = seen.filter((s) => s.path.startsWith('/vendor/'));
  const apis = seen.filter((s) => s.path.startsWith('/api/') && s.path !== '/api/v1/session');
  const slowest = apis.reduce((a, b) => (b.ms > (a ? a.ms : -1) ? b : a), null);
  rows.push({
    hash, total,
    own: own.reduce((a, s) => a + s.bytes, 0), files: own.length,
    vendor: vendor.reduce((a, s) => a + s.bytes, 0),
    apis: apis.length, slowest,
  });
  await context.close();
}
await browser.close();

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;
console.log('\nThe web UI on this store: each screen opened in a fresh browser (1366x768)\n');
console.log(`${'screen'.padEnd(28)} ${'own files'.padStart(18)} ${'Debian libs'.padStart(11)} ${'drawn'.padStart(8)} ${'API'.padStart(4)}  slowest API call`);
for (const r of rows) {
  const s = r.slowest ? `${r.slowest.ms.toFixed(0).padStart(6)} ms  ${r.slowest.path}` : '';
  console.log(`${r.hash.padEnd(28)} ${`${kb(r.own)} (${r.files})`.padStart(18)} ${kb(r.vendor).padStart(11)} ${`${r.total} ms`.padStart(8)} ${String(r.apis).padStart(4)}  ${s}`);
}
