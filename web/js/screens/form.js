// form.js - #/new/KIND and #/edit/ID: one form mechanism for cases,
// seizures, entities and links, drawn from a description of each kind's
// fields (the schema of doc/model.md, src/lib/schema.c). A new record is
// POSTed and its page opened; an edit is sent as an RFC 7386 merge patch
// of what changed, with If-Match. The API validates: its field error goes
// next to its field, and what was typed stays; a version conflict says
// who changed the record and offers to reload. #/link (link-form.js)
// is this form for a new link, with both ends picked by searching.
import { api, ApiError } from '../api.js';
import { h, append, clear, field, fieldError, clearErrors, select, notice, when, hrefOf } from '../dom.js';
import { t } from '../i18n.js';
import { go, href } from '../router.js';

// --- the enumerations of the schema ------------------------------------------

export const TLP = ['clear', 'green', 'amber', 'amber+strict', 'red'];
const CASE_STATUS = ['open', 'investigating', 'referred', 'prosecuted', 'closed'];
const CATEGORIES = ['narcotics', 'precursors', 'wildlife', 'timber', 'tobacco', 'alcohol', 'counterfeit',
  'weapons', 'currency', 'cultural_property', 'ods', 'waste', 'medicines', 'other'];
const UNITS = ['kg', 'g', 't', 'l', 'ml', 'pcs', 'packs', 'cartons', 'heads', 'm3'];
const LOC_TYPES = ['seaport', 'airport', 'land_border', 'mail_centre', 'express_hub', 'inland'];
const DIRECTIONS = ['import', 'export', 'transit'];
const MODES = ['air', 'sea', 'road', 'rail', 'post', 'express', 'foot'];
const METHODS = ['in_goods', 'false_compartment', 'body', 'baggage', 'misdeclared', 'parcel', 'vehicle',
  'none', 'other'];
const DETECTIONS = ['x_ray', 'canine', 'risk_profile', 'tip_off', 'intelligence', 'random', 'physical', 'other'];
const ETYPES = ['person', 'company', 'vessel', 'vehicle', 'aircraft', 'container', 'parcel', 'phone',
  'account', 'address', 'document'];
export const LINK_TYPES = ['consignor_of', 'consignee_of', 'owner_of', 'director_of', 'employee_of',
  'associate_of', 'family_of', 'carrier_of', 'travelled_on', 'registered_to', 'used', 'involved_in',
  'seized_from', 'same_as'];
const GRADE_SOURCE = ['A', 'B', 'C', 'D', 'E', 'F'];
const GRADE_INFO = ['1', '2', '3', '4', '5', '6'];

// Identifier keys the schema checks, and those that suit each entity type
// (offered first; the others stay one step away, and x-… for the rest).
const ID_KEYS = ['passport', 'national_id', 'tax_id', 'phone', 'email', 'iban', 'imo', 'mmsi', 'container',
  'awb', 'bl', 'flight', 'plate'];
const ID_FOR = {
  person: ['passport', 'national_id', 'tax_id', 'phone', 'email', 'iban'],
  company: ['tax_id', 'phone', 'email', 'iban'],
  vessel: ['imo', 'mmsi'],
  vehicle: ['plate'],
  aircraft: ['flight'],
  container: ['container', 'bl'],
  parcel: ['awb', 'bl'],
  phone: ['phone'],
  account: ['iban', 'email'],
  address: [],
  document: ['passport', 'national_id'],
};

const PLURAL = { C: 'cases', S: 'seizures', E: 'entities', R: 'routes', L: 'links', A: 'alerts', V: 'evidence' };
const ID_RE = /^([CSERLAV])-(\d{1,18})$/i;

// --- the description of each kind's form ------------------------------------------

// f(path, type, options): path is the field's dotted JSON path, and also
// the name the API's errors use. Types: text, long (several lines),
// number, date, when (a date and an optional time), enum, tags (comma-
// separated), lines (one per line), code (country or currency letters),
// ref (a record picked by searching), idents (identifier rows), linktype.
const f = (path, type, opts = {}) => ({ path, type, ...opts });
const today = () => {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};
const isPerson = (v, had) => v.type === 'person' || had;

