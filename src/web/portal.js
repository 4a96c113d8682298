// authlens portal: a small dependency-free client of the /api/v1 routes.
// Everything shown comes from the API the same user could call with curl.
import { $, api, current, h, text } from './lib.js';
import { PAGES } from './pages/index.js';

let session = null; // { tenant, id, role, csrfToken }
let catalog = [];
let reportingEnabled = true;

function show(id) {
  for (const s of ['login', 'password', 'report', 'home', 'page']) $(`#${s}`).hidden = s !== id;
}

/**
 * A report or page opened from the navigation starts at its top, and its
 * heading takes the focus, so the new view is what the eye and a screen
 * reader meet (the sidebar's lower links left the window scrolled down).
 */
function arrive(heading) {
  window.scrollTo(0, 0);
  heading.setAttribute('tabindex', '-1');
  heading.focus({ preventScroll: true });
}

/** The badge of a locked report: the edition it needs ('rms' is the Premium edition with the RMS add-on, not an edition of its own). */
const EDITION_BADGES = { basic: 'Basic', premium: 'Premium', rms: 'Premium + RMS' };

const SECTION_ORDER = ['anomalous activity', 'activity logs', 'integrated applications', 'rights management', 'user-specific'];

function renderNav() {
  const nav = $('#nav');
  nav.replaceChildren();
  const bySection = new Map();
  for (const r of catalog) {
    if (!bySection.has(r.section)) bySection.set(r.section, []);
    bySection.get(r.section).push(r);
  }
  const sections = [...bySection.keys()].sort((a, b) => SECTION_ORDER.indexOf(a) - SECTION_ORDER.indexOf(b));
  for (const section of sections) {
    const list = h('ul');
    for (const r of bySection.get(section)) {
      const link = h('a', { href: `#/report/${r.id}`, class: r.locked ? 'locked' : undefined, 'data-report': r.id }, r.title);
      if (r.locked) link.append(h('span', { class: 'lock', title: r.lockedMessage || '' }, EDITION_BADGES[r.edition] || r.edition));
      list.append(h('li', {}, link));
    }
    nav.append(h('h2', {}, section[0].toUpperCase() + section.slice(1)), list);
  }
  const pages = PAGES.filter((p) => !p.roles || p.roles.includes(session.role));
  if (pages.length > 0) {
    const list = h('ul');
    for (const p of pages) list.append(h('li', {}, h('a', { href: `#/page/${p.id}`, 'data-page': p.id }, p.title)));
    nav.append(h('h2', {}, 'Manage'), list);
  }
  nav.hidden = false;
}

let pageRun = 0;
/** Opens one of PAGES: a fresh container each time, so a late answer of the page left cannot write into this one. */
async function openPage(id) {
  const page = PAGES.find((p) => p.id === id && (!p.roles || p.roles.includes(session.role)));
  if (!page) return show('home');
  for (const a of document.querySelectorAll('nav a')) a.removeAttribute('aria-current');
  document.querySelector(`nav a[data-page="${id}"]`)?.setAttribute('aria-current', 'page');
  const run = ++pageRun;
  const container = h('div', { class: 'page-body' });
  $('#page').replaceChildren(h('h1', { id: 'page-title' }, page.title), container);
  show('page');
  arrive($('#page-title'));
  try {
    await page.render(container);
  } catch (err) {
    if (run === pageRun) container.replaceChildren(h('p', { class: 'error', role: 'alert' }, err.message));
  }
}

/** A nested evidence value on one line: "city: Manchester, countryCode: GB, ..." (arrays item by item). */
function compact(v) {
  if (Array.isArray(v)) return v.map(compact).join('; ');
  if (v === null || typeof v !== 'object') return String(v);
  // An IP list match reads "demo-tor-exits (anonymizer)", not "list: demo-tor-exits, category: anonymizer".
  if (typeof v.list === 'string' && typeof v.category === 'string' && Object.keys(v).length === 2) return `${v.list} (${v.category})`;
  return Object.entries(v).map(([k, x]) => `${k}: ${typeof x === 'object' && x !== null ? JSON.stringify(x) : x}`).join(', ');
}

/** Evidence and other JSON cells: a compact "key: value" list, nested values inline. */
function jsonCell(value) {
  let v = value;
  if (typeof v === 'string') {
    try { v = JSON.parse(v); } catch { return v; }
  }
  if (Array.isArray(v)) {
    // Contributing detections and the like: one line each, the id left to downloads.
    const items = h('ul', { class: 'kv' });
    for (const x of v) {
      const shown = x !== null && typeof x === 'object' && !Array.isArray(x) ? { ...x } : { value: x };
      delete shown.id;
      items.append(h('li', {}, compact(shown)));
    }
    return items;
  }
  if (v === null || typeof v !== 'object') return h('code', {}, JSON.stringify(v));
  const list = h('ul', { class: 'kv' });
  for (const [k, x] of Object.entries(v)) {
    const shown = typeof x === 'object' && x !== null ? compact(x) : String(x);
    list.append(h('li', {}, h('span', { class: 'k' }, `${k}: `), shown.length > 160 ? `${shown.slice(0, 160)}…` : shown));
  }
  return list;
}

