// graph.js - #/graph/ID: the records around one record and the links
// between them, drawn with d3's force layout (Debian's node-d3, loaded
// the first time a graph is drawn) and listed in tables, which are also
// all there is when d3 cannot be loaded.
//
// Everything the user chooses lives in the URL: depth, the node cap
// (limit), how many neighbours of one kind are shown before they become a
// summary (group), the kinds and link types hidden (hide, hidetype), the
// records expanded (x), the one selected (sel), an open summary list (sum,
// sumafter) and the view (view=list).
//
// API: GET /api/v1/KINDS/ID/graph?depth=&limit=&summary= for the start
// and for each expanded record (depth 1), merged; a summary opens as
// GET /api/v1/KINDS?linked=ID, a page at a time.
import { api } from '../api.js';
import { h, svg, append, clear, notice, table, idLink, hrefOf, when, num } from '../dom.js';
import { t, lang } from '../i18n.js';
import { href } from '../router.js';

const KINDS = ['case', 'seizure', 'entity', 'route', 'link', 'evidence', 'alert'];
const LETTERS = { C: 'case', S: 'seizure', E: 'entity', R: 'route', L: 'link', V: 'evidence', A: 'alert' };
const PLURAL = { case: 'cases', seizure: 'seizures', entity: 'entities', route: 'routes', link: 'links', evidence: 'evidence', alert: 'alerts' };
const DEPTHS = [1, 2, 3];
const CAPS = [25, 50, 100, 200, 500];
const GROUPS = [10, 20, 50, 100];
const DEFAULTS = { depth: 1, limit: 100, group: 20 };
const LIST_PAGE = 50;
const MAX_EXPANDED = 20;

// Colour and shape by kind (the drawing is also exported: attributes, not CSS).
const LOOK = {
  case: { fill: '#1f4e8c', shape: 'square' },
  seizure: { fill: '#b3261e', shape: 'diamond' },
  entity: { fill: '#1e7b34', shape: 'circle' },
  route: { fill: '#7b3fa0', shape: 'triangle' },
  link: { fill: '#5b6470', shape: 'circle' },
  evidence: { fill: '#8a5a00', shape: 'square' },
  alert: { fill: '#c2410c', shape: 'triangle' },
};

export function kindOf(id) {
  return LETTERS[String(id).split('-')[0]] || null;
}

// A record's name for people: an entity's name, a case's title, what a
// seizure seized, where a route goes.
export function labelOf(rec) {
  if (!rec) return '';
  switch (rec.kind) {
    case 'entity': return rec.name || rec.id;
    case 'case': case 'alert': return rec.title || rec.id;
    case 'evidence': return rec.filename || rec.id;
    case 'link': return t(`link_type.${rec.type}`, {}, rec.type || rec.id);
    case 'route': {
      const legs = rec.legs || [];
      const places = [legs[0]?.from, ...legs.map((l) => l.to)].filter(Boolean)
        .map((p) => p.place || p.country);
      return places.length ? places.join(' → ') : rec.id;
    }
    case 'seizure': {
      const c = rec.commodity || {};
      const what = c.description || (c.category ? t(`category.${c.category}`, {}, c.category) : rec.id);
      const q = rec.quantity;
      return q && q.amount !== undefined ? `${what}, ${num(q.amount)} ${t(`unit.${q.unit}`, {}, q.unit || '')}` : what;
    }
    default: return rec.id || '';
  }
}

// "600 seizures": a number of records of a kind.
export function countOf(n, kind) {
  return t('graph.count', { n: num(n), kinds: t(`kinds.${kind}`, {}, kind).toLocaleLowerCase(lang()) });
}

// --- d3, from Debian's package -------------------------------------------------

let d3load = null;
// The record a key press expanded, focused again once the screen is redrawn.
let refocus = null;
function loadD3() {
  if (window.d3 && window.d3.forceSimulation) return Promise.resolve(window.d3);
  if (!d3load) {
    d3load = new Promise((resolve) => {
      const s = h('script', { src: '/vendor/d3/d3.min.js' });
      s.addEventListener('load', () => resolve(window.d3 && window.d3.forceSimulation ? window.d3 : null));
      s.addEventListener('error', () => { d3load = null; s.remove(); resolve(null); });
      document.head.append(s);
    });
  }
  return d3load;
}

