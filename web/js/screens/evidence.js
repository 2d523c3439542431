// evidence.js - #/evidence/V-n: one evidence file. Its facts (the name
// as it was given, untrusted), its case, every version with a download,
// a new version sent with a progress bar, the chain of custody with a
// form to add to it, and Verify: each version re-read and checked
// against its SHA-256 and the store's history.
//
// API: GET /api/v1/evidence/V-n, GET /api/v1/cases/C-n (the case's
// title), PUT /api/v1/evidence/V-n?filename=…&note=… (the file as the
// body), GET /api/v1/evidence/V-n/content?version=N (an attachment), POST
// /api/v1/evidence/V-n/custody, GET /api/v1/evidence/V-n/verify.
import { api, url } from '../api.js';
import { h, clear, when, num, table, field, select, notice, badge, idLink, hrefOf, fieldError, clearErrors } from '../dom.js';
import { t } from '../i18n.js';
import { go } from '../router.js';
import { fileSize, sendFile, evidenceForm } from '../parts/upload.js';

const ACTIONS = ['collected', 'received', 'transferred', 'analysed', 'returned', 'destroyed', 'note'];

function destroyedOn(rec) {
  return (rec.custody || []).find((e) => e.action === 'destroyed')?.at || null;
}

// The verdict of GET …/verify: intact, or each problem where it is.
function verdict(out) {
  const bad = (out.problems || []).length + out.versions.reduce((n, v) => n + v.problems.length, 0);
  return h('div', { class: 'verify-result' },
    notice(out.intact ? t('evidence.intact') : t(bad === 1 ? 'evidence.damaged_one' : 'evidence.damaged', { n: bad }),
      out.intact ? 'ok' : 'error'),
    (out.problems || []).length ? h('ul', {}, out.problems.map((p) => h('li', {}, p))) : null,
    table([
      [t('common.version'), (v) => String(v.version)],
      [t('evidence.verdict'), (v) => (v.intact
        ? h('span', { class: 'verdict-ok' }, t('evidence.version_intact'))
        : h('span', { class: 'verdict-bad' }, v.problems.join(' · ')))],
    ], out.versions, { caption: t('evidence.verify_caption') }));
}

