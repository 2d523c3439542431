// evidence.js - a case's evidence, as a panel the case page places: each
// file (its name, size, media type, versions, last custody event, a link
// to its page) and a form to add one, sent with a progress bar.
//
//   const panel = evidencePanel('C-1');
//   root.append(panel);
//   await panel.ready;	// its list is in place (it never rejects)
//
// API: GET /api/v1/evidence?where=case=C-n (from the case index), POST
// /api/v1/cases/C-n/evidence?filename=…&description=…&note=… (the file
// as the body).
import { all } from '../api.js';
import { h, clear, when, table, field, notice, hrefOf } from '../dom.js';
import { t } from '../i18n.js';
import { fileSize, sendFile, evidenceForm } from './upload.js';

const MAX_LISTED = 500;
let seq = 0;

// The last custody event's action and time, or a dash.
export function lastCustody(rec) {
  const c = rec.custody || [];
  if (!c.length) return h('span', { class: 'muted' }, t('evidence.no_custody'));
  const e = c[c.length - 1];
  return [t(`custody.${e.action}`, {}, e.action), ' ', h('small', {}, when(e.at))];
}

export function evidencePanel(caseId) {
  const headId = `evidence-panel-${++seq}`;
  const list = h('div', { class: 'evidence-list' });
  const description = h('textarea', { rows: '2', maxlength: '2000' });
  const head = h('h2', { id: headId }, t('kinds.evidence'));

  async function load() {
    const items = await all('/evidence', { where: `case=${caseId}` }, MAX_LISTED);
    head.textContent = `${t('kinds.evidence')} (${items.length})`;
    clear(list).append(table([
      [t('evidence.filename'), (v) => h('a', { href: hrefOf(v.id), class: 'bidi filename' }, v.filename)],
      [t('evidence.size'), (v) => h('span', { class: 'nowrap' }, fileSize(v.size))],
      [t('evidence.media_type'), (v) => h('span', { class: 'mono' }, v.media_type)],
      [t('evidence.versions'), (v) => String((v.versions || []).length)],
      [t('evidence.custody_last'), lastCustody],
      [t('common.id'), (v) => h('a', { href: hrefOf(v.id) }, v.id)],
    ], items, { empty: t('evidence.none'), caption: t('evidence.list_caption') }));
  }

  const form = evidenceForm({
    heading: t('evidence.add'),
    button: t('evidence.upload'),
    extra: field(t('evidence.description'), description, { name: 'description' }),
    cancelled: t('evidence.cancelled'),
    send: (bar, f, note) => sendFile(bar, 'POST', `/cases/${encodeURIComponent(caseId)}/evidence`, f, {
      filename: f.name, description: description.value.trim(), note,
    }),
    sent: async (rec, status, self) => {
      status.append(notice([t('evidence.added', { id: rec.id }), ' ',
        h('a', { href: hrefOf(rec.id) }, t('evidence.open'))], 'ok'));
      self.reset();
      await load();
    },
  });

  const el = h('section', { class: 'panel evidence-panel', 'aria-labelledby': headId },
    head, list, form);
  el.ready = load().catch((err) => { clear(list).append(notice(err.message)); });
  return el;
}