// --- the data ------------------------------------------------------------------

function intParam(q, name, allowed) {
  const v = Number(q.get(name));
  return allowed.includes(v) ? v : DEFAULTS[name];
}

function state(ctx) {
  const q = ctx.query;
  return {
    depth: intParam(q, 'depth', DEPTHS),
    limit: intParam(q, 'limit', CAPS),
    group: intParam(q, 'group', GROUPS),
    hide: q.getAll('hide'),
    hidetype: q.getAll('hidetype'),
    x: [...new Set(q.getAll('x'))].filter((id) => kindOf(id) && id !== ctx.params.id).slice(0, MAX_EXPANDED),
    sel: q.get('sel') || '',
    sum: q.get('sum') || '',
    sumafter: q.get('sumafter') || '',
    view: q.get('view') === 'list' ? 'list' : '',
  };
}

function graphPath(id) {
  return `/${PLURAL[kindOf(id)]}/${encodeURIComponent(id)}/graph`;
}

// The start's graph and each expanded record's, merged.
async function load(root, st) {
  const ask = { limit: st.limit, summary: st.group };
  const first = await api.get(graphPath(root), { ...ask, depth: st.depth });
  const more = await Promise.allSettled(st.x.map((id) => api.get(graphPath(id), { ...ask, depth: 1 })));
  const nodes = new Map(), links = new Map(), sums = new Map();
  let truncated = first.truncated;
  const lost = [];
  for (const [i, g] of [{ status: 'fulfilled', value: first }, ...more].entries()) {
    if (g.status !== 'fulfilled') { lost.push(st.x[i - 1]); continue; }
    for (const n of g.value.nodes) nodes.set(n.id, n);
    for (const l of g.value.links) links.set(l.id, l);
    for (const s of g.value.summaries || []) sums.set(`${s.id}~${s.kind}`, s);
    truncated = truncated || g.value.truncated;
  }
  return { root: first.nodes[0].id, nodes, links, sums, truncated, lost };
}

// What the filters leave: the records reached from the start over links
// of shown types between shown kinds, breadth first, at most `limit`.
function visible(data, st) {
  const hide = new Set(st.hide), hidetype = new Set(st.hidetype);
  const shownKind = (id) => id === data.root || !hide.has(kindOf(id));
  const usable = [...data.links.values()].filter((l) => !hidetype.has(l.type) &&
    data.nodes.has(l.from) && data.nodes.has(l.to) && shownKind(l.from) && shownKind(l.to));
  const adj = new Map();
  for (const l of usable) {
    for (const [a, b] of [[l.from, l.to], [l.to, l.from]]) {
      if (!adj.has(a)) adj.set(a, []);
      adj.get(a).push(b);
    }
  }
  const order = [data.root], seen = new Set(order);
  let cut = false;
  for (let i = 0; i < order.length; i++) {
    for (const o of (adj.get(order[i]) || []).sort(byId)) {
      if (seen.has(o)) continue;
      if (order.length >= st.limit) { cut = true; continue; }
      seen.add(o);
      order.push(o);
    }
  }
  const nodes = order.map((id) => data.nodes.get(id));
  const links = usable.filter((l) => seen.has(l.from) && seen.has(l.to));
  const sums = [...data.sums.values()].filter((s) => seen.has(s.id) && !hide.has(s.kind) &&
    (s.via || []).some((v) => !hidetype.has(v)));
  return { nodes, links, sums, cut: cut || data.truncated };
}

function byId(a, b) {
  const [ka, sa] = String(a).split('-'), [kb, sb] = String(b).split('-');
  return ka === kb ? Number(sa) - Number(sb) : (ka < kb ? -1 : 1);
}

// --- the drawing ---------------------------------------------------------------