export default {
  async render(root, { params, path, stale }) {
    const id = params.id;
    const rec = await api.get(`/evidence/${encodeURIComponent(id)}`);
    let caseTitle = null;
    try {
      caseTitle = (await api.get(`/cases/${encodeURIComponent(rec.case)}`)).title;
    } catch { /* the id alone */ }
    // Drawn again after a change, unless the user has moved on.
    const again = () => { if (!stale()) go(path); };

    // --- facts ---
    const destroyed = destroyedOn(rec);
    const versions = rec.versions || [];
    root.append(
      h('div', { class: 'page-head' },
        h('h1', { class: 'bidi filename' }, rec.filename),
        h('span', { class: 'muted' }, t('kind.evidence'), ' ', rec.id), badge('tlp', rec.tlp)),
      h('dl', { class: 'facts' },
        h('dt', {}, t('evidence.case')), h('dd', {}, idLink(rec.case),
          caseTitle ? [' · ', h('a', { href: hrefOf(rec.case), class: 'bidi' }, caseTitle)] : null),
        h('dt', {}, t('evidence.filename')), h('dd', { class: 'bidi filename' }, rec.filename),
        h('dt', {}, t('evidence.media_type')), h('dd', { class: 'mono' }, rec.media_type),
        h('dt', {}, t('evidence.size')), h('dd', {}, fileSize(rec.size), ' ',
          h('small', {}, t('evidence.bytes', { n: num(rec.size) }))),
        h('dt', {}, t('evidence.sha256')), h('dd', { class: 'mono hash' }, rec.sha256),
        h('dt', {}, t('evidence.description')), h('dd', { class: 'multiline' }, rec.description || '—'),
        h('dt', {}, t('common.created')), h('dd', {}, when(rec.created_at), ' · ', rec.created_by || '')));

    // --- verify ---
    const verifyOut = h('div', { 'aria-live': 'polite' });
    const verifyBtn = h('button', {
      type: 'button',
      onclick: async () => {
        verifyBtn.disabled = true;
        clear(verifyOut).append(h('p', { class: 'muted', role: 'status' }, t('evidence.verifying')));
        try {
          clear(verifyOut).append(verdict(await api.get(`/evidence/${encodeURIComponent(id)}/verify`)));
        } catch (err) {
          clear(verifyOut).append(notice(err.message));
        } finally {
          verifyBtn.disabled = false;
        }
      },
    }, t('evidence.verify'));
    root.append(h('div', { class: 'actions' }, verifyBtn,
      h('a', { class: 'button', href: url(`/evidence/${encodeURIComponent(id)}/content`), download: true },
        t('evidence.download_latest'))), verifyOut);

    // --- versions ---
    root.append(h('h2', {}, t('evidence.versions')),
      table([
        [t('common.version'), (v) => String(v.version)],
        [t('evidence.filename'), (v) => h('span', { class: 'bidi filename' }, v.filename)],
        [t('evidence.size'), (v) => h('span', { class: 'nowrap' }, fileSize(v.size))],
        [t('evidence.sha256'), (v) => h('span', { class: 'mono hash' }, v.sha256)],
        [t('common.when'), (v) => when(v.at)],
        [t('common.by'), (v) => h('span', { class: 'nowrap' }, v.by)],
        [t('common.note'), (v) => h('span', { class: 'multiline' }, v.note || '')],
        [t('common.download'), (v) => h('a', {
          class: 'nowrap',
          href: url(`/evidence/${encodeURIComponent(id)}/content`, { version: v.version }), download: true,
          'aria-label': t('evidence.download_version', { n: v.version }),
        }, t('common.download'))],
      ], versions.slice().reverse(), { caption: t('evidence.versions_caption') }));

    // --- a new version ---
    if (destroyed) {
      root.append(notice([t('evidence.destroyed'), ' ', when(destroyed)], 'warn'));
    } else {
      const form = evidenceForm({
        heading: t('evidence.new_version'),
        button: t('evidence.upload_version'),
        cancelled: t('evidence.cancelled_version'),
        send: (bar, f, note) => sendFile(bar, 'PUT', `/evidence/${encodeURIComponent(id)}`, f,
          { filename: f.name, note }),
        sent: (out, status) => {
          status.append(notice(t('evidence.version_added', { n: out.versions.length }), 'ok'));
          again();
        },
      });
      root.append(form);
    }

    // --- custody ---
    const action = select(ACTIONS.map((a) => [a, t(`custody.${a}`)]), 'received');
    const cnote = h('input', { maxlength: '2000' });
    const cstatus = h('div', { 'aria-live': 'polite' });
    const cform = h('form', {
      class: 'toolbar custody-form',
      'aria-label': t('evidence.custody_add'),
      onsubmit: async (e) => {
        e.preventDefault();
        clearErrors(cform);
        clear(cstatus);
        try {
          await api.post(`/evidence/${encodeURIComponent(id)}/custody`,
            { action: action.value, note: cnote.value.trim() || undefined });
          again();
        } catch (err) {
          if (!(err.field && fieldError(cform, err.field, err.message))) cstatus.append(notice(err.message));
        }
      },
    },
    field(t('evidence.action'), action, { name: 'action' }),
    field(t('common.note'), cnote, { name: 'note' }),
    h('button', { type: 'submit', class: 'primary' }, t('evidence.custody_submit')));
    root.append(h('h2', {}, t('evidence.custody')),
      table([
        [t('common.when'), (c) => when(c.at)],
        [t('evidence.action'), (c) => t(`custody.${c.action}`, {}, c.action)],
        [t('common.by'), (c) => h('span', { class: 'nowrap' }, c.by)],
        [t('common.note'), (c) => h('span', { class: 'multiline' }, c.note || '')],
      ], (rec.custody || []).slice().reverse(), { empty: t('evidence.no_custody_events'), caption: t('evidence.custody_caption') }),
      h('h3', {}, t('evidence.custody_add')), cform, cstatus);
  },
};
