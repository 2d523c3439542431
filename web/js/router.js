// router.js - hash routes ("#/cases/C-1?status=open"), so that a link can
// be shared and a reload keeps the place. Each route names a screen
// module (screens/NAME.js) and the least role that may open it.
export const ROLES = ['partner', 'officer', 'analyst', 'supervisor', 'admin'];

export function allows(role, need) {
  return ROLES.indexOf(role) >= ROLES.indexOf(need);
}

const routes = [
  ['', 'dashboard', 'officer'],
  ['cases', 'cases', 'officer'],
  ['cases/:id', 'case', 'officer'],
  ['cases/:id/print', 'case-print', 'officer'],
  ['seizures', 'seizures', 'officer'],
  ['seizures/:id', 'record', 'officer'],
  ['routes/:id', 'record', 'officer'],
  ['links/:id', 'record', 'officer'],
  ['entities/:id', 'entity', 'officer'],
  ['evidence/:id', 'evidence', 'officer'],
  ['graph/:id', 'graph', 'officer'],
  ['search', 'search', 'officer'],
  ['new/rule', 'rule', 'analyst'], // a rule may be named "new": not rules/new
  ['new/:kind', 'form', 'officer'],
  ['edit/:id', 'form', 'officer'],
  ['link', 'link-form', 'officer'],
  ['alerts', 'alerts', 'officer'],
  ['alerts/:id', 'alert', 'officer'],
  ['rules', 'rules', 'analyst'],
  ['rules/:name', 'rule', 'analyst'],
  ['import', 'import', 'officer'],
  ['partners', 'partners', 'supervisor'],
  ['audit', 'audit', 'supervisor'],
];

// { screen, need, params, query, path } for a location hash, or a
// screen of null for no route.
export function parse(hash) {
  const raw = (hash || '').replace(/^#\/?/, '');
  const [path, qs = ''] = raw.split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  for (const [pattern, screen, need] of routes) {
    const pp = pattern.split('/').filter(Boolean);
    if (pp.length !== parts.length) continue;
    const params = {};
    if (pp.every((p, i) => (p.startsWith(':') ? (params[p.slice(1)] = parts[i], true) : p === parts[i])))
      return { screen, need, params, query: new URLSearchParams(qs), path: parts.join('/') };
  }
  return { screen: null, need: 'partner', params: {}, query: new URLSearchParams(qs), path };
}

// The hash for `path` (no leading "#/") and query parameters (empty
// values dropped).
export function href(path, query = {}) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    for (const x of Array.isArray(v) ? v : [v]) q.append(k, x);
  }
  const s = q.toString();
  return `#/${path}${s ? `?${s}` : ''}`;
}

export function go(path, query) {
  const target = href(path, query);
  if (location.hash === target) window.dispatchEvent(new HashChangeEvent('hashchange'));
  else location.hash = target;
}