const GRADING = ['forms.sec_grading', [
  f('grading.source', 'enum', { values: GRADE_SOURCE, labels: 'forms.grade_' }),
  f('grading.info', 'enum', { values: GRADE_INFO, labels: 'forms.grade_' }),
]];
const SHARING = ['forms.sec_sharing', [
  f('tlp', 'enum', { values: TLP, labels: 'tlp.', dflt: 'amber', label: 'common.tlp', hint: 'forms.hint_tlp' }),
  f('tags', 'tags', { label: 'common.tags', hint: 'forms.hint_tags' }),
  f('notes', 'long', { label: 'common.notes', wide: true }),
]];

const KINDS = {
  case: {
    sections: [
      [null, [
        f('title', 'text', { required: true, wide: true }),
        f('status', 'enum', { values: CASE_STATUS, labels: 'case_status.', dflt: 'open', label: 'common.status' }),
        f('office', 'text'),
        f('lead', 'text', { dflt: (me) => me.user, hint: 'forms.hint_lead' }),
        f('opened_on', 'date', { dflt: today }),
        f('summary', 'long', { wide: true }),
      ]],
      SHARING,
    ],
    cancel: () => href('cases'),
  },
  seizure: {
    sections: [
      [null, [
        f('case', 'ref', { kinds: ['case'], required: true }),
        f('occurred_at', 'when', { required: true }),
      ]],
      ['forms.sec_commodity', [
        f('commodity.category', 'enum', { values: CATEGORIES, labels: 'category.', required: true }),
        f('commodity.hs_code', 'text', { hint: 'forms.hint_hs', mono: true }),
        f('commodity.species', 'text', { hint: 'forms.hint_species' }),
        f('commodity.description', 'long', { wide: true }),
      ]],
      ['forms.sec_amounts', [
        f('quantity.amount', 'number'),
        f('quantity.unit', 'enum', { values: UNITS, labels: 'unit.' }),
        f('value.amount', 'number'),
        f('value.currency', 'code', { size: 3, hint: 'forms.hint_currency' }),
      ]],
      ['forms.sec_place', [
        f('location.office', 'text'),
        f('location.place', 'text'),
        f('location.country', 'code', { size: 2, hint: 'forms.hint_country' }),
        f('location.type', 'enum', { values: LOC_TYPES, labels: 'location_type.' }),
        f('location.lat', 'number', { hint: 'forms.hint_lat' }),
        f('location.lon', 'number', { hint: 'forms.hint_lon' }),
      ]],
      ['forms.sec_movement', [
        f('direction', 'enum', { values: DIRECTIONS, labels: 'direction.' }),
        f('transport_mode', 'enum', { values: MODES, labels: 'mode.' }),
        f('route', 'ref', { kinds: ['route'], hint: 'forms.hint_route' }),
      ]],
      ['forms.sec_concealment', [
        f('concealment.method', 'enum', { values: METHODS, labels: 'method.' }),
        f('detection', 'enum', { values: DETECTIONS, labels: 'detection.' }),
        f('concealment.detail', 'long', { wide: true }),
      ]],
      GRADING,
      SHARING,
    ],
    cancel: (q) => (q.get('case') ? hrefOf(q.get('case')) : href('seizures')),
  },
  entity: {
    sections: [
      [null, [
        f('type', 'enum', { values: ETYPES, labels: 'entity_type.', required: true }),
        f('name', 'text', { required: true, span2: true }),
        f('aliases', 'lines', { hint: 'forms.hint_lines' }),
        f('country', 'code', { size: 2, hint: 'forms.hint_country' }),
        f('nationality', 'code', { size: 2, hint: 'forms.hint_country', show: isPerson }),
        f('born_on', 'date', { show: isPerson }),
      ]],
      ['forms.sec_identifiers', [f('identifiers', 'idents', { wide: true })]],
      GRADING,
      SHARING,
    ],
    cancel: () => href(''),
  },
  link: {
    sections: [
      [null, [
        f('from', 'ref', { required: true, hint: 'forms.hint_pick' }),
        f('type', 'linktype', { required: true, label: 'forms.f_link_type' }),
        f('to', 'ref', { required: true, hint: 'forms.hint_pick' }),
        f('since', 'when'),
        f('until', 'when'),
      ]],
      GRADING,
      SHARING,
    ],
    // A new link opens the page of its first record.
    after: (out, isNew) => hrefOf(isNew ? out.from : out.id),
    cancel: (q) => (q.get('from') ? hrefOf(q.get('from')) : href('')),
  },
};

