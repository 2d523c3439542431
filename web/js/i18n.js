// i18n.js - the UI's text, in English and Vietnamese: one catalogue per
// language (i18n/en.js, i18n/vi.js), keyed by name, only the one in use
// loaded. The choice is kept in the browser.
export const languages = [['en', 'English'], ['vi', 'Tiếng Việt']];
const codes = languages.map(([c]) => c);

function initial() {
  try {
    const saved = localStorage.getItem('cordon.lang');
    if (saved && codes.includes(saved)) return saved;
  } catch { /* storage refused: the browser's language */ }
  return (navigator.language || '').toLowerCase().startsWith('vi') ? 'vi' : 'en';
}

let current = initial();
let catalogue = {};

async function load(l) {
  return (await import(`./i18n/${l}.js`)).default;
}

export function lang() {
  return current;
}

// Use language `l` (its catalogue loaded) and remember it.
export async function setLang(l) {
  if (!codes.includes(l)) return;
  catalogue = await load(l);
  current = l;
  document.documentElement.lang = l;
  try { localStorage.setItem('cordon.lang', l); } catch { /* kept for this page only */ }
}

// Load the language chosen before: once, before anything is drawn.
export function ready() {
  return setLang(current);
}

// t('alerts.count', { n: 3 }) → "3 alerts". A key the catalogue lacks
// (the test of the catalogues says none does) shows `fallback` or itself.
export function t(key, vars = {}, fallback) {
  let s = catalogue[key] ?? fallback ?? key;
  for (const [k, v] of Object.entries(vars)) s = s.split(`{${k}}`).join(String(v));
  return s;
}

// Every key of a catalogue, for the test that they agree.
export async function keys(l) {
  return Object.keys(await load(l));
}
