// app.js - the web UI's frame: who is signed in, the header and its
// navigation (by role), the language switch, and the screen the route
// names, loaded as its own module.
import { api, setCsrf, ApiError } from './api.js';
import { h, clear, notice } from './dom.js';
import { t, lang, setLang, languages, ready } from './i18n.js';
import { parse, allows, go, href } from './router.js';

const app = document.getElementById('app');
let me = null;
let renderSeq = 0;
let moved = false;	// a screen was drawn before this one

const nav = [
  ['', 'nav.dashboard', 'officer'],
  ['cases', 'nav.cases', 'officer'],
  ['alerts', 'nav.alerts', 'officer'],
  ['search', 'nav.search', 'officer'],
  ['import', 'nav.import', 'officer'],
  ['rules', 'nav.rules', 'analyst'],
  ['partners', 'nav.partners', 'supervisor'],
  ['audit', 'nav.audit', 'supervisor'],
];

function header(route) {
  const langSelect = h('select', {
    'aria-label': t('nav.language'),
    onchange: async (e) => { notDrawn(); await setLang(e.target.value); frame(); },
  }, languages.map(([v, label]) => h('option', { value: v, selected: v === lang() }, label)));
  const search = allows(me.role, 'officer') ? h('form', {
    class: 'quick-search', role: 'search',
    onsubmit: (e) => {
      e.preventDefault();
      const q = e.target.elements.q.value.trim();
      if (q) go('search', { q });
    },
  }, h('input', { type: 'search', name: 'q', placeholder: t('nav.search_placeholder'), 'aria-label': t('nav.search') })) : null;
  const top = route.path.split('/')[0];
  return h('header', { class: 'top' },
    h('a', { class: 'skip', href: '#', onclick: (e) => { e.preventDefault(); document.getElementById('main').focus(); } }, t('nav.skip')),
    h('a', { class: 'brand', href: '#/' }, 'cordon'),
    h('nav', { 'aria-label': t('nav.main') },
      h('ul', {}, nav.filter(([, , need]) => allows(me.role, need)).map(([path, key]) =>
        h('li', {}, h('a', { href: href(path), 'aria-current': top === path ? 'page' : null }, t(key)))))),
    search,
    h('div', { class: 'who' },
      langSelect,
      h('span', { class: 'user', title: t(`role.${me.role}`) }, me.user),
      h('button', { type: 'button', class: 'link', onclick: signOut }, t('nav.sign_out'))));
}

async function signOut() {
  try { await api.post('/logout'); } catch { /* signed out anyway */ }
  me = null;
  setCsrf(null);
  frame();
}