// --- small helpers --------------------------------------------------------------

function getPath(obj, path) {
  return path.split('.').reduce((o, k) => (o && typeof o === 'object' ? o[k] : undefined), obj);
}

function setPath(obj, path, v) {
  const keys = path.split('.');
  let o = obj;
  for (const k of keys.slice(0, -1)) o = o[k] && typeof o[k] === 'object' ? o[k] : (o[k] = {});
  o[keys[keys.length - 1]] = v;
}

const isObj = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

// The RFC 7386 merge patch that turns `a` into `b`: changed members, null
// for those removed, nested objects patched member by member.
export function mergePatch(a, b) {
  const p = {};
  for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
    if (!(k in b)) p[k] = null;
    else if (!(k in a)) p[k] = b[k];
    else if (isObj(a[k]) && isObj(b[k])) {
      const sub = mergePatch(a[k], b[k]);
      if (Object.keys(sub).length) p[k] = sub;
    } else if (JSON.stringify(a[k]) !== JSON.stringify(b[k])) p[k] = b[k];
  }
  return p;
}

// A record's name in a sentence: a case's title, an entity's name …
export function recordLabel(r) {
  if (!r) return '';
  switch (r.kind) {
    case 'case': return r.title || '';
    case 'entity': return r.name || '';
    case 'seizure': return [r.commodity && t(`category.${r.commodity.category}`, {}, r.commodity.category),
      r.commodity && r.commodity.description, r.occurred_at && String(r.occurred_at).slice(0, 10)]
      .filter(Boolean).join(' · ');
    case 'route': return [r.origin, ...(r.transit || []), r.destination].filter(Boolean).join(' → ');
    case 'link': return `${r.from} ${t(`link_type.${r.type}`, {}, r.type)} ${r.to}`;
    case 'alert': return r.title || '';
    case 'evidence': return r.filename || '';
    default: return '';
  }
}

function fetchRecord(id) {
  const m = ID_RE.exec(String(id));
  if (!m) return Promise.reject(new Error('not an id'));
  return api.get(`/${PLURAL[m[1].toUpperCase()]}/${encodeURIComponent(id)}`);
}

function labelOf(spec) {
  return t(spec.label || `forms.f_${spec.path.replace(/\./g, '_')}`);
}

// --- a record picked by searching (a combobox) -------------------------------------

let pickSeq = 0;

