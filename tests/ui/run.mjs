// run.mjs - the browser suite: every tests/ui/t-*.mjs (or those named on
// the command line) against a running `cordon serve`, in Debian's
// chromium driven by playwright-core, printing TAP.
//
//   CORDON_UI_NODE=DIR CORDON_URL=http://127.0.0.1:PORT \
//   CORDON_UI_USERS=users.json CORDON_UI_SHOTS=DIR node run.mjs [t-NAME.mjs…]
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import { Tap, makeCtx } from './lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
// Installed by ui.sh in the build directory, as the lockfile pins it.
const { chromium } = createRequire(path.join(process.env.CORDON_UI_NODE || here, 'x.js'))('playwright-core');
// Numbered on from the TAP lines ui.sh printed before.
const T = new Tap(Number(process.env.CORDON_UI_TAP_START || 0));
const files = process.argv.length > 2 ? process.argv.slice(2).map((f) => path.resolve(here, f))
  : fs.readdirSync(here).filter((f) => /^t-.*\.mjs$/.test(f)).sort().map((f) => path.join(here, f));

const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium' });
const ctx = makeCtx({
  browser,
  base: process.env.CORDON_URL,
  users: JSON.parse(fs.readFileSync(process.env.CORDON_UI_USERS, 'utf8')),
  shots: process.env.CORDON_UI_SHOTS || path.join(process.cwd(), 'ui-screens'),
  T,
});
for (const f of files) {
  const name = path.basename(f, '.mjs');
  T.diag(`--- ${name}`);
  try {
    await (await import(pathToFileURL(f).href)).default(ctx);
  } catch (err) {
    T.ok(false, `${name} ran to its end`, err.stack || String(err));
  }
}
await browser.close();
process.exit(T.done() ? 0 : 1);
