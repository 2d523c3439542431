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
let loading = null;	// the last language asked for, while it loads

async function load(l) {
  return (await import(`./i18n/${l}.js`)).default;
}

export function lang() {
  return current;
}

// Use language `l` (its catalogue loaded) and remember it.
export function setLang(l) {
  if (!codes.includes(l)) return ready();
  const mine = load(l).then((cat) => {
    if (loading !== mine) return;	// a later choice wins
    catalogue = cat;
    current = l;
    document.documentElement.lang = l;
    try { localStorage.setItem('cordon.lang', l); } catch { /* kept for this page only */ }
  });
  loading = mine;
  return mine.then(ready);
}

// Settled once the language last chosen is loaded (at the start, the
// one chosen before): anything drawn after it speaks that language.
export function ready() {
  if (!loading) return setLang(current);
  const now = loading;
  return now.then(() => (loading === now ? undefined : ready()));
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