// A search box whose results (GET /search, or the record itself when an
// id is typed) are listed below it, chosen with the arrow keys and Enter
// or a click. `kinds` limits the results; value() is the chosen id, or
// what was typed, for the API to judge.
export function picker({ kinds, label }) {
  const n = ++pickSeq;
  const listId = `pick${n}-list`;
  const input = h('input', {
    type: 'text', role: 'combobox', autocomplete: 'off', spellcheck: 'false',
    'aria-autocomplete': 'list', 'aria-expanded': 'false', 'aria-controls': listId,
    placeholder: t(kinds && kinds.length === 1 ? `forms.search_${kinds[0]}` : 'forms.search_any'),
  });
  const list = h('ul', { id: listId, role: 'listbox', class: 'picker-list', 'aria-label': label, hidden: true });
  const status = h('div', { class: 'picker-status', 'aria-live': 'polite' });
  let items = [];
  let active = -1;
  let chosen = null;
  let seq = 0;
  let timer = null;

  const close = () => {
    list.hidden = true;
    input.setAttribute('aria-expanded', 'false');
    input.removeAttribute('aria-activedescendant');
  };
  const mark = () => {
    [...list.children].forEach((li, i) => li.setAttribute('aria-selected', i === active ? 'true' : 'false'));
    if (active >= 0) {
      input.setAttribute('aria-activedescendant', `${listId}-${active}`);
      list.children[active].scrollIntoView({ block: 'nearest' });
    } else input.removeAttribute('aria-activedescendant');
  };
  const show = () => {
    clear(list);
    items.forEach((r, i) => list.append(h('li', {
      id: `${listId}-${i}`, role: 'option', class: 'picker-option', 'aria-selected': 'false',
      onmousedown: (e) => e.preventDefault(),
      onclick: () => choose(r),
    }, h('span', { class: 'picker-kind' }, t(`kind.${r.kind}`, {}, r.kind)), ' ',
    h('span', { class: 'mono' }, r.id), ' ', h('span', { class: 'bidi' }, recordLabel(r)))));
    list.hidden = !items.length;
    input.setAttribute('aria-expanded', items.length ? 'true' : 'false');
    active = items.length ? 0 : -1;
    mark();
  };
  const choose = (r, quiet) => {
    chosen = r;
    input.value = `${r.id} · ${recordLabel(r)}`;
    items = [];
    close();
    clear(status);
    if (!quiet || r.kind) status.append(t('forms.chosen', { kind: t(`kind.${r.kind}`, {}, r.kind || ''), id: r.id }));
  };
  const search = async () => {
    const q = input.value.trim();
    const mine = ++seq;
    if (q.length < 2) { items = []; close(); clear(status); return; }
    let found = [];
    try {
      if (ID_RE.test(q)) found = [await fetchRecord(q.toUpperCase())];
      else found = (await api.get('/search', { q, limit: 20 })).items;
    } catch (err) {
      if (!(err instanceof ApiError) || err.status !== 404) found = null;
    }
    if (mine !== seq || chosen) return;
    clear(status);
    if (found === null) { status.append(t('error.network')); return; }
    items = found.filter((r) => !kinds || kinds.includes(r.kind));
    status.append(items.length ? t('forms.found', { n: items.length }) : t('forms.no_results'));
    show();
  };
  input.addEventListener('input', () => {
    chosen = null;
    clearTimeout(timer);
    timer = setTimeout(search, 200);
  });
  input.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      if (!items.length) return;
      e.preventDefault();
      if (list.hidden) { list.hidden = false; input.setAttribute('aria-expanded', 'true'); }
      active = e.key === 'ArrowDown' ? Math.min(active + 1, items.length - 1) : Math.max(active - 1, 0);
      mark();
    } else if (e.key === 'Enter' && !list.hidden && active >= 0) {
      e.preventDefault();
      choose(items[active]);
    } else if (e.key === 'Escape' && !list.hidden) {
      e.preventDefault();
      close();
    }
  });
  input.addEventListener('blur', close);

  return {
    input,
    parts: [list, status],
    value: () => {
      if (chosen) return chosen.id;
      const s = input.value.trim();
      return s ? (ID_RE.test(s) ? s.toUpperCase() : s) : undefined;
    },
    set: (id) => {
      choose({ id: String(id) }, true);
      input.value = String(id);
      fetchRecord(id).then((r) => { if (chosen && chosen.id === r.id) choose(r, true); }).catch(() => {});
    },
  };
}

// --- controls: each makes its field and reads and writes its value --------------

function enumOptions(spec) {
  const opts = spec.values.map((v) => [v, t(`${spec.labels}${v}`, {}, v)]);
  if (spec.dflt) return opts;
  return [['', t(spec.required ? 'forms.choose' : 'forms.not_set')], ...opts];
}

function markRequired(el, spec) {
  if (!spec.required) return;
  // The mark stays out of the label, so that it is no part of the name.
  const label = el.querySelector('label');
  const row = h('div', { class: 'label-row' });
  label.replaceWith(row);
  row.append(label, h('span', { class: 'required', 'aria-hidden': 'true' }, '*'));
  el.querySelector('input,select,textarea').setAttribute('aria-required', 'true');
}