/** Columns the portal leaves to downloads and the API. */
const HIDDEN_COLUMNS = new Set(['detectionId', 'logOnly']);

function cell(value, type) {
  if (value === null || value === undefined) return '';
  if (type === 'json' || typeof value === 'object') return jsonCell(value);
  if (type === 'datetime' && typeof value === 'string') return value.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  return String(value);
}

function renderChart(rows) {
  // Application dashboard: cumulative sign-ins over the interval as a line.
  const points = rows
    .map((r) => ({ t: Date.parse(r.bucketStart ?? r.time ?? r.date ?? ''), v: Number(r.cumulativeSignIns ?? r.cumulative ?? r.count ?? 0) }))
    .filter((p) => Number.isFinite(p.t))
    .sort((a, b) => a.t - b.t);
  const box = $('#chart');
  box.replaceChildren();
  if (points.length < 2) return;
  const W = 900, H = 260, P = 36;
  const t0 = points[0].t, t1 = points[points.length - 1].t;
  const vmax = Math.max(...points.map((p) => p.v), 1);
  const x = (t) => P + ((t - t0) / Math.max(t1 - t0, 1)) * (W - 2 * P);
  const y = (v) => H - P - (v / vmax) * (H - 2 * P);
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('viewBox', `0 0 ${W} ${H}`);
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', `Cumulative sign-ins, from 0 to ${vmax}`);
  const path = document.createElementNS(ns, 'path');
  path.setAttribute('d', points.map((p, i) => `${i ? 'L' : 'M'}${x(p.t).toFixed(1)},${y(p.v).toFixed(1)}`).join(' '));
  path.setAttribute('fill', 'none');
  path.setAttribute('stroke', '#0b5cad');
  path.setAttribute('stroke-width', '2');
  const axis = document.createElementNS(ns, 'path');
  axis.setAttribute('d', `M${P},${P / 2} V${H - P} H${W - P / 2}`);
  axis.setAttribute('stroke', '#57606a');
  axis.setAttribute('fill', 'none');
  const label = (tx, ty, s, anchor = 'start') => {
    const t = document.createElementNS(ns, 'text');
    t.setAttribute('x', tx); t.setAttribute('y', ty); t.setAttribute('font-size', '11'); t.setAttribute('text-anchor', anchor);
    t.textContent = s;
    return t;
  };
  svg.append(axis, path, label(P, H - 12, new Date(t0).toISOString().slice(0, 10)), label(W - P, H - 12, new Date(t1).toISOString().slice(0, 10), 'end'), label(P + 4, P / 2 + 10, `${vmax.toLocaleString()} sign-ins`));
  box.append(svg);
}

/** The filters a report may declare (catalog `filters`), each with its field in the controls. */
const FILTERS = ['user', 'app', 'category', 'activity', 'initiator', 'target', 'result'];

/** A named interval, or a custom range (SPEC 5: up to the retention; times without an offset are UTC to the API). */
function reportQuery(form, extra = {}) {
  const q = new URLSearchParams();
  const data = new FormData(form);
  const interval = data.get('interval') || '7d';
  if (interval === 'custom') {
    for (const k of ['from', 'to']) {
      const v = String(data.get(k) || '').trim();
      if (v) q.set(k, v);
    }
  } else q.set('interval', interval);
  for (const k of FILTERS) {
    const v = String(data.get(k) || '').trim();
    if (v && !$(`#${k}-filter`).hidden) q.set(k, v);
  }
  for (const [k, v] of Object.entries(extra)) q.set(k, v);
  return q;
}

function showRangeFields() {
  const custom = $('#report-controls').elements.interval.value === 'custom';
  $('#from-field').hidden = !custom;
  $('#to-field').hidden = !custom;
}

/** "2026-11-20 10:00" from an ISO time, for the status line. */
const shortTime = (iso) => String(iso || '').replace('T', ' ').slice(0, 16);

