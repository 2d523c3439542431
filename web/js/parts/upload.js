// upload.js - sending a file with a progress bar a user can follow and
// stop: a <progress> (its aria-valuenow the percentage), the bytes sent
// of the total, and Cancel. The evidence panel, the evidence page and the
// import screen send their files through it.
import { upload } from '../api.js';
import { h, num, clear, field, notice, fieldError, clearErrors } from '../dom.js';
import { t } from '../i18n.js';

// "812 B", "4.2 kB", "312.5 MB", "1.4 GB": decimal units, as the
// command line prints them.
export function fileSize(n) {
  if (n === null || n === undefined) return '';
  const units = [[1e9, 'GB'], [1e6, 'MB'], [1e3, 'kB']];
  for (const [scale, unit] of units)
    if (n >= scale) return `${num(n / scale, { maximumFractionDigits: 1 })} ${unit}`;
  return `${num(n)} B`;
}

// A progress bar, hidden until it is first set. set(done, total) draws
// "DONE of TOTAL (P %)"; `describe` (optional) words it otherwise, as
// describe(done, total, percent) → text.
export function progressBar(label, describe) {
  const bar = h('progress', {
    max: '100', value: 0, 'aria-label': label,
    'aria-valuemin': '0', 'aria-valuemax': '100', 'aria-valuenow': '0',
  });
  const text = h('span', { class: 'progress-text' });
  const cancel = h('button', { type: 'button', hidden: true }, t('common.cancel'));
  const el = h('div', { class: 'progress-row', hidden: true }, bar, text, cancel);
  function set(done, total) {
    const pct = total > 0 ? Math.min(100, Math.floor((done * 100) / total)) : 0;
    el.hidden = false;
    bar.value = pct;
    bar.setAttribute('aria-valuenow', String(pct));
    bar.setAttribute('aria-valuetext', `${pct} %`);
    text.textContent = describe ? describe(done, total, pct)
      : t('evidence.sent', { done: fileSize(done), total: fileSize(total), pct });
  }
  // A bar whose end is not known yet (the store being written).
  function busy(words) {
    el.hidden = false;
    bar.removeAttribute('value');
    bar.removeAttribute('aria-valuenow');
    bar.setAttribute('aria-valuetext', words);
    text.textContent = words;
  }
  return { el, bar, text, cancel, set, busy, hide: () => { el.hidden = true; } };
}

// Send `file` as the body of METHOD PATH?PARAMS, drawing its progress in
// `p` (a progressBar) with its Cancel button live meanwhile. Resolves
// with the API's answer; rejects with ApiError (code 'aborted' when
// cancelled).
export async function sendFile(p, method, path, file, params) {
  const stop = new AbortController();
  p.cancel.hidden = false;
  p.cancel.onclick = () => stop.abort();
  p.set(0, file.size);
  try {
    const out = await upload(method, path, file, params, (sent, total) => p.set(sent, total), stop.signal);
    p.set(file.size, file.size);
    return out;
  } finally {
    p.cancel.hidden = true;
    p.cancel.onclick = null;
  }
}

// A form that sends one evidence file with its progress bar: a file
// input, a note, any `extra` fields, and a button. send(bar, file, note)
// → the API's answer; sent(out, status) says what came of it. A cancel,
// a file too large, or a field the API names are said in the form.
export function evidenceForm({ heading, button, extra = [], send, sent, cancelled }) {
  const file = h('input', { type: 'file', required: true });
  const note = h('input', { maxlength: '2000' });
  const bar = progressBar(t('evidence.progress'));
  const status = h('div', { 'aria-live': 'polite' });
  const submit = h('button', { type: 'submit', class: 'primary' }, button);
  const form = h('form', {
    class: 'evidence-upload',
    onsubmit: async (e) => {
      e.preventDefault();
      clearErrors(form);
      clear(status);
      const f = file.files[0];
      if (!f) return;
      submit.disabled = true;
      try {
        await sent(await send(bar, f, note.value.trim()), status, form);
      } catch (err) {
        if (err.code === 'aborted') {
          bar.hide();
          status.append(notice(cancelled, 'info'));
        } else if (!(err.field && fieldError(form, err.field, err.message))) {
          status.append(notice(err.status === 413 ? t('evidence.too_large') : err.message));
        }
      } finally {
        submit.disabled = false;
      }
    },
  },
  h('h3', {}, heading),
  h('div', { class: 'grid' },
    field(t('evidence.file'), file, { name: 'filename' }),
    field(t('common.note'), note, { name: 'note' })),
  extra,
  h('div', { class: 'actions' }, submit),
  bar.el,
  status);
  return form;
}
