// dom.js - building the page from data, safely. Every text goes in as a
// text node or an attribute value, never as HTML: record fields, alert
// text, file names and rule output are untrusted, and nothing here parses
// markup.
import { t, lang } from './i18n.js';

// h('a', { href: '#/cases', class: 'x', onclick: fn }, 'text', child…)
// Props starting with "on" become listeners; `class`, `for`, `aria-*` and
// the rest become attributes; `hidden`, `disabled`, `checked`, `value`,
// `selected` are set as properties. Children: strings, numbers, nodes,
// arrays of them; null, undefined and false are skipped.
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'hidden' || k === 'disabled' || k === 'checked' || k === 'value' ||
             k === 'selected' || k === 'indeterminate') el[k] = v;
    else if (k === 'href') el.setAttribute('href', safeHref(v));
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

// The same for SVG: svg('circle', { r: 4, class: 'x' }, svg('title', {}, text)).
// Attributes are set as written (an href only to our own routes, as h()
// does); listeners as in h(); text only as text nodes.
const SVGNS = 'http://www.w3.org/2000/svg';
export function svg(tag, props, ...children) {
  const el = document.createElementNS(SVGNS, tag);
  for (const [k, v] of Object.entries(props || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'href') el.setAttribute('href', safeHref(v));
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

// Only our own routes, API paths and downloads are links: a stored
// "javascript:" URL never becomes one.
export function safeHref(v) {
  const s = String(v);
  return s.startsWith('#/') || s.startsWith('/api/') || s === '#' ? s : '#';
}

export function clear(el) {
  while (el.firstChild) el.firstChild.remove();
  return el;
}

// An instant shown in the user's time zone, the UTC value on hover.
export function when(iso) {
  if (!iso) return '';
  const d = new Date(iso.length === 10 ? iso + 'T00:00:00Z' : iso);
  if (isNaN(d)) return String(iso);
  const dateOnly = iso.length === 10;
  const text = dateOnly
    ? d.toLocaleDateString(lang(), { timeZone: 'UTC', year: 'numeric', month: 'short', day: 'numeric' })
    : d.toLocaleString(lang(), { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' });
  return h('time', { datetime: iso, title: dateOnly ? iso : d.toISOString().replace('.000Z', 'Z') + ' UTC' }, text);
}

export function num(n, opts) {
  return n === null || n === undefined ? '' : Number(n).toLocaleString(lang(), opts);
}

// A record's id as a link to its page.
export function idLink(id, label) {
  return h('a', { href: hrefOf(id), class: label === undefined ? 'record-id' : null }, label === undefined ? id : label);
}

export function hrefOf(id) {
  const kinds = { C: 'cases', S: 'seizures', E: 'entities', R: 'routes', L: 'links', A: 'alerts', V: 'evidence' };
  const k = kinds[String(id).split('-')[0]];
  return k ? `#/${k}/${encodeURIComponent(id)}` : '#';
}

// A table: columns are [header, cell(row) → node or text]. Empty: `empty`.
export function table(columns, rows, { empty, caption, onrow } = {}) {
  if (!rows.length) return h('p', { class: 'empty' }, empty || t('common.none'));
  return h('div', { class: 'table-wrap' },
    h('table', {},
      caption ? h('caption', {}, caption) : null,
      h('thead', {}, h('tr', {}, columns.map(([head]) => h('th', { scope: 'col' }, head)))),
      h('tbody', {}, rows.map((r) => {
        const tr = h('tr', {}, columns.map(([, cell]) => h('td', {}, cell(r))));
        if (onrow) onrow(tr, r);
        return tr;
      }))));
}

// A message the user must see (errors, confirmations), announced to
// screen readers.
export function notice(text, kind = 'error') {
  return h('p', { class: `notice ${kind}`, role: kind === 'error' ? 'alert' : 'status' }, text);
}

// A labelled form field. `input` is the control; its id ties the label.
let fieldSeq = 0;
export function field(label, input, { hint, name } = {}) {
  const id = input.id || `f${++fieldSeq}`;
  input.id = id;
  if (name) input.name = name;
  const err = h('span', { class: 'field-error', id: `${id}-err`, 'aria-live': 'polite' });
  input.setAttribute('aria-describedby', `${id}-err`);
  return h('div', { class: 'field', 'data-field': name || '' },
    h('label', { for: id }, label), input, hint ? h('small', {}, hint) : null, err);
}

// Show the API's field error next to its field inside `form`; true if found.
export function fieldError(form, fieldName, message) {
  for (const f of form.querySelectorAll('.field')) {
    if (f.dataset.field === fieldName) {
      f.classList.add('invalid');
      f.querySelector('.field-error').textContent = message;
      f.querySelector('input,select,textarea')?.setAttribute('aria-invalid', 'true');
      return true;
    }
  }
  return false;
}

export function clearErrors(form) {
  for (const f of form.querySelectorAll('.field.invalid')) {
    f.classList.remove('invalid');
    f.querySelector('.field-error').textContent = '';
    f.querySelector('[aria-invalid]')?.removeAttribute('aria-invalid');
  }
}

export function select(options, value, props = {}) {
  return h('select', props, options.map(([v, label]) =>
    h('option', { value: v, selected: String(v) === String(value ?? '') }, label)));
}

// A badge for a TLP, a severity or a status (the class styles it).
export function badge(kind, value) {
  if (!value) return '';
  return h('span', { class: `badge ${kind}-${String(value).replace(/[^a-z0-9]/gi, '-')}` },
    t(`${kind}.${value}`, {}, value));
}
