// rules.js - #/rules: the analysts' rules: whether each is on, the kinds
// of record it runs on, how many errors it has had, its latest version;
// and a way to write a new one.
import { api } from '../api.js';
import { h, when, table, badge, num } from '../dom.js';
import { t } from '../i18n.js';
import { href } from '../router.js';

export default {
  async render(root) {
    const { items } = await api.get('/rules');
    root.append(
      h('div', { class: 'page-head' },
        h('h1', {}, t('rules.title')),
        h('a', { class: 'button primary', href: href('new/rule') }, t('rules.new'))),
      h('p', { class: 'muted' }, t('rules.intro')),
      table([
        [t('rules.name'), (r) => h('a', { href: href(`rules/${r.name}`), class: 'mono nowrap' }, r.name)],
        [t('rules.rule_title'), (r) => h('span', { class: 'bidi' }, r.title)],
        [t('rules.state'), (r) => badge('rule_state', r.enabled ? 'enabled' : 'disabled')],
        [t('rules.severity'), (r) => badge('severity', r.severity)],
        [t('rules.on'), (r) => h('span', { class: 'words' }, (r.on || []).map((k) => t(`kinds.${k}`, {}, k)).join(', '))],
        [t('rules.errors'), (r) => (r.error_count
          ? h('a', { href: href(`rules/${r.name}`), class: 'rule-errors',
            'aria-label': t('rules.errors_n', { n: num(r.error_count), name: r.name }) }, num(r.error_count))
          : num(0))],
        [t('rules.version'), (r) => [h('span', { class: 'nowrap' }, t('rules.version_n', { n: num(r.version) })),
          h('small', { class: 'block' }, when(r.updated_at), ' · ', r.updated_by)]],
      ], items, { empty: t('rules.empty'), caption: t('rules.caption') }));
  },
};
