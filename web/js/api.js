// api.js - the JSON API client: the session cookie travels by itself, the
// CSRF token goes with every change, errors become ApiError with the
// API's code, message and field, and a signed-out session sends the user
// back to the sign-in form.
import { t } from './i18n.js';

let csrf = null;

export function setCsrf(token) {
  csrf = token || null;
}

export class ApiError extends Error {
  constructor(status, body) {
    const e = (body && body.error) || {};
    super(e.message || t('error.http', { status }));
    this.status = status;
    this.code = e.code || 'http';
    this.field = e.field || null;
    this.body = body;
  }
}

function query(params) {
  if (!params) return '';
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === undefined || v === null || v === '') continue;
    for (const x of Array.isArray(v) ? v : [v]) q.append(k, x);
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

export function url(path, params) {
  return `/api/v1${path}${query(params)}`;
}

async function request(method, path, { params, json, body, type, version } = {}) {
  const headers = { Accept: 'application/json' };
  if (method !== 'GET' && csrf) headers['X-CSRF-Token'] = csrf;
  if (json !== undefined) {
    headers['Content-Type'] = type || 'application/json';
    body = JSON.stringify(json);
  } else if (type) {
    headers['Content-Type'] = type;
  }
  if (version !== undefined && version !== null) headers['If-Match'] = `"${version}"`;
  let res;
  try {
    res = await fetch(url(path, params), { method, headers, body, credentials: 'same-origin' });
  } catch {
    throw new ApiError(0, { error: { code: 'network', message: t('error.network') } });
  }
  const text = await res.text();
  let data = null;
  try { data = text ? JSON.parse(text) : null; } catch { data = null; }
  if (!res.ok) {
    if (res.status === 401 && path !== '/login')
      window.dispatchEvent(new CustomEvent('cordon:signed-out'));
    throw new ApiError(res.status, data);
  }
  return data;
}

export const api = {
  get: (path, params) => request('GET', path, { params }),
  post: (path, json, params) => request('POST', path, { json, params }),
  put: (path, body, type, params) => request('PUT', path, { body, type, params }),
  patch: (path, json, version) =>
    request('PATCH', path, { json, version, type: 'application/merge-patch+json' }),
  del: (path) => request('DELETE', path),
  postText: (path, body, type, params) => request('POST', path, { body, type, params }),
};

// Send a file as the request body, reporting progress: onprogress(sent,
// total). Resolves with the JSON answer; rejects with ApiError (code
// 'aborted' once `signal`, an AbortSignal, stops it).
export function upload(method, path, file, params, onprogress, signal) {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(method, url(path, params));
    const aborted = () => reject(new ApiError(0, { error: { code: 'aborted', message: t('error.aborted') } }));
    xhr.onabort = aborted;
    if (signal) {
      if (signal.aborted) return aborted();
      signal.addEventListener('abort', () => xhr.abort(), { once: true });
    }
    if (csrf) xhr.setRequestHeader('X-CSRF-Token', csrf);
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.upload.onprogress = (e) => onprogress && onprogress(e.loaded, e.lengthComputable ? e.total : file.size);
    xhr.onerror = () => reject(new ApiError(0, { error: { code: 'network', message: t('error.network') } }));
    xhr.onload = () => {
      let data = null;
      try { data = JSON.parse(xhr.responseText); } catch { data = null; }
      if (xhr.status >= 200 && xhr.status < 300) resolve(data);
      else reject(new ApiError(xhr.status, data));
    };
    xhr.send(file);
  });
}

// Every page of a list, up to `max` items.
export async function all(path, params = {}, max = 1000) {
  const items = [];
  let after;
  do {
    const page = await api.get(path, { ...params, after, limit: Math.min(1000, max - items.length) });
    items.push(...page.items);
    after = page.next;
  } while (after && items.length < max);
  return items;
}