function simple(spec, label) {
  let input;
  let get;
  let set;
  switch (spec.type) {
    case 'long':
      input = h('textarea', { rows: spec.path === 'notes' || spec.path === 'summary' ? 4 : 3 });
      get = () => (input.value.trim() ? input.value : undefined);
      set = (v) => { input.value = v ?? ''; };
      break;
    case 'number':
      input = h('input', { type: 'text', inputmode: 'decimal', class: 'num-input' });
      // A comma as the decimal mark is read as a point; anything else
      // that is not a number goes as typed, for the API to refuse.
      get = () => {
        let s = input.value.trim();
        if (!s) return undefined;
        if (/^[+-]?\d+,\d+$/.test(s)) s = s.replace(',', '.');
        const x = Number(s);
        return /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s) && Number.isFinite(x) ? x : input.value.trim();
      };
      set = (v) => { input.value = v === undefined || v === null ? '' : String(v); };
      break;
    case 'date':
      input = h('input', { type: 'date' });
      get = () => input.value || undefined;
      set = (v) => { input.value = v ?? ''; };
      break;
    case 'enum':
      input = select(enumOptions(spec), spec.dflt || '');
      get = () => input.value || undefined;
      set = (v) => {
        if (v !== undefined && v !== null && ![...input.options].some((o) => o.value === String(v)))
          input.append(h('option', { value: String(v) }, String(v)));
        input.value = v ?? '';
      };
      break;
    case 'tags':
      input = h('input', { type: 'text' });
      get = () => {
        const a = input.value.split(',').map((s) => s.trim()).filter(Boolean);
        return a.length ? a : undefined;
      };
      set = (v) => { input.value = Array.isArray(v) ? v.join(', ') : ''; };
      break;
    case 'lines':
      input = h('textarea', { rows: 2 });
      get = () => {
        const a = input.value.split('\n').map((s) => s.trim()).filter(Boolean);
        return a.length ? a : undefined;
      };
      set = (v) => { input.value = Array.isArray(v) ? v.join('\n') : ''; };
      break;
    case 'code':
      input = h('input', { type: 'text', class: 'code-input', maxlength: spec.size, size: spec.size + 2,
        autocapitalize: 'characters', spellcheck: 'false' });
      get = () => input.value.trim().toUpperCase() || undefined;
      set = (v) => { input.value = v ?? ''; };
      break;
    default:
      input = h('input', { type: 'text', class: spec.mono ? 'mono' : null, spellcheck: spec.mono ? 'false' : null });
      get = () => input.value.trim() || undefined;
      set = (v) => { input.value = v ?? ''; };
  }
  const el = field(label, input, { name: spec.path, hint: spec.hint ? t(spec.hint) : undefined });
  return { el, get, set, input };
}

// A date, and an optional time of day in the browser's time zone; sent
// as the date alone, or as the UTC instant.
function whenControl(spec, label) {
  const d = h('input', { type: 'date' });
  const tm = h('input', { type: 'time', 'aria-label': t('forms.time_of', { field: label }) });
  const el = field(label, d, { name: spec.path, hint: t('forms.hint_time') });
  const wrap = h('div', { class: 'when-input' });
  d.replaceWith(wrap);
  wrap.append(d, tm);
  const pad = (x) => String(x).padStart(2, '0');
  return {
    el,
    input: d,
    get: () => {
      if (!d.value) return undefined;
      if (!tm.value) return d.value;
      const x = new Date(`${d.value}T${tm.value.length === 5 ? `${tm.value}:00` : tm.value}`);
      return isNaN(x) ? d.value : x.toISOString().replace(/\.\d{3}Z$/, 'Z');
    },
    set: (v) => {
      if (!v) { d.value = ''; tm.value = ''; return; }
      if (String(v).length === 10) { d.value = v; tm.value = ''; return; }
      const x = new Date(v);
      if (isNaN(x)) { d.value = ''; return; }
      d.value = `${x.getFullYear()}-${pad(x.getMonth() + 1)}-${pad(x.getDate())}`;
      if (x.getSeconds()) tm.step = 1;
      tm.value = `${pad(x.getHours())}:${pad(x.getMinutes())}${x.getSeconds() ? `:${pad(x.getSeconds())}` : ''}`;
    },
  };
}

function refControl(spec, label) {
  const p = picker({ kinds: spec.kinds, label });
  const el = field(label, p.input, { name: spec.path, hint: spec.hint ? t(spec.hint) : undefined });
  // The list hangs under the input; what was found or chosen is said below.
  const box = h('div', { class: 'picker' });
  p.input.replaceWith(box);
  box.append(p.input, p.parts[0]);
  el.insertBefore(p.parts[1], el.querySelector('.field-error'));
  return { el, input: p.input, get: p.value, set: p.set };
}

