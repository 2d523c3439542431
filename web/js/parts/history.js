// history.js - a record's history from the audit trail, as a timeline
// newest first: when (in the user's time zone), who, what they did, to
// which record and version, and the note they gave; older entries a page
// at a time. The case page, the record pages and the audit screen share
// the way an entry is worded.
//
// API: GET /api/v1/KINDS/ID/history?limit=N&before=SEQ.
import { api } from '../api.js';
import { h, when, idLink, notice } from '../dom.js';
import { t } from '../i18n.js';

const PAGE = 50;

// What an entry's verb says, in the user's language ("changed").
export function opLabel(op) {
  return t(`audit.op.${op}`, {}, op);
}

// An audited id: a record's links to its page; a rule, user or the
// like ("rule/NAME") is shown as it is.
export function auditedId(id) {
  return /^[CSERLAV]-[0-9]+$/.test(String(id)) ? idLink(id) : h('span', { class: 'mono bidi' }, id);
}

function item(e) {
  return h('li', { class: 'tl-item' },
    h('span', { class: 'tl-when' }, when(e.at)),
    h('span', { class: 'tl-what' },
      h('strong', { class: 'bidi' }, e.user), ' ', opLabel(e.op), ' ', auditedId(e.id),
      e.version ? h('small', {}, ` ${t('audit.version_short', { v: e.version })}`) : null),
    e.note ? h('span', { class: 'tl-note bidi' }, e.note) : null);
}

// The timeline of `path` ("/cases/C-1"): `first` the entries already
// read and `next` where the older ones start (null: none).
export function timeline(path, first, next, { label } = {}) {
  const list = h('ol', { class: 'history-list', 'aria-label': label || t('audit.history') }, first.map(item));
  const status = h('div', { 'aria-live': 'polite' });
  const more = h('button', {
    type: 'button', class: 'no-print', hidden: !next,
    onclick: async () => {
      more.disabled = true;
      status.replaceChildren();
      try {
        const page = await api.get(`${path}/history`, { before: next, limit: PAGE });
        list.append(...page.items.map(item));
        next = page.next;
        more.hidden = !next;
      } catch (err) {
        status.append(notice(err.message));
      }
      more.disabled = false;
    },
  }, t('audit.older'));
  return h('div', { class: 'history' },
    first.length ? list : h('p', { class: 'empty' }, t('audit.no_history')), more, status);
}

// A record's history, read and drawn (the record pages).
export async function historyOf(path) {
  const page = await api.get(`${path}/history`, { limit: PAGE });
  return timeline(path, page.items, page.next);
}