function shape(kind, r) {
  const look = LOOK[kind] || LOOK.link;
  const common = { class: 'shape', fill: look.fill, stroke: '#ffffff', 'stroke-width': 2 };
  switch (look.shape) {
    case 'square': return svg('rect', { ...common, x: -r, y: -r, width: 2 * r, height: 2 * r, rx: 2 });
    case 'diamond': return svg('path', { ...common, d: `M0,${-r - 2}L${r + 2},0L0,${r + 2}L${-r - 2},0Z` });
    case 'triangle': return svg('path', { ...common, d: `M0,${-r - 2}L${r + 1},${r - 1}L${-r - 1},${r - 1}Z` });
    default: return svg('circle', { ...common, r });
  }
}

function clip(s, n) {
  s = String(s);
  return s.length > n ? `${s.slice(0, n - 1)}…` : s;
}

// Lay the graph out (d3-force, run to rest before drawing: no motion) and
// draw it as an SVG element; `activate(node)` on click, Enter or Space.
function draw(d3, view, data, st, activate) {
  const simNodes = view.nodes.map((n) => ({ id: n.id, rec: n, kind: n.kind }));
  const sumNodes = view.sums.map((s) => ({ id: `~${s.id}~${s.kind}`, sum: s, kind: s.kind }));
  const all = [...simNodes, ...sumNodes];
  const simLinks = [
    ...view.links.map((l) => ({ source: l.from, target: l.to, link: l })),
    ...sumNodes.map((s) => ({ source: s.sum.id, target: s.id, sum: s.sum })),
  ];
  const rootNode = all.find((n) => n.id === data.root);
  rootNode.fx = 0;
  rootNode.fy = 0;
  const sim = d3.forceSimulation(all)
    .force('link', d3.forceLink(simLinks).id((d) => d.id).distance((l) => (l.sum ? 130 : 150)))
    .force('charge', d3.forceManyBody().strength(-420))
    .force('collide', d3.forceCollide((d) => (d.sum ? 60 : 56)))
    .force('x', d3.forceX(0).strength(0.04))
    .force('y', d3.forceY(0).strength(0.06))
    .stop();
  const ticks = Math.ceil(Math.log(sim.alphaMin()) / Math.log(1 - sim.alphaDecay()));
  for (let i = 0; i < ticks; i++) sim.tick();

  // The view: every record and its labels, at least 600 by 360 so that a
  // small graph is not blown up, centred.
  const xs = all.map((n) => n.x), ys = all.map((n) => n.y);
  const x0 = Math.min(...xs) - 110, x1 = Math.max(...xs) + 110;
  const y0 = Math.min(...ys) - 40, y1 = Math.max(...ys) + 60;
  const w = Math.max(x1 - x0, 600), hgt = Math.max(y1 - y0, 360);
  const minX = (x0 + x1 - w) / 2, minY = (y0 + y1 - hgt) / 2;
  const el = svg('svg', {
    class: 'graph-svg', viewBox: `${minX.toFixed(1)} ${minY.toFixed(1)} ${w.toFixed(1)} ${hgt.toFixed(1)}`,
    'data-width': Math.ceil(w), 'data-height': Math.ceil(hgt),
    role: 'group', 'aria-label': t('graph.drawing', { n: view.nodes.length, m: view.links.length }),
    'font-family': 'system-ui, "Noto Sans", "DejaVu Sans", sans-serif',
  },
  svg('defs', {}, svg('marker', {
    id: 'graph-arrow', viewBox: '0 0 10 10', refX: 24, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse',
  }, svg('path', { d: 'M0,0L10,5L0,10Z', fill: '#8a94a3' }))),
  svg('rect', { x: minX, y: minY, width: w, height: hgt, fill: '#ffffff' }));

  const showTypes = view.links.length <= 80;
  const lines = svg('g', { class: 'graph-links' });
  for (const l of simLinks) {
    const { source: a, target: b } = l;
    lines.append(svg('line', {
      x1: a.x.toFixed(1), y1: a.y.toFixed(1), x2: b.x.toFixed(1), y2: b.y.toFixed(1),
      stroke: l.sum ? '#aab2bd' : '#8a94a3', 'stroke-width': 1.5,
      'stroke-dasharray': l.sum ? '4 3' : null, 'marker-end': l.sum ? null : 'url(#graph-arrow)',
    }, l.link ? svg('title', {}, `${l.link.from} ${t(`link_type.${l.link.type}`, {}, l.link.type)} ${l.link.to}`) : null));
    if (l.link && showTypes) {
      lines.append(svg('text', {
        x: ((a.x + b.x) / 2).toFixed(1), y: ((a.y + b.y) / 2 - 3).toFixed(1), 'text-anchor': 'middle',
        'font-size': 11, fill: '#5b6470', stroke: '#ffffff', 'stroke-width': 3, 'paint-order': 'stroke',
      }, clip(t(`link_type.${l.link.type}`, {}, l.link.type), 24)));
    }
  }
  const dots = svg('g', { class: 'graph-nodes' });
  for (const n of all) {
    const g = svg('g', {
      class: `node node-${n.kind}${n.sum ? ' summary' : ''}${n.id === data.root ? ' root' : ''}${n.id === st.sel ? ' selected' : ''}`,
      transform: `translate(${n.x.toFixed(1)},${n.y.toFixed(1)})`,
      tabindex: '0', role: 'button', 'data-id': n.sum ? null : n.id,
      'data-summary': n.sum ? `${n.sum.id}~${n.sum.kind}` : null,
    });
    if (n.sum) {
      const text = countOf(n.sum.count, n.kind);
      const bw = Math.max(70, text.length * 6.6 + 20);
      g.setAttribute('aria-label', t('graph.open_summary', { text, id: n.sum.id }));
      g.append(
        svg('rect', { class: 'shape', x: -bw / 2, y: -13, width: bw, height: 26, rx: 13, fill: '#ffffff',
          stroke: (LOOK[n.kind] || LOOK.link).fill, 'stroke-width': 2, 'stroke-dasharray': '5 3' }),
        svg('text', { 'text-anchor': 'middle', y: 4, 'font-size': 11, 'font-weight': 600,
          fill: (LOOK[n.kind] || LOOK.link).fill }, text),
        svg('title', {}, t('graph.summary_title', { text, id: n.sum.id })));
    } else {
      const label = labelOf(n.rec);
      const expanded = n.id === data.root || st.x.includes(n.id);
      g.setAttribute('aria-label', t(expanded ? 'graph.node_open' : 'graph.node', {
        kind: t(`kind.${n.kind}`, {}, n.kind), id: n.id, label,
      }));
      if (expanded) g.setAttribute('aria-expanded', 'true'); else g.setAttribute('aria-expanded', 'false');
      g.append(
        // The whole of a record, its labels too, takes the click.
        svg('rect', { x: -70, y: -20, width: 140, height: 72, fill: 'transparent' }),
        n.id === data.root ? svg('circle', { r: 21, fill: 'none', stroke: '#12263f', 'stroke-width': 2 }) : null,
        shape(n.kind, 14),
        svg('text', { 'text-anchor': 'middle', y: 4, 'font-size': 10, 'font-weight': 700, fill: '#ffffff' },
          n.id.split('-')[0]),
        svg('text', { 'text-anchor': 'middle', y: 33, 'font-size': 13, fill: '#1b1f24', stroke: '#ffffff', 'stroke-width': 3, 'paint-order': 'stroke' }, clip(label, 28)),
        svg('text', { 'text-anchor': 'middle', y: 47, 'font-size': 11, fill: '#5b6470' }, n.id),
        svg('title', {}, `${t(`kind.${n.kind}`, {}, n.kind)} ${n.id}: ${label}`));
    }
    g.addEventListener('click', () => activate(n));
    g.addEventListener('keydown', (e) => {
      if (e.key === 'Enter' || e.key === ' ') {
        e.preventDefault();
        refocus = n.id;
        activate(n);
      }
    });
    dots.append(g);
  }
  el.append(lines, dots);
  return el;
}