// One of the contract's link types, or a custom x-… name typed in.
function linkTypeControl(spec, label) {
  const CUSTOM = '__custom';
  const sel = select([['', t('forms.choose')], ...LINK_TYPES.map((v) => [v, t(`link_type.${v}`)]),
    [CUSTOM, t('forms.custom_type')]], '');
  const custom = h('input', { type: 'text', placeholder: 'x-…', spellcheck: 'false', class: 'mono' });
  const el = field(label, sel, { name: spec.path });
  const customField = field(t('forms.f_custom_type'), custom, { hint: t('forms.hint_custom_type') });
  customField.hidden = true;
  sel.addEventListener('change', () => {
    customField.hidden = sel.value !== CUSTOM;
    if (!customField.hidden) custom.focus();
  });
  return {
    el,
    extra: customField,
    input: sel,
    get: () => (sel.value === CUSTOM ? custom.value.trim() || undefined : sel.value || undefined),
    set: (v) => {
      if (!v) { sel.value = ''; return; }
      if (LINK_TYPES.includes(v)) sel.value = v;
      else { sel.value = CUSTOM; custom.value = v; customField.hidden = false; }
    },
  };
}

// Identifiers as rows of a key and a value; the keys offered first are
// those of the entity's type. A row's value field is named by its key
// (identifiers.imo), so that the API's error lands on it.
function identsControl(spec, label, env) {
  const CUSTOM = '__custom';
  const rows = h('div', { class: 'id-rows' });
  const list = [];
  let n = 0;
  const type = () => env.value('type');
  const options = (sel, current) => {
    const mine = ID_FOR[type()] || [];
    const opt = (k) => h('option', { value: k }, t(`forms.ident_${k}`));
    clear(sel);
    if (mine.length)
      sel.append(h('optgroup', { label: t('forms.id_for_type', { type: t(`entity_type.${type()}`) }) }, mine.map(opt)));
    sel.append(h('optgroup', { label: mine.length ? t('forms.id_other') : t('forms.id_known') },
      ID_KEYS.filter((k) => !mine.includes(k)).map(opt)));
    sel.append(h('option', { value: CUSTOM }, t('forms.id_custom')));
    sel.value = current;
  };
  const addRow = (key, value, focus) => {
    const i = ++n;
    const keySel = h('select', {});
    const custom = h('input', { type: 'text', placeholder: 'x-…', spellcheck: 'false', class: 'mono' });
    const val = h('input', { type: 'text', spellcheck: 'false' });
    const keyField = field(t('forms.id_key'), keySel);
    const customField = field(t('forms.id_custom_key'), custom);
    const valField = field(t('forms.id_value'), val);
    const known = !key || ID_KEYS.includes(key);
    options(keySel, known ? key || (ID_FOR[type()] || ID_KEYS)[0] || ID_KEYS[0] : CUSTOM);
    if (!known) custom.value = key;
    val.value = value || '';
    const row = {
      key: () => {
        if (keySel.value !== CUSTOM) return keySel.value;
        const k = custom.value.trim().toLowerCase();
        return k && !k.startsWith('x-') ? `x-${k}` : k;
      },
      value: () => val.value.trim(),
      refresh: () => options(keySel, keySel.value),
    };
    const sync = () => {
      customField.hidden = keySel.value !== CUSTOM;
      valField.dataset.field = `identifiers.${row.key()}`;
    };
    keySel.addEventListener('change', sync);
    custom.addEventListener('input', sync);
    const el = h('div', { class: 'id-row', role: 'group', 'aria-label': t('forms.id_n', { n: i }) },
      keyField, customField, valField,
      h('button', {
        type: 'button', class: 'id-remove', 'aria-label': t('forms.id_remove_n', { n: i }),
        onclick: () => { el.remove(); list.splice(list.indexOf(row), 1); addBtn.focus(); },
      }, t('forms.id_remove')));
    sync();
    list.push(row);
    rows.append(el);
    if (focus) val.focus();
  };
  const addBtn = h('button', { type: 'button', onclick: () => addRow('', '', true) }, t('forms.add_identifier'));
  const el = h('div', { class: 'idents wide' }, rows, addBtn);
  return {
    el,
    input: addBtn,
    get: () => {
      const o = {};
      for (const r of list) if (r.key() && r.value()) o[r.key()] = r.value();
      return Object.keys(o).length ? o : undefined;
    },
    set: (v) => {
      clear(rows);
      list.length = 0;
      for (const [k, x] of Object.entries(v || {})) addRow(k, String(x));
    },
    // The entity's type changed: its keys first; a first row if none.
    typeChanged: () => {
      for (const r of list) r.refresh();
      if (!list.length && (ID_FOR[type()] || []).length) addRow('', '');
    },
  };
}

