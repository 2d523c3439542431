// lib.mjs - what the browser tests share: TAP output, signed-in pages
// that watch for console errors, page errors, CSP violations and injected
// script, screenshots at the two sizes the UI is made for, and waiting
// for a screen to be ready (never for a fixed time).
import fs from 'node:fs';
import path from 'node:path';

export const SIZES = [['1366x768', 1366, 768], ['768x1024', 768, 1024]];

export class Tap {
  constructor(start = 0) { this.n = start; this.failed = 0; }
  ok(cond, desc, diag) {
    this.n++;
    if (cond) {
      console.log(`ok ${this.n} - ${desc}`);
    } else {
      this.failed++;
      console.log(`not ok ${this.n} - ${desc}`);
      if (diag) for (const line of String(diag).split('\n').slice(0, 12)) console.log(`#   ${line}`);
    }
    return !!cond;
  }
  is(got, want, desc) {
    return this.ok(got === want, desc, `got:  ${JSON.stringify(got)}\nwant: ${JSON.stringify(want)}`);
  }
  diag(text) { for (const line of String(text).split('\n')) console.log(`# ${line}`); }
  done() { console.log(`1..${this.n}`); return this.failed === 0; }
}

// Runs in every page before its own scripts: the evidence of a problem.
function watch() {
  window.__cordonProblems = [];
  document.addEventListener('securitypolicyviolation', (e) => {
    window.__cordonProblems.push(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`);
  });
}

export function makeCtx({ browser, base, users, shots, T }) {
  const ctx = {
    browser, base, users, shots, T,

    // A new browser context and page, signed in as `role` through the
    // API (the sign-in form has its own test), at the laptop size.
    async page(role, { lang = 'en', size = SIZES[0] } = {}) {
      const context = await browser.newContext({ viewport: { width: size[1], height: size[2] }, locale: lang === 'vi' ? 'vi-VN' : 'en-GB', timezoneId: 'Asia/Ho_Chi_Minh' });
      context.setDefaultTimeout(30000);
      await context.addInitScript(watch);
      // The language a test asks for, until the page itself changes it.
      await context.addInitScript((l) => { try { if (!localStorage.getItem('cordon.lang')) localStorage.setItem('cordon.lang', l); } catch {} }, lang);
      const page = await context.newPage();
      page.__problems = [];
      page.on('console', (m) => { if (m.type() === 'error') page.__problems.push(`console error: ${m.text()}`); });
      page.on('pageerror', (e) => page.__problems.push(`page error: ${e.message}`));
      if (role) {
        const u = users[role];
        const r = await context.request.post(`${base}/api/v1/login`, { data: { user: u.user, password: u.password } });
        if (!r.ok()) throw new Error(`cannot sign in as ${u.user}: ${r.status()}`);
      }
      return page;
    },

    // Open `hash` ("#/cases") and wait until the screen is drawn.
    async open(page, hash) {
      if (page.url().startsWith(base)) await page.evaluate((h) => { location.hash = h; }, hash);
      else await page.goto(`${base}/${hash}`);
      await ctx.ready(page);
    },

    // Whether a wait (a locator's waitFor, a waitForFunction) ended in
    // time: true, or false on its timeout, so that a test says "not ok"
    // for what did not appear and goes on.
    came(wait) {
      return wait.then(() => true, () => false);
    },

    // The screen for the current location is drawn (app.js marks it).
    async ready(page) {
      await page.waitForFunction(() => document.body.dataset.ready === '1' &&
        document.body.dataset.route === (location.hash || '#/'), null, { timeout: 30000 });
    },

    // Nothing went wrong on `page` since the last check: no console
    // error, no page error, no CSP violation, no injected script ran.
    async clean(page, what) {
      const inPage = await page.evaluate(() => {
        const p = window.__cordonProblems || [];
        if (window.__xss) p.push(`injected script ran: ${window.__xss}`);
        window.__cordonProblems = [];
        return p;
      });
      // What the test said to expect (an error status it caused on
      // purpose) is no problem, whenever its console message arrived.
      const all = [...page.__problems, ...inPage].filter((p) => !(page.__expected || []).some((re) => re.test(p)));
      page.__problems = [];
      page.__expected = [];
      return T.ok(all.length === 0, `${what}: no console error, CSP violation or injected script`, all.join('\n'));
    },

    // Screenshots of what `page` shows, at both sizes, under shots/; at
    // each, the page must fit its width (no sideways scrolling) and every
    // control must have an accessible name.
    async shot(page, name) {
      const vp = page.viewportSize();
      for (const [label, w, hgt] of SIZES) {
        await page.setViewportSize({ width: w, height: hgt });
        await ctx.ready(page);
        await page.screenshot({ path: path.join(shots, `${name}-${label}.png`), fullPage: true });
        const [wide, past] = await page.evaluate((w) => [document.documentElement.scrollWidth,
          [...document.body.querySelectorAll('*')].filter((el) => el.getBoundingClientRect().right > w + 0.5 &&
            ![...el.children].some((c) => c.getBoundingClientRect().right > w + 0.5))
            .slice(0, 5).map((el) => el.outerHTML.slice(0, 160))], w);
        T.ok(wide <= w, `${name} at ${label}: fits the width (${wide} px)`, past.join('\n'));
        const unnamed = await page.evaluate(() => [...document.querySelectorAll(
          'a[href], button, input:not([type=hidden]), select, textarea, [role=button], [tabindex]:not([tabindex="-1"])')]
          .filter((el) => el.getClientRects().length > 0)
          .filter((el) => {
            const byId = (ids) => ids.split(/\s+/).map((i) => document.getElementById(i)?.textContent || '').join('');
            const name = el.getAttribute('aria-label') || (el.getAttribute('aria-labelledby') && byId(el.getAttribute('aria-labelledby'))) ||
              (el.labels && [...el.labels].map((l) => l.textContent).join('')) || el.getAttribute('title') ||
              (el.type === 'submit' || el.type === 'button' ? el.value : '') || el.textContent || el.getAttribute('alt') ||
              (el.querySelector('img[alt]') && el.querySelector('img[alt]').alt);
            return !name || !name.trim();
          })
          .map((el) => el.outerHTML.slice(0, 120)));
        T.ok(unnamed.length === 0, `${name} at ${label}: every control has an accessible name`, unnamed.join('\n'));
      }
      await page.setViewportSize(vp);
    },

    // The API as `role`, for setting things up: `data` is sent as JSON,
    // or as it is with Content-Type `type` if one is given. Each call
    // signs in and out again: a user holds at most 8 sessions, and the
    // oldest (a test page's own) would be ended by the ninth.
    async api(role, method, p, data, type) {
      const context = await browser.newContext();
      const u = users[role];
      await context.request.post(`${base}/api/v1/login`, { data: { user: u.user, password: u.password } });
      const me = await (await context.request.get(`${base}/api/v1/me`)).json();
      const csrf = { 'X-CSRF-Token': me.csrf_token || '' };
      const r = await context.request.fetch(`${base}/api/v1${p}`, {
        method, data, headers: { ...csrf, ...(type ? { 'Content-Type': type } : {}) },
      });
      const body = await r.text();
      const out = await context.request.post(`${base}/api/v1/logout`, { headers: csrf });
      if (out.status() !== 200 && out.status() !== 401) throw new Error(`logout after ${method} ${p}: ${out.status()}`);
      await context.close();
      let json = null;
      try { json = JSON.parse(body); } catch { /* not JSON */ }
      return { status: r.status(), json, body };
    },

    // Save rule `name` from its Lua source as `role`.
    putRule(role, name, source) {
      return ctx.api(role, 'PUT', `/rules/${name}`, source, 'text/x-lua');
    },
  };
  fs.mkdirSync(shots, { recursive: true });
  return ctx;
}
