// i18n.js - the UI's text, in English and Vietnamese: one catalogue per
// language (i18n/en.js, i18n/vi.js), keyed by name. The choice is kept
// in the browser.
import en from './i18n/en.js';
import vi from './i18n/vi.js';

const catalogues = { en, vi };
export const languages = [['en', 'English'], ['vi', 'Tiếng Việt']];

function initial() {
  try {
    const saved = localStorage.getItem('cordon.lang');
    if (saved && catalogues[saved]) return saved;
  } catch { /* storage refused: the browser's language */ }
  return (navigator.language || '').toLowerCase().startsWith('vi') ? 'vi' : 'en';
}

let current = initial();
document.documentElement.lang = current;

export function lang() {
  return current;
}

export function setLang(l) {
  if (!catalogues[l]) return;
  current = l;
  document.documentElement.lang = l;
  try { localStorage.setItem('cordon.lang', l); } catch { /* kept for this page only */ }
}

// t('alerts.count', { n: 3 }) → "3 alerts". A key missing from the
// language falls back to English, then to `fallback`, then to the key.
export function t(key, vars = {}, fallback) {
  let s = catalogues[current][key] ?? en[key] ?? fallback ?? key;
  for (const [k, v] of Object.entries(vars)) s = s.split(`{${k}}`).join(String(v));
  return s;
}

// Every key of every catalogue, for the test that they agree.
export function keys(l) {
  return Object.keys(catalogues[l] || {});
}