function control(spec, env) {
  const label = labelOf(spec);
  let c;
  if (spec.type === 'when') c = whenControl(spec, label);
  else if (spec.type === 'ref') c = refControl(spec, label);
  else if (spec.type === 'linktype') c = linkTypeControl(spec, label);
  else if (spec.type === 'idents') c = identsControl(spec, label, env);
  else c = simple(spec, label);
  if (spec.type !== 'idents') markRequired(c.el, spec);
  if (spec.wide) c.el.classList.add('wide');
  else if (spec.span2 || spec.type === 'ref' || spec.type === 'when') c.el.classList.add('span2');
  c.spec = spec;
  return c;
}

// --- the form ----------------------------------------------------------------------

// Show an API error on the form: next to its field (the path, or the
// nearest field above it: tags[2] → tags), focused; else above the
// buttons. Returns the field's element if there was one.
export function showFieldError(form, status, err) {
  let path = err.field || '';
  while (path) {
    if (fieldError(form, path, err.message)) {
      const fld = [...form.querySelectorAll('.field')].find((x) => x.dataset.field === path);
      fld.querySelector('input,select,textarea')?.focus();
      status.append(notice(t('forms.invalid')));
      return fld;
    }
    const up = path.replace(/(\[\d+\]|\.[^.[\]]+)$/, '');
    if (up === path) break;
    path = up;
  }
  status.append(notice(err.field ? t('forms.invalid_field', { field: err.field, message: err.message }) : err.message));
  return null;
}

// A field the API refused, changed since: its error no longer applies.
export function clearField(target) {
  const fld = target.closest && target.closest('.field.invalid');
  if (!fld) return;
  fld.classList.remove('invalid');
  fld.querySelector('.field-error').textContent = '';
  fld.querySelector('[aria-invalid]')?.removeAttribute('aria-invalid');
}