function loginForm(message) {
  document.title = `${t('login.title')} · cordon`;
  const user = h('input', { id: 'login-user', name: 'user', autocomplete: 'username', required: true });
  const pass = h('input', { id: 'login-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const status = h('div', { 'aria-live': 'polite' }, message ? notice(message) : null);
  const form = h('form', {
    class: 'login card',
    onsubmit: async (e) => {
      e.preventDefault();
      clear(status);
      try {
        const r = await api.post('/login', { user: user.value, password: pass.value });
        setCsrf(r.csrf_token);
        me = r;
        frame();
      } catch (err) {
        status.append(notice(err.status === 401 ? t('login.wrong') : err.message));
        pass.select();
      }
    },
  },
  h('h1', {}, 'cordon'),
  h('p', { class: 'muted' }, t('login.intro')),
  h('div', { class: 'field' }, h('label', { for: 'login-user' }, t('login.user')), user),
  h('div', { class: 'field' }, h('label', { for: 'login-password' }, t('login.password')), pass),
  status,
  h('button', { type: 'submit', class: 'primary' }, t('login.submit')),
  h('div', { class: 'lang-choice' }, h('select', {
    'aria-label': t('nav.language'),
    onchange: async (e) => { notDrawn(); await setLang(e.target.value); loginForm(); },
  }, languages.map(([v, label]) => h('option', { value: v, selected: v === lang() }, label)))));
  clear(app).append(h('main', { id: 'main', class: 'center', tabindex: '-1' }, form));
  user.focus();
  drawn(++renderSeq);
}

// The whole page for the current route.
async function frame() {
  if (!me) return loginForm();
  const route = parse(location.hash);
  clear(app);
  if (me.role === 'partner') {
    app.append(h('main', { id: 'main', class: 'center', tabindex: '-1' },
      h('div', { class: 'card' }, h('h1', {}, t('partner.title')), h('p', {}, t('partner.body')),
        h('button', { type: 'button', onclick: signOut }, t('nav.sign_out')))));
    document.title = 'cordon';
    drawn(++renderSeq);
    return;
  }
  const main = h('main', { id: 'main', tabindex: '-1' });
  app.append(header(route), main);
  await screen(route, main);
}

// The screen for `route` (the location it was drawn for; by default the
// current one) is drawn: for tests and assistive tools that wait for it.
function drawn(seq, route = location.hash || '#/') {
  if (seq !== renderSeq) return;
  document.body.dataset.route = route;
  document.body.dataset.ready = '1';
}

// Something will be drawn again: until then the page is not ready.
function notDrawn() {
  ++renderSeq;
  delete document.body.dataset.ready;
}

async function screen(route, main) {
  notDrawn();
  const seq = renderSeq;
  // The location this draw is for: a draw that ends after the location
  // moved on (before its hashchange arrives) must not mark the new one.
  const hash = location.hash || '#/';
  // A language being switched to: draw in it.
  await ready();
  if (seq !== renderSeq) return;
  const fail = (text) => { clear(main).append(h('h1', {}, t('error.title')), notice(text)); drawn(seq, hash); };
  if (!route.screen) return fail(t('error.no_page'));
  if (!allows(me.role, route.need)) return fail(t('error.forbidden'));
  main.append(h('p', { class: 'loading', role: 'status' }, t('common.loading')));
  let mod;
  try {
    mod = (await import(`./screens/${route.screen}.js`)).default;
  } catch (err) {
    return fail(t('error.load'));
  }
  const ctx = {
    me,
    params: route.params,
    query: route.query,
    path: route.path,
    // Change the route's query (filters live in the URL).
    setQuery: (q) => go(route.path, q),
    // Render again after a change, unless the user has moved on.
    stale: () => seq !== renderSeq,
  };
  try {
    const body = h('div', { class: `screen screen-${route.screen}` });
    await mod.render(body, ctx);
    if (seq !== renderSeq) return;
    clear(main).append(body);
    document.title = `${body.querySelector('h1')?.textContent || 'cordon'} · cordon`;
    // After a move (not on opening), focus the new content, so that a
    // screen reader reads it and Tab goes on from it.
    if (moved && (!main.contains(document.activeElement) || document.activeElement === document.body))
      main.focus({ preventScroll: true });
    moved = true;
    drawn(seq, hash);
  } catch (err) {
    if (seq !== renderSeq) return;
    if (err instanceof ApiError && err.status === 401) return;
    fail(err instanceof ApiError && err.status === 404 ? t('error.not_found') : err.message);
    if (!(err instanceof ApiError)) console.warn(err);
  }
}

window.addEventListener('hashchange', () => {
  if (!me || me.role === 'partner') return frame();
  const route = parse(location.hash);
  const top = route.path.split('/')[0];
  for (const a of document.querySelectorAll('header nav a')) {
    const target = a.getAttribute('href').replace(/^#\/?/, '');
    if (target === top) a.setAttribute('aria-current', 'page'); else a.removeAttribute('aria-current');
  }
  const main = document.getElementById('main');
  if (main && document.querySelector('header.top')) screen(route, main);
  else frame();
});

window.addEventListener('cordon:signed-out', () => {
  if (!me) return;
  me = null;
  setCsrf(null);
  loginForm(t('login.expired'));
});

(async function boot() {
  await ready();
  try {
    me = await api.get('/session');
    if (!me.user) me = null;
    else setCsrf(me.csrf_token);
  } catch {
    me = null;
  }
  frame();
})();
