// case-print.js - #/cases/C-n/print: the case for the file, as plain
// tables: its facts, seizures, entities, links, alerts, evidence (with
// each file's SHA-256) and its whole history, with who printed it and
// when. The print stylesheet drops the header and the buttons.
//
// API: as the case page (parts/case-data.js), the history up to 1,000
// entries, and GET /api/v1/evidence?where=case=C-n.
import { all } from '../api.js';
import { h, when, table, badge } from '../dom.js';
import { t } from '../i18n.js';
import { href } from '../router.js';
import { loadCase, seizureTable, linkTable, alertTable, caseFacts, country, quantity, money, RELATED_MAX } from '../parts/case-data.js';
import { opLabel } from '../parts/history.js';

const HISTORY_MAX = 1000;

function identifiers(e) {
  return Object.entries(e.identifiers || {}).map(([k, v]) => `${t(`forms.ident_${k}`, {}, k)}: ${v}`).join('; ');
}

function fileSize(n) {
  return n === undefined || n === null ? '' : t('case.bytes', { n: Number(n).toLocaleString() });
}

export default {
  async render(root, { params, me }) {
    const id = params.id;
    const [d, evidence] = await Promise.all([
      loadCase(id, { history: HISTORY_MAX }),
      all('/evidence', { where: `case=${id}` }, 1000),
    ]);
    const c = d.rec;
    const printed = new Date().toISOString();
    const part = (title, body) => h('section', { class: 'print-part' }, h('h2', {}, title), body);

    root.append(h('article', { class: 'print-view' },
      h('div', { class: 'actions no-print' },
        h('button', { type: 'button', class: 'primary', onclick: () => window.print() }, t('common.print')),
        h('a', { class: 'button', href: href(`cases/${id}`) }, t('case.back'))),
      h('h1', {}, h('span', { class: 'mono' }, c.id), ' · ', h('span', { class: 'bidi' }, c.title)),
      h('p', { class: 'print-meta' }, t('case.printed', { user: me.user }), ' ', when(printed), ' · ',
        t('kind.case'), ' ', c.id, ', ', t('case.version_n', { v: c.version }), ' · ', badge('tlp', c.tlp)),
      part(t('case.summary'), caseFacts(c, { rows: true })),
      part(`${t('kinds.seizure')} (${d.seizures.length})`, table([
        [t('common.id'), (s) => h('span', { class: 'nowrap' }, s.id)],
        [t('record.occurred_at'), (s) => when(s.occurred_at)],
        [t('record.goods'), (s) => [
          h('strong', {}, t(`category.${s.commodity?.category}`, {}, s.commodity?.category || '')),
          s.commodity?.description ? [h('br'), h('span', { class: 'bidi' }, s.commodity.description)] : null,
          s.commodity?.species ? [h('br'), h('i', { class: 'bidi' }, s.commodity.species)] : null]],
        [t('case.amounts'), (s) => [h('span', { class: 'nowrap' }, quantity(s.quantity)),
          s.value ? [h('br'), h('span', { class: 'nowrap' }, money(s.value))] : null]],
        [t('record.place'), (s) => [h('span', { class: 'bidi' }, [s.location?.place, s.location?.office]
          .filter(Boolean).join(', ')), s.location?.country ? [h('br'), country(s.location.country)] : null]],
        [t('case.how'), (s) => [t(`method.${s.concealment?.method}`, {}, s.concealment?.method || ''),
          s.detection ? [h('br'), t(`detection.${s.detection}`, {}, s.detection)] : null]],
      ], d.seizures, { empty: t('case.no_seizures') })),
      d.partial ? h('p', {}, t('case.partial', { n: RELATED_MAX })) : null,
      part(`${t('kinds.entity')} (${d.entities.length})`, table([
        [t('common.id'), (e) => e.id],
        [t('record.entity_type'), (e) => t(`entity_type.${e.type}`, {}, e.type)],
        [t('record.name'), (e) => h('span', { class: 'bidi' }, e.name)],
        [t('record.aliases'), (e) => h('span', { class: 'bidi' }, (e.aliases || []).join('; '))],
        [t('record.country'), (e) => country(e.country || e.nationality)],
        [t('record.identifiers'), (e) => h('span', { class: 'bidi' }, identifiers(e))],
      ], d.entities, { empty: t('case.no_entities') })),
      part(`${t('kinds.link')} (${d.links.length})`, linkTable(d.links, d.names, { plain: true })),
      part(`${t('kinds.alert')} (${d.alerts.length})`, alertTable(d.alerts, { plain: true })),
      part(`${t('kinds.evidence')} (${evidence.length})`, table([
        [t('common.id'), (v) => v.id],
        [t('case.file'), (v) => h('span', { class: 'bidi' }, v.filename)],
        [t('case.size'), (v) => fileSize(v.size)],
        [t('case.sha256'), (v) => h('span', { class: 'mono hash' }, v.sha256)],
        [t('case.versions'), (v) => String((v.versions || []).length)],
        [t('case.custody'), (v) => {
          const last = (v.custody || []).at(-1);
          return last ? [t(`custody.${last.action}`, {}, last.action), ' ', when(last.at), ' ', last.by] : '';
        }],
      ], evidence, { empty: t('case.no_evidence') })),
      part(t('case.history'), table([
        [t('common.when'), (e) => when(e.at)],
        [t('common.user'), (e) => h('span', { class: 'bidi' }, e.user)],
        [t('common.what'), (e) => opLabel(e.op)],
        [t('common.record'), (e) => e.id],
        [t('common.version'), (e) => (e.version ? String(e.version) : '')],
        [t('common.note'), (e) => h('span', { class: 'bidi' }, e.note || '')],
      ], d.history, { empty: t('audit.no_history') })),
      d.historyNext ? h('p', {}, t('case.history_cut', { n: HISTORY_MAX })) : null));
  },
};