export async function renderForm(root, ctx, kindArg) {
  let rec = null;
  let kind = kindArg || ctx.params.kind;
  if (ctx.params.id) {
    const m = ID_RE.exec(ctx.params.id);
    if (!m) throw new ApiError(404, null);
    rec = await fetchRecord(ctx.params.id);
    kind = rec.kind;
  }
  const desc = KINDS[kind];
  if (!desc) {
    append(root, [h('h1', {}, rec ? t('forms.edit', { id: rec.id }) : t('forms.new')),
      notice(t(rec ? 'forms.no_form' : 'forms.unknown_kind'), 'info'),
      rec ? h('p', {}, h('a', { href: hrefOf(rec.id) }, t('forms.back_to', { id: rec.id }))) : null]);
    return;
  }

  const controls = [];
  const env = { value: (path) => controls.find((c) => c.spec.path === path)?.get() };
  const had = new Set();	// fields the record holds, shown whatever the type
  const values = () => {
    const o = {};
    for (const c of controls) if (!c.el.hidden) { const v = c.get(); if (v !== undefined) setPath(o, c.spec.path, v); }
    return o;
  };
  const refresh = () => {
    const v = values();
    for (const c of controls) if (c.spec.show) c.el.hidden = !c.spec.show(v, had.has(c.spec.path));
  };

  const body = desc.sections.map(([legend, specs]) => {
    const grid = h('div', { class: 'grid form-grid' });
    for (const spec of specs) {
      const c = control(spec, env);
      controls.push(c);
      grid.append(c.el);
      if (c.extra) grid.append(c.extra);
    }
    return legend ? h('fieldset', {}, h('legend', {}, t(legend)), grid) : grid;
  });

  // Fill: the record's values, else the defaults and what the URL names
  // (#/new/seizure?case=C-1, #/link?from=E-3).
  for (const c of controls) {
    const p = c.spec.path;
    if (rec) {
      const v = getPath(rec, p);
      if (v !== undefined && v !== null) { had.add(p); c.set(v); }
    } else if (ctx.query.has(p)) c.set(ctx.query.get(p));
    else if (c.spec.dflt) c.set(typeof c.spec.dflt === 'function' ? c.spec.dflt(ctx.me) : c.spec.dflt);
  }
  const typeCtl = kind === 'entity' ? controls.find((c) => c.spec.path === 'type') : null;
  const idents = controls.find((c) => c.spec.type === 'idents');
  if (typeCtl) {
    typeCtl.input.addEventListener('change', () => { refresh(); idents.typeChanged(); });
    if (!rec && typeCtl.get()) idents.typeChanged();
  }
  refresh();
  const snapshot = values();	// what the form held before any change

  const status = h('div', { class: 'form-status', 'aria-live': 'polite' });
  const save = h('button', { type: 'submit', class: 'primary' }, t(rec ? 'common.save' : 'forms.create'));
  const cancelHref = rec ? hrefOf(rec.id) : desc.cancel(ctx.query);

  const conflict = async () => {
    let cur = null;
    try { cur = await fetchRecord(rec.id); } catch { /* said without the details */ }
    const reload = h('button', { type: 'button', class: 'primary', onclick: () => go(ctx.path, Object.fromEntries(ctx.query)) },
      t('common.reload'));
    status.append(h('div', { class: 'notice warn conflict', role: 'alert' },
      h('p', {}, h('strong', {}, t('error.conflict', { user: cur ? cur.updated_by : t('forms.someone') }))),
      cur ? h('p', {}, t('forms.changed_at'), ' ', when(cur.updated_at), ' ', t('forms.now_version', { version: cur.version })) : null,
      h('p', {}, t('forms.reload_loses')),
      h('div', { class: 'actions' }, reload)));
    reload.focus();
  };

  const form = h('form', {
    class: 'record-form', novalidate: true, 'aria-labelledby': 'form-title',
    oninput: (e) => clearField(e.target),
    onchange: (e) => clearField(e.target),
    onsubmit: async (e) => {
      e.preventDefault();
      clearErrors(form);
      clear(status);
      const now = values();
      save.disabled = true;
      status.append(h('p', { class: 'muted', role: 'status' }, t('forms.saving')));
      try {
        let out;
        if (!rec) {
          out = await api.post(`/${PLURAL[kindLetter(kind)]}`, now);
        } else {
          const patch = mergePatch(snapshot, now);
          out = Object.keys(patch).length ? await api.patch(`/${PLURAL[kindLetter(kind)]}/${rec.id}`, patch, rec.version) : rec;
        }
        if (ctx.stale()) return;
        location.hash = desc.after ? desc.after(out, !rec) : hrefOf(out.id);
      } catch (err) {
        clear(status);
        if (!(err instanceof ApiError)) throw err;
        if (err.status === 412 && rec) await conflict();
        else showFieldError(form, status, err);
      } finally {
        save.disabled = false;
      }
    },
  },
  body,
  status,
  h('div', { class: 'actions' }, save, h('a', { class: 'button', href: cancelHref }, t('common.cancel'))));

  const title = rec ? t('forms.edit', { id: rec.id }) : t(`forms.new_${kind}`);
  append(root, [
    h('h1', { id: 'form-title' }, title),
    rec ? h('p', { class: 'muted form-sub' }, h('span', { class: 'bidi' }, recordLabel(rec)), ' · ',
      t('forms.version_by', { version: rec.version, user: rec.updated_by || '' }), ' ', when(rec.updated_at)) : null,
    h('p', { class: 'muted' }, t('forms.required_note')),
    form]);
}

function kindLetter(kind) {
  return { case: 'C', seizure: 'S', entity: 'E', route: 'R', link: 'L' }[kind];
}

export default {
  async render(root, ctx) {
    await renderForm(root, ctx);
  },
};
