// import.js - #/import: a JSON Lines or CSV file sent with a progress bar,
// then imported on the server while the screen follows it; the outcome
// (what was created, or every bad line with its number and reason, and
// nothing imported); and the last imports.
//
// API: POST /api/v1/imports?format=…&filename=… (the file as the body:
// 202 and a job), GET /api/v1/imports/job-… (polled until it ends), GET
// /api/v1/imports (the last ones).
import { api } from '../api.js';
import { h, append, clear, when, table, field, select, notice, num } from '../dom.js';
import { t } from '../i18n.js';
import { fileSize, progressBar, sendFile } from '../parts/upload.js';

// The job is asked about after 250 ms, then less often, up to every 2 s.
const POLL_FIRST = 250;
const POLL_MAX = 2000;
const LAST = 20;
// The API counts by plural; the labels are by kind.
const KIND_OF = { cases: 'case', seizures: 'seizure', entities: 'entity', routes: 'route', links: 'link',
  evidence: 'evidence', alerts: 'alert' };

// The format a file's name says: .csv is CSV, anything else JSON Lines
// (as on the server and the command line).
export function formatOf(name) {
  return /\.csv$/i.test(name || '') ? 'csv' : 'jsonl';
}

function kindLabel(plural) {
  return KIND_OF[plural] ? t(`kinds.${KIND_OF[plural]}`) : plural;
}

// "Cases: 2, Seizures: 14" from {"cases": 2, "seizures": 14}.
function counts(created) {
  const parts = Object.entries(created || {}).filter(([, n]) => n > 0)
    .map(([k, n]) => `${kindLabel(k)}: ${num(n)}`);
  return parts.length ? parts.join(', ') : t('import.nothing_created');
}

function lastImports(items) {
  return table([
    [t('common.when'), (i) => when(i.at)],
    [t('common.by'), (i) => h('span', { class: 'nowrap' }, i.by)],
    [t('import.filename'), (i) => (i.filename === null || i.filename === undefined
      ? h('span', { class: 'muted' }, t('import.no_name'))
      : h('span', { class: 'bidi filename' }, i.filename))],
    [t('import.format'), (i) => t(`import.format_${i.format}`, {}, i.format)],
    [t('import.created'), (i) => (i.status === 'done' ? counts(i.created)
      : i.status === 'failed' ? (i.errors ? t(i.errors === 1 ? 'import.n_bad_one' : 'import.n_bad', { n: num(i.errors) })
        : i.error || '') : '')],
    [t('common.status'), (i) => h('span', { class: `badge import-${i.status}` },
      t(`import.status_${i.status}`, {}, i.status))],
  ], items, { empty: t('import.none_yet'), caption: t('import.last_caption') });
}

// Poll the job until it ends, drawing each state; null if the user left.
async function follow(job, draw, stale) {
  let wait = POLL_FIRST;
  while (job.status === 'running') {
    draw(job);
    await new Promise((resolve) => { setTimeout(resolve, wait); });
    wait = Math.min(POLL_MAX, Math.round(wait * 1.5));
    if (stale()) return null;
    job = await api.get(`/imports/${encodeURIComponent(job.job)}`);
  }
  return job;
}

export default {
  async render(root, { stale }) {
    const last = await api.get('/imports', { limit: LAST });
    const lastBox = h('div', {}, lastImports(last.items));

    const file = h('input', { type: 'file', required: true,
      accept: '.jsonl,.ndjson,.json,.csv,.txt,text/csv,application/json' });
    const format = select([['jsonl', t('import.format_jsonl')], ['csv', t('import.format_csv')]], 'jsonl');
    const submit = h('button', { type: 'submit', class: 'primary' }, t('import.submit'));
    const upBar = progressBar(t('import.upload_progress'));
    // The job's phase: bytes of the file read, index entries written,
    // records the rules have seen.
    let phase = 'reading';
    const runBar = progressBar(t('import.import_progress'), (done, total, pct) =>
      t(`import.phase_${phase}_of`, {
        done: phase === 'reading' ? fileSize(done) : num(done),
        total: phase === 'reading' ? fileSize(total) : num(total), pct }));
    const draw = (job) => {
      phase = job.phase || 'waiting';
      if (!job.total || !['reading', 'indexing', 'rules'].includes(phase)) runBar.busy(t(`import.phase_${phase}`));
      else runBar.set(job.done, job.total);
    };
    const result = h('div', { class: 'import-result', 'aria-live': 'polite' });
    // The extension chooses the format; the select can say otherwise.
    file.addEventListener('change', () => { if (file.files[0]) format.value = formatOf(file.files[0].name); });

    function showResult(job) {
      if (job.status === 'done') {
        const rows = Object.entries(job.created || {}).filter(([, n]) => n > 0);
        result.append(
          notice(t('import.done', { what: counts(job.created) }), 'ok'),
          table([
            [t('import.kind'), ([k]) => kindLabel(k)],
            [t('common.count'), ([, n]) => num(n)],
          ], rows, { caption: t('import.created_caption'), empty: t('import.nothing_created') }));
        return;
      }
      const bad = job.bad_lines || [];
      if (!bad.length) {
        result.append(notice([t('import.failed'), ' ', job.error || ''], 'error'));
        return;
      }
      append(result, [
        notice(t(job.errors === 1 ? 'import.bad_one' : 'import.bad', { n: num(job.errors) }), 'error'),
        table([
          [t('import.line'), (b) => num(b.line)],
          [t('import.field'), (b) => (b.field ? h('code', {}, b.field) : '—')],
          [t('import.reason'), (b) => h('span', { class: 'bidi' }, b.message)],
        ], bad, { caption: t('import.bad_caption') }),
        job.bad_lines_more ? h('p', { class: 'muted' }, t('import.bad_more', { n: num(job.bad_lines_more) })) : null]);
    }

    const form = h('form', {
      class: 'import-form',
      onsubmit: async (e) => {
        e.preventDefault();
        clear(result);
        upBar.hide();
        runBar.hide();
        const f = file.files[0];
        if (!f) return;
        submit.disabled = true;
        try {
          let job = await sendFile(upBar, 'POST', '/imports', f, { format: format.value, filename: f.name });
          job = await follow(job, draw, stale);
          if (!job) return;
          // The last imports first, so that the result and the list
          // holding it appear together.
          let last = null, failed = null;
          try {
            last = (await api.get('/imports', { limit: LAST })).items;
          } catch (err) {
            failed = err;
          }
          runBar.hide();
          showResult(job);
          if (last) clear(lastBox).append(lastImports(last));
          if (failed) throw failed;
        } catch (err) {
          if (err.code === 'aborted') {
            upBar.hide();
            result.append(notice(t('import.cancelled'), 'info'));
          } else {
            result.append(notice(err.status === 413 ? t('import.too_large') : err.message));
          }
        } finally {
          submit.disabled = false;
        }
      },
    },
    h('div', { class: 'grid' },
      field(t('import.file'), file, { name: 'file', hint: t('import.file_hint') }),
      field(t('import.format'), format, { name: 'format' })),
    h('div', { class: 'actions' }, submit),
    upBar.el, runBar.el);

    root.append(
      h('h1', {}, t('import.title')),
      h('p', { class: 'muted intro' }, t('import.intro')),
      form, result,
      h('h2', {}, t('import.last')),
      lastBox);
  },
};