// Each run takes a number; an answer that arrives after a newer run started (another report, another interval) is dropped.
let latestRun = 0;
async function runReport(def) {
  const run = ++latestRun;
  const form = $('#report-controls');
  const status = $('#report-status');
  const table = $('#report-table');
  const base = `/api/v1/tenants/${encodeURIComponent(session.tenant)}/reports/${def.id}`;
  // Download offers what the table shows: only after a run that answered (else the link opened a raw JSON error).
  $('#download').hidden = true;
  $('#download').href = `${base}/download?${reportQuery(form).toString()}`;
  table.replaceChildren();
  $('#chart').replaceChildren();
  const given = new FormData(form);
  if (def.requiresUser && !String(given.get('user') || '').trim()) {
    text(status, 'Enter a user (UPN) to run this report.');
    return;
  }
  if (def.requiresApp && !String(given.get('app') || '').trim()) {
    text(status, 'Enter an application to run this report.');
    return;
  }
  if (given.get('interval') === 'custom' && !String(given.get('from') || '').trim()) {
    text(status, 'Enter the start of the custom range (From).');
    return;
  }
  text(status, 'Running…');
  try {
    const view = await api(`${base}?${reportQuery(form, { view: 'portal' }).toString()}`);
    if (run !== latestRun) return;
    const rows = view.rows || [];
    const all = def.columns && def.columns.length ? def.columns : Object.keys(rows[0] || {}).map((n) => ({ name: n, title: n }));
    const columns = all.filter((c) => !HIDDEN_COLUMNS.has(c.name));
    // Anomaly rows carry a detectionId; only a global admin may ignore (the API checks the licence too).
    // A per-user row without one (users with anomalous activity before any D7 record) has nothing to ignore: no box,
    // else ticking it and pressing Ignore did nothing at all.
    const selectable =
      def.section === 'anomalous activity' && all.some((c) => c.name === 'detectionId') && session.role === 'global-admin' && rows.some((r) => r.detectionId);
    const head = h('tr');
    if (selectable) head.append(h('th', { scope: 'col' }, h('span', { class: 'skip' }, 'Select')));
    for (const c of columns) head.append(h('th', { scope: 'col' }, c.title));
    const body = h('tbody');
    for (const r of rows) {
      const tr = h('tr', { class: r.severity ? `sev-${r.severity}` : undefined });
      if (selectable) {
        tr.append(
          h('td', {}, r.detectionId ? h('input', { type: 'checkbox', 'aria-label': `Select ${r.signInId || r.userPrincipalName || r.detectionId}`, 'data-id': r.detectionId, onchange: updateIgnore }) : ''),
        );
      }
      for (const c of columns) tr.append(h('td', {}, cell(r[c.name], c.type)));
      body.append(tr);
    }
    table.replaceChildren(h('thead', {}, head), body);
    $('#ignore').hidden = !selectable;
    updateIgnore();
    // Filters stay filled from one report to the next (a user from Devices to Activity): say which ones narrowed this answer.
    const asked = reportQuery(form);
    const filtered = FILTERS.filter((k) => asked.has(k)).map((k) => `${k} ${asked.get(k)}`);
    text(
      status,
      `${view.total.toLocaleString()} rows${view.truncated ? `; showing the newest ${rows.length.toLocaleString()}` : ''}, ${shortTime(view.from)} to ${shortTime(view.to)} UTC${filtered.length ? `; filtered by ${filtered.join(', ')}` : ''}.`,
    );
    $('#download').hidden = false;
    if (def.id === 'application-dashboard') renderChart(rows);
  } catch (err) {
    if (run === latestRun) text(status, err.message);
  }
}

function updateIgnore() {
  const n = document.querySelectorAll('#report-table input[type=checkbox]:checked').length;
  const b = $('#ignore');
  b.disabled = n === 0;
  b.textContent = n ? `Ignore ${n} selected` : 'Ignore selected';
}

async function ignoreSelected(def) {
  const ids = [...document.querySelectorAll('#report-table input[type=checkbox]:checked')].map((i) => i.dataset.id).filter(Boolean);
  if (!ids.length) return;
  const status = $('#report-status');
  try {
    await api(`/api/v1/tenants/${encodeURIComponent(session.tenant)}/reports/${def.id}/ignore`, { method: 'POST', body: JSON.stringify({ detectionIds: ids }) });
    await runReport(def);
    text(status, `${ids.length} ignored. ${status.textContent}`);
  } catch (err) {
    text(status, err.message);
  }
}

