// The dashboard's only door to the server: the API key kept for this browser
// tab (sessionStorage, gone when the tab closes) and a fetch wrapper for the
// /v1 routes of docs/API.md.
//
// api(method, path, body) resolves to the parsed JSON answer or rejects with an
// ApiError carrying the HTTP status and the stable error code of the server's
// {"error":{"code","message"}} body. A 401 forgets the key and, on any page
// but the sign-in page, goes back to it.

const KEY_SLOT = 'evenhand.key';

export function getKey() {
  return sessionStorage.getItem(KEY_SLOT) || '';
}

export function setKey(key) {
  sessionStorage.setItem(KEY_SLOT, key);
}

export function forgetKey() {
  sessionStorage.removeItem(KEY_SLOT);
}

export class ApiError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

// `path` is relative to the site root ("/v1/orders"); the dashboard is served
// from the root of the same origin as the API.
export async function api(method, path, body, key = getKey()) {
  const headers = { Accept: 'application/json' };
  if (key) headers.Authorization = `Bearer ${key}`;
  const init = { method, headers };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, 'network', `The server did not answer (${e.message}).`);
  }
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!response.ok) {
    const err = (data && data.error) || {};
    if (response.status === 401) {
      forgetKey();
      // A key revoked while a page is open: back to the sign-in page, which says why.
      if (!document.body.classList.contains('login-page')) location.replace('index.html?reason=expired');
    }
    throw new ApiError(response.status, err.code || `http_${response.status}`,
        err.message || `The server answered ${response.status} ${response.statusText}.`);
  }
  return data;
}

// Query string from an object, leaving out empty values.
export function query(params) {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

// The same door for media bytes (GET /v1/items/{id}/media/{n}, POST .../reveal):
// resolves to a Blob, rejects with an ApiError as api() does.
export async function apiBlob(method, path, body, key = getKey()) {
  const headers = {};
  if (key) headers.Authorization = `Bearer ${key}`;
  const init = { method, headers };
  if (body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch(path, init);
  } catch (e) {
    throw new ApiError(0, 'network', `The server did not answer (${e.message}).`);
  }
  if (!response.ok) {
    let err = {};
    try {
      err = (await response.json()).error || {};
    } catch {
      // not JSON
    }
    throw new ApiError(response.status, err.code || `http_${response.status}`,
        err.message || `The server answered ${response.status} ${response.statusText}.`);
  }
  return response.blob();
}
