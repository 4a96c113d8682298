// Helpers every portal script shares: the API client, DOM building, and the
// signed-in session (set by portal.js, read by the pages).
export const $ = (sel) => document.querySelector(sel);

/** { tenant, id, role, csrfToken } once signed in. */
export const current = { session: null };

export async function api(path, init = {}) {
  const headers = { accept: 'application/json', ...(init.headers || {}) };
  // JSON unless the caller says otherwise (an IP list is uploaded as text/plain).
  if (init.body !== undefined && !Object.keys(headers).some((k) => k.toLowerCase() === 'content-type')) headers['content-type'] = 'application/json';
  const session = current.session;
  if (session && session.csrfToken && init.method && init.method !== 'GET') headers['x-csrf-token'] = session.csrfToken;
  const res = await fetch(path, { credentials: 'same-origin', ...init, headers });
  const text = await res.text();
  const body = text ? JSON.parse(text) : null;
  if (!res.ok) {
    const err = new Error(body && body.error ? body.error.message : `HTTP ${res.status}`);
    err.status = res.status;
    err.code = body && body.error ? body.error.code : undefined;
    throw err;
  }
  return body;
}

/** The signed-in tenant's API path: tenantPath('keys') is /api/v1/tenants/{tenant}/keys. */
export function tenantPath(rest = '') {
  const base = `/api/v1/tenants/${encodeURIComponent(current.session.tenant)}`;
  return rest === '' ? base : `${base}/${rest}`;
}

/** "2026-11-20 10:00:05 UTC" from an ISO time; `none` when there is none. */
export function utcTime(iso, none = '') {
  if (!iso) return none;
  return `${String(iso).replace('T', ' ').replace(/(\.\d+)?Z$/, '')} UTC`;
}

/**
 * An API refusal in words a user can act on: the edition it needs, the role it
 * needs, or what could not be done. `action` is what the user tried, as a verb
 * phrase ("list the API keys", "see the risky users").
 */
export function refusal(err, action) {
  if (err && err.code === 'editionRequired') return `Not available in this directory's edition: ${err.message}.`;
  if (err && err.code === 'reportingNotEnabled') return `Not available yet: ${err.message}.`;
  if (err && err.status === 403) return `You may not ${action}: ${err.message}`;
  if (err && err.status === 503) return `Not available: ${err.message}`;
  if (err && err.status === 404) return `Not found: ${err.message}`;
  return `Could not ${action}: ${err && err.message ? err.message : String(err)}`;
}

export function text(el, value) {
  el.textContent = value == null ? '' : String(value);
  return el;
}

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') el.className = v;
    else if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : v);
  }
  for (const c of children) el.append(c instanceof Node ? c : document.createTextNode(c == null ? '' : String(c)));
  return el;
}
