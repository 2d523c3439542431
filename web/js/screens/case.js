// case.js - #/cases/C-n: a case whole. Its title, status (changed here,
// with If-Match: a change made meanwhile by someone else is said and
// offers a reload), summary and facts; its seizures; the entities linked
// to it or to its seizures, by type; the links among them; the alerts
// naming any of them; its evidence (parts/evidence.js); and its history
// from the audit trail. Edit, new seizure, link, graph and print are one
// click away.
import { api, ApiError } from '../api.js';
import { h, idLink, badge, notice } from '../dom.js';
import { t } from '../i18n.js';
import { go, href } from '../router.js';
import { evidencePanel } from '../parts/evidence.js';
import { loadCase, byType, seizureTable, linkTable, alertTable, caseFacts, RELATED_MAX } from '../parts/case-data.js';
import { timeline } from '../parts/history.js';

const STATUSES = ['open', 'investigating', 'referred', 'prosecuted', 'closed'];

// What the last change on this page did, said once it is drawn again.
let flash = null;

function section(title, ...body) {
  return h('section', { class: 'panel', 'aria-label': title }, h('h2', {}, title), ...body);
}

function entityGroups(entities) {
  if (!entities.length) return h('p', { class: 'empty' }, t('case.no_entities'));
  return h('div', { class: 'entity-groups' }, byType(entities).map(([type, list]) =>
    h('div', { class: 'entity-group' },
      h('h3', {}, t(`entity_type.${type}`, {}, type), ' ', h('small', {}, `(${list.length})`)),
      h('ul', { class: 'plain' }, list.map((e) =>
        h('li', {}, idLink(e.id, h('span', { class: 'bidi' }, e.name)), ' ',
          h('small', { class: 'muted nowrap' }, e.id, e.country ? ` · ${e.country}` : null)))))));
}

export default {
  async render(root, ctx) {
    const id = ctx.params.id;
    const d = await loadCase(id);
    const c = d.rec;
    const said = flash;
    flash = null;

    const status = h('div', { class: 'case-status', 'aria-live': 'polite' },
      said ? notice(said, 'ok') : null);
    const buttons = STATUSES.filter((s) => s !== c.status).map((s) =>
      h('button', { type: 'button', onclick: () => setStatus(s) }, t(`case_status.${s}`)));

    async function setStatus(s) {
      for (const b of buttons) b.disabled = true;
      status.replaceChildren();
      try {
        await api.patch(`/cases/${encodeURIComponent(id)}`, { status: s }, c.version);
        flash = t('case.status_changed', { status: t(`case_status.${s}`) });
        go(ctx.path);
      } catch (err) {
        for (const b of buttons) b.disabled = false;
        if (!(err instanceof ApiError) || err.status !== 412) {
          status.append(notice(err.message));
          return;
        }
        let who = t('case.someone');
        try { who = (await api.get(`/cases/${encodeURIComponent(id)}`)).updated_by || who; } catch { /* said without a name */ }
        status.append(h('div', { class: 'notice warn conflict', role: 'alert' },
          h('p', {}, h('strong', {}, t('case.conflict', { user: who }))),
          h('p', {}, t('case.conflict_hint')),
          h('div', { class: 'actions' },
            h('button', { type: 'button', class: 'primary', onclick: () => go(ctx.path) }, t('common.reload')))));
      }
    }

    const panel = evidencePanel(id);
    root.append(
      h('h1', { class: 'bidi' }, c.title),
      h('p', { class: 'case-sub' }, badge('case_status', c.status), ' ', badge('tlp', c.tlp), ' ',
        h('span', { class: 'muted' }, t('kind.case'), ' ', h('span', { class: 'mono' }, c.id),
          c.office ? [' · ', h('span', { class: 'bidi' }, c.office)] : null)),
      h('nav', { class: 'actions', 'aria-label': t('case.actions') },
        h('a', { class: 'button primary', href: href(`edit/${id}`) }, t('common.edit')),
        h('a', { class: 'button', href: href('new/seizure', { case: id }) }, t('case.new_seizure')),
        h('a', { class: 'button', href: href('link', { from: id }) }, t('case.link')),
        h('a', { class: 'button', href: href(`graph/${id}`) }, t('case.graph')),
        h('a', { class: 'button', href: href(`cases/${id}/print`) }, t('common.print'))),
      h('div', { class: 'status-change', role: 'group', 'aria-label': t('case.change_status') },
        h('span', { class: 'muted' }, t('case.change_status')), buttons),
      status,
      h('div', { class: 'two-cols case-cols' },
        h('div', { class: 'case-main' },
          section(t('case.summary'), caseFacts(c)),
          section(`${t('kinds.seizure')} (${d.seizures.length})`, seizureTable(d.seizures)),
          d.partial ? notice(t('case.partial', { n: RELATED_MAX }), 'info') : null,
          section(`${t('kinds.entity')} (${d.entities.length})`, entityGroups(d.entities)),
          section(`${t('kinds.link')} (${d.links.length})`, linkTable(d.links, d.names)),
          section(`${t('kinds.alert')} (${d.alerts.length})`, alertTable(d.alerts)),
          panel),
        h('aside', { class: 'case-side' },
          section(t('case.history'),
            timeline(`/cases/${encodeURIComponent(id)}`, d.history, d.historyNext, { label: t('case.history') })))));
    await panel.ready;
  },
};