let currentDef = null;
function openReport(id) {
  const def = catalog.find((r) => r.id === id);
  if (!def) return show('home');
  currentDef = def;
  for (const a of document.querySelectorAll('nav a')) a.toggleAttribute('aria-current', a.dataset.report === id);
  document.querySelector(`nav a[data-report="${id}"]`)?.setAttribute('aria-current', 'page');
  text($('#report-title'), def.title);
  text($('#report-description'), def.description);
  for (const k of FILTERS) $(`#${k}-filter`).hidden = !(def.filters || []).includes(k);
  if (def.requiresUser) $('#user-filter').hidden = false;
  if (def.requiresApp) $('#app-filter').hidden = false;
  // Only anomaly reports can ignore rows; runReport settles it once the columns are known.
  $('#ignore').hidden = def.section !== 'anomalous activity' || session.role !== 'global-admin';
  // A locked report has nothing to run or download: both would only answer editionRequired (runReport shows Download once it answered).
  $('#run').hidden = def.locked;
  $('#download').hidden = true;
  show('report');
  arrive($('#report-title'));
  if (def.locked) {
    latestRun++;
    $('#report-table').replaceChildren();
    $('#chart').replaceChildren();
    $('#ignore').hidden = true;
    const why = def.lockedMessage || `the report needs the ${def.edition} edition`;
    text($('#report-status'), `Locked: ${why}; this directory does not include it.`);
    return;
  }
  void runReport(def);
}

function route() {
  if (!session) return;
  const m = /^#\/report\/([a-z0-9-]+)/.exec(location.hash);
  const p = /^#\/page\/([a-z0-9-]+)/.exec(location.hash);
  if (m) openReport(m[1]);
  else if (p) void openPage(p[1]);
  else show('home');
}

async function enter(who) {
  session = who;
  current.session = who;
  text($('#who'), `${who.id} · ${who.tenant} · ${who.role}`);
  $('#signout').hidden = false;
  if (who.mustChangePassword) {
    // The API answers nothing else until the one-time password is replaced.
    $('#nav').hidden = true;
    $('#password-form').elements.username.value = who.id;
    show('password');
    $('#password-form').elements.currentPassword.focus();
    return;
  }
  try {
    const c = await api(`/api/v1/tenants/${encodeURIComponent(who.tenant)}/reports`);
    catalog = Array.isArray(c) ? c : c.value || c.reports || [];
    reportingEnabled = c.reportingEnabled !== false;
  } catch (err) {
    catalog = [];
    show('home');
    text($('#home-text'), err.message);
    return;
  }
  renderNav();
  showOptIn();
  route();
}

/** SPEC 3: before opt-in every report answers "not enabled"; say so on the start page, and let a global admin opt in here. */
function showOptIn() {
  const box = $('#opt-in');
  box.hidden = reportingEnabled;
  $('#opt-in-button').hidden = session.role !== 'global-admin';
  text($('#opt-in-error'), '');
}

async function optIn() {
  try {
    await api(`/api/v1/tenants/${encodeURIComponent(session.tenant)}/opt-in`, { method: 'POST', body: JSON.stringify({}) });
    await enter(session);
  } catch (err) {
    text($('#opt-in-error'), err.message);
  }
}

async function boot() {
  $('#login-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const data = new FormData(e.target);
    try {
      const s = await api('/api/v1/session', { method: 'POST', body: JSON.stringify({ tenant: data.get('tenant'), upn: data.get('upn'), password: data.get('password') }) });
      await enter({ tenant: s.tenant, id: s.upn, role: s.role, csrfToken: s.csrfToken, mustChangePassword: s.mustChangePassword });
    } catch (err) {
      text($('#login-error'), err.message);
    }
  });
  $('#password-form').addEventListener('submit', async (e) => {
    e.preventDefault();
    const data = new FormData(e.target);
    if (data.get('newPassword') !== data.get('repeat')) {
      text($('#password-error'), 'The two new passwords differ.');
      return;
    }
    try {
      await api('/api/v1/session/password', { method: 'POST', body: JSON.stringify({ currentPassword: data.get('currentPassword'), newPassword: data.get('newPassword') }) });
      e.target.reset();
      text($('#password-error'), '');
      await enter({ ...session, mustChangePassword: false });
    } catch (err) {
      text($('#password-error'), err.message);
    }
  });
  $('#signout').addEventListener('click', async () => {
    try { await api('/api/v1/session', { method: 'DELETE' }); } catch { /* signed out either way */ }
    location.hash = '';
    location.reload();
  });
  $('#report-controls').addEventListener('submit', (e) => {
    e.preventDefault();
    if (currentDef && !currentDef.locked) void runReport(currentDef);
  });
  $('#ignore').addEventListener('click', () => currentDef && ignoreSelected(currentDef));
  $('#opt-in-button').addEventListener('click', () => void optIn());
  $('#report-controls').elements.interval.addEventListener('change', showRangeFields);
  window.addEventListener('hashchange', route);
  try {
    const who = await api('/api/v1/session');
    await enter(who);
  } catch {
    show('login');
    $('#nav').hidden = true;
  }
}

void boot();