// --- export --------------------------------------------------------------------

function svgText(el) {
  const clone = el.cloneNode(true);
  clone.setAttribute('xmlns', 'http://www.w3.org/2000/svg');
  clone.setAttribute('width', el.dataset.width);
  clone.setAttribute('height', el.dataset.height);
  for (const n of clone.querySelectorAll('[tabindex]')) n.removeAttribute('tabindex');
  return new XMLSerializer().serializeToString(clone);
}

function save(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = h('a', { download: name, class: 'offscreen' });
  a.href = url;	// our own blob, not a record's text
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30000);
}

function exportSvg(el, name) {
  save(new Blob([svgText(el)], { type: 'image/svg+xml' }), `${name}.svg`);
}

function exportPng(el, name) {
  return new Promise((resolve, reject) => {
    const w = Number(el.dataset.width), hgt = Number(el.dataset.height), scale = 2;
    const img = new Image();
    img.onload = () => {
      const canvas = h('canvas', { width: w * scale, height: hgt * scale });
      const c = canvas.getContext('2d');
      c.scale(scale, scale);
      c.drawImage(img, 0, 0, w, hgt);
      canvas.toBlob((blob) => {
        if (!blob) return reject(new Error(t('graph.png_failed')));
        save(blob, `${name}.png`);
        resolve();
      }, 'image/png');
    };
    img.onerror = () => reject(new Error(t('graph.png_failed')));
    img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svgText(el))}`;
  });
}

// --- the screen ----------------------------------------------------------------

export default {
  async render(root, ctx) {
    const st = state(ctx);
    const start = ctx.params.id;
    if (!kindOf(start)) {
      root.append(h('h1', {}, t('graph.title', { id: start })), notice(t('error.not_found')));
      return;
    }
    const set = (changes) => ctx.setQuery({ ...st, ...changes });
    const [data, d3] = await Promise.all([load(start, st), st.view === 'list' ? null : loadD3()]);
    if (ctx.stale()) return;
    const view = visible(data, st);
    const startRec = data.nodes.get(data.root);

    function activate(n) {
      if (n.sum) return set({ sum: `${n.sum.id}~${n.sum.kind}`, sumafter: '' });
      const x = n.id === data.root || st.x.includes(n.id) ? st.x : [...st.x, n.id];
      return set({ x, sel: n.id });
    }

    // Filters: kinds and link types present, each a checkbox.
    const kindCount = new Map(), typeCount = new Map();
    for (const n of data.nodes.values()) kindCount.set(n.kind, (kindCount.get(n.kind) || 0) + 1);
    for (const s of data.sums.values()) {
      kindCount.set(s.kind, (kindCount.get(s.kind) || 0) + s.count);
      for (const v of s.via || []) typeCount.set(v, (typeCount.get(v) || 0) + s.count);
    }
    for (const l of data.links.values()) typeCount.set(l.type, (typeCount.get(l.type) || 0) + 1);
    const check = (name, value, label, hidden) => h('label', { class: 'check' },
      h('input', {
        type: 'checkbox', name, value, checked: !hidden.includes(value),
        onchange: (e) => {
          const list = hidden.filter((v) => v !== value);
          if (!e.target.checked) list.push(value);
          set({ [name]: list });
        },
      }), ' ', label);
    const selectOf = (name, label, values, cur, fmt) => h('label', { class: 'inline-field' }, label, ' ',
      h('select', { name, onchange: (e) => set({ [name]: Number(e.target.value) }) },
        values.map((v) => h('option', { value: v, selected: v === cur }, fmt(v)))));
    const filters = h('div', { class: 'graph-filters' },
      h('fieldset', {},
        h('legend', {}, t('graph.show_kinds')),
        KINDS.filter((k) => kindCount.has(k) || st.hide.includes(k)).map((k) =>
          check('hide', k, `${t(`kinds.${k}`)} (${num(kindCount.get(k) || 0)})`, st.hide))),
      typeCount.size || st.hidetype.length ? h('fieldset', {},
        h('legend', {}, t('graph.show_types')),
        [...new Set([...typeCount.keys(), ...st.hidetype])].sort().map((ty) =>
          check('hidetype', ty, `${t(`link_type.${ty}`, {}, ty)} (${num(typeCount.get(ty) || 0)})`, st.hidetype))) : null,
      h('div', { class: 'graph-sizes' },
        selectOf('depth', t('graph.depth'), DEPTHS, st.depth, (v) => (v === 1 ? t('graph.hop') : t('graph.hops', { n: v }))),
        selectOf('limit', t('graph.cap'), CAPS, st.limit, (v) => t('graph.records', { n: v })),
        selectOf('group', t('graph.group'), GROUPS, st.group, (v) => t('graph.more_than', { n: v }))));

    const fileName = `graph-${data.root}`;
    const status = h('div', { 'aria-live': 'polite' });
    let drawing = null;
    if (st.view !== 'list' && d3) drawing = draw(d3, view, data, st, activate);
    const exportButtons = drawing ? [
      h('button', { type: 'button', onclick: () => exportSvg(drawing, fileName) }, t('graph.export_svg')),
      h('button', {
        type: 'button',
        onclick: async () => {
          clear(status);
          try { await exportPng(drawing, fileName); } catch (err) { status.append(notice(err.message)); }
        },
      }, t('graph.export_png')),
    ] : [];

    append(root, [
      h('div', { class: 'page-head' },
        h('h1', {}, t('graph.title', { id: data.root })),
        h('div', { class: 'actions' },
          h('a', { class: 'button', href: hrefOf(data.root) }, t('graph.open_start')),
          h('button', { type: 'button', 'aria-pressed': String(st.view !== 'list'), onclick: () => set({ view: '' }) }, t('graph.view_graph')),
          h('button', { type: 'button', 'aria-pressed': String(st.view === 'list'), onclick: () => set({ view: 'list' }) }, t('graph.view_list')),
          exportButtons)),
      h('p', { class: 'muted bidi' }, `${t(`kind.${startRec.kind}`)} ${data.root}: `, labelOf(startRec)),
      filters,
      status,
      view.cut ? notice(t('graph.cut', { n: view.nodes.length }), 'info') : null,
      data.lost.length ? notice(t('graph.lost', { ids: data.lost.join(', ') }), 'warn') : null,
      st.view !== 'list' && !d3 ? notice(t('graph.no_d3'), 'info') : null]);

    if (st.sel && data.nodes.has(st.sel)) root.append(selected(data.nodes.get(st.sel), data, st, set));
    if (st.sum) root.append(await summaryList(st, data, set));
    if (ctx.stale()) return;

    if (drawing) {
      root.append(h('div', { class: 'graph-canvas' }, drawing),
        h('p', { class: 'muted graph-help' }, t('graph.help')));
      const again = refocus && [...drawing.querySelectorAll('.node')].find((g) => g.dataset.id === refocus);
      refocus = null;
      // Once the frame has placed the screen (and moved the focus to it).
      if (again) requestAnimationFrame(() => again.focus({ preventScroll: true }));
    } else {
      root.append(lists(view, data, st, activate));
    }
  },
};

// The selected record: what it is, where to open it, and to collapse it.
function selected(rec, data, st, set) {
  const expanded = st.x.includes(rec.id);
  return h('section', { class: 'panel graph-selected', 'aria-label': t('graph.selected') },
    h('h2', {}, t('graph.selected')),
    h('p', { class: 'bidi' }, `${t(`kind.${rec.kind}`)} `, idLink(rec.id), ': ', labelOf(rec)),
    h('div', { class: 'actions' },
      h('a', { class: 'button', href: hrefOf(rec.id) }, t('graph.open_record', { id: rec.id })),
      rec.id !== data.root ? h('a', { class: 'button', href: href(`graph/${rec.id}`) }, t('graph.recentre')) : null,
      expanded ? h('button', { type: 'button', onclick: () => set({ x: st.x.filter((v) => v !== rec.id), sel: '' }) }, t('graph.collapse')) : null));
}

// A summary opened: the records it counts, a page at a time, each of
// which can be brought into the graph.
async function summaryList(st, data, set) {
  const [hub, kind] = st.sum.split('~');
  const s = data.sums.get(st.sum);
  if (!PLURAL[kind] || !kindOf(hub)) return notice(t('error.not_found'));
  const page = await api.get(`/${PLURAL[kind]}`, { linked: hub, limit: LIST_PAGE, after: st.sumafter || undefined });
  const title = t('graph.list_title', { text: s ? countOf(s.count, kind) : t(`kinds.${kind}`), id: hub });
  return h('section', { class: 'panel graph-list-panel', 'aria-label': title },
    h('div', { class: 'page-head' },
      h('h2', {}, title),
      h('button', { type: 'button', onclick: () => set({ sum: '', sumafter: '' }) }, t('common.close'))),
    s ? h('p', { class: 'muted' }, t('graph.via', { types: s.via.map((v) => t(`link_type.${v}`, {}, v)).join(', ') })) : null,
    table([
      [t('common.id'), (r) => idLink(r.id)],
      [t('graph.name'), (r) => h('span', { class: 'bidi' }, labelOf(r))],
      [t('common.when'), (r) => when(r.occurred_at || r.opened_on || r.created_at)],
      ['', (r) => (data.nodes.has(r.id) && (st.x.includes(r.id) || r.id === data.root)
        ? h('span', { class: 'muted' }, t('graph.in_graph'))
        : h('button', { type: 'button', onclick: () => set({ x: [...st.x, r.id], sel: r.id }), 'aria-label': t('graph.add_named', { id: r.id }) }, t('graph.add')))],
    ], page.items, { empty: t('common.none') }),
    h('nav', { class: 'pager', 'aria-label': t('common.pages') },
      st.sumafter ? h('button', { type: 'button', onclick: () => set({ sumafter: '' }) }, t('common.first')) : null,
      page.next ? h('button', { type: 'button', onclick: () => set({ sumafter: page.next }) }, t('common.next')) : null));
}

// The same records and links as tables: the list view, and what there is
// without d3.
function lists(view, data, st, activate) {
  const degree = new Map();
  for (const l of view.links) for (const e of [l.from, l.to]) degree.set(e, (degree.get(e) || 0) + 1);
  const recName = (id) => [idLink(id), ' ', h('span', { class: 'bidi' }, labelOf(data.nodes.get(id)))];
  return h('div', { class: 'graph-lists' },
    h('h2', {}, t('graph.records_title', { n: num(view.nodes.length) })),
    table([
      [t('graph.kind'), (n) => t(`kind.${n.kind}`, {}, n.kind)],
      [t('common.id'), (n) => idLink(n.id)],
      [t('graph.name'), (n) => h('span', { class: 'bidi' }, labelOf(n))],
      [t('graph.links'), (n) => num(degree.get(n.id) || 0)],
      ['', (n) => (n.id === data.root || st.x.includes(n.id)
        ? h('span', { class: 'muted' }, n.id === data.root ? t('graph.start') : t('graph.expanded'))
        : h('button', { type: 'button', onclick: () => activate(n), 'aria-label': t('graph.expand_named', { id: n.id }) }, t('graph.expand')))],
    ], view.nodes, { caption: t('graph.records_caption') }),
    view.sums.length ? [
      h('h2', {}, t('graph.summaries_title')),
      table([
        [t('common.record'), (s) => recName(s.id)],
        [t('common.count'), (s) => countOf(s.count, s.kind)],
        [t('graph.via_col'), (s) => s.via.map((v) => t(`link_type.${v}`, {}, v)).join(', ')],
        ['', (s) => h('button', { type: 'button', onclick: () => activate({ sum: s }), 'aria-label': t('graph.open_summary', { text: countOf(s.count, s.kind), id: s.id }) }, t('graph.open_list'))],
      ], view.sums),
    ] : null,
    h('h2', {}, t('graph.links_title', { n: num(view.links.length) })),
    table([
      [t('common.from'), (l) => recName(l.from)],
      [t('graph.link_type'), (l) => [idLink(l.id, t(`link_type.${l.type}`, {}, l.type))]],
      [t('common.to'), (l) => recName(l.to)],
    ], view.links, { caption: t('graph.links_caption'), empty: t('graph.no_links') }));
}
