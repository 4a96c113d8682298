// User page (SPEC 5 user-specific, SPEC 7): one user's risk, devices on a map
// and sign-in activity, from the user-devices and user-activity reports and
// /risky-users/{upn}. The map is drawn offline: Natural Earth outlines
// (world-atlas, served by the portal) in a plain equirectangular projection.
import { api, h, refusal, tenantPath, text, utcTime } from '../lib.js';
import { DETECTOR_TITLES, STATE_WORDS, hashParams, levelBadge } from './users-common.js';

const NS = 'http://www.w3.org/2000/svg';
const W = 960;
const LAT_TOP = 84;
const LAT_BOTTOM = -58;
const H = Math.round(((LAT_TOP - LAT_BOTTOM) / 360) * W);
const px = (lon) => ((lon + 180) / 360) * W;
const py = (lat) => ((LAT_TOP - lat) / 360) * W;

function svg(tag, attrs = {}, ...children) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) el.setAttribute(k, String(v));
  for (const c of children) el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return el;
}

/** TopoJSON (quantized, delta-encoded arcs) to one SVG path per country; Antarctica left out (cropped anyway). */
function countryPaths(topo) {
  const [sx, sy] = topo.transform.scale;
  const [tx, ty] = topo.transform.translate;
  const arcs = topo.arcs.map((arc) => {
    let x = 0;
    let y = 0;
    return arc.map(([dx, dy]) => {
      x += dx;
      y += dy;
      return [x * sx + tx, y * sy + ty];
    });
  });
  const path = (pts, shift) => `M${pts.map(([lon, lat]) => `${px(lon + shift).toFixed(1)},${py(lat).toFixed(1)}`).join('L')}Z`;
  const ring = (indexes) => {
    const pts = [];
    for (const i of indexes) {
      const a = (i < 0 ? [...arcs[~i]].reverse() : arcs[i]).map(([x, y]) => [x, y]);
      pts.push(...(pts.length ? a.slice(1) : a));
    }
    // A ring that crosses the antimeridian (eastern Russia, Fiji) would jump across the whole map: keep its
    // longitudes continuous, and draw it again a world to the left or right for the part beyond the edge.
    let last = pts[0][0];
    for (const p of pts) {
      while (p[0] - last > 180) p[0] -= 360;
      while (p[0] - last < -180) p[0] += 360;
      last = p[0];
    }
    const lons = pts.map((p) => p[0]);
    let d = path(pts, 0);
    if (Math.max(...lons) > 180) d += path(pts, -360);
    if (Math.min(...lons) < -180) d += path(pts, 360);
    return d;
  };
  const out = [];
  for (const g of topo.objects.countries.geometries) {
    if (g.id === '010') continue;
    const polys = g.type === 'Polygon' ? [g.arcs] : g.type === 'MultiPolygon' ? g.arcs : [];
    const d = polys.map((p) => p.map(ring).join('')).join('');
    if (d) out.push({ d, name: g.properties && g.properties.name });
  }
  return out;
}

let outlines; // one fetch per portal visit
async function loadOutlines() {
  if (!outlines) outlines = fetch('/portal/data/countries-110m.json').then((r) => (r.ok ? r.json() : Promise.reject(new Error(`HTTP ${r.status}`))));
  try {
    return countryPaths(await outlines);
  } catch {
    outlines = undefined;
    return null;
  }
}

/** Device rows grouped by place: one point per city and country, with the sign-ins and devices there. */
function places(rows) {
  const by = new Map();
  for (const r of rows) {
    const lat = Number(r.latitude);
    const lon = Number(r.longitude);
    const key = `${r.city || ''}|${r.countryOrRegion || ''}|${Number.isFinite(lat) && r.latitude !== null ? '' : 'nogeo'}`;
    let p = by.get(key);
    if (!p) {
      p = { city: r.city || '', country: r.countryOrRegion || '', lat: r.latitude === null ? NaN : lat, lon: r.longitude === null ? NaN : lon, signIns: 0, devices: new Set(), ips: new Set(), last: '' };
      by.set(key, p);
    }
    p.signIns += Number(r.signIns) || 0;
    p.devices.add(r.deviceName || 'Unnamed device');
    if (r.ipAddress) p.ips.add(r.ipAddress);
    if (String(r.lastSeenDateTime || '') > p.last) p.last = r.lastSeenDateTime;
  }
  return [...by.values()].sort((a, b) => b.signIns - a.signIns);
}

/** Sign-in outcomes (src/schema/events.ts) in words. */
const OUTCOMES = {
  success: 'Succeeded',
  credentialFailure: 'Failed: wrong password or unknown user',
  interrupted: 'Interrupted: a further step was needed',
  mfaDenied: 'Failed: MFA denied or unanswered',
  blocked: 'Blocked',
  disabled: 'Failed: account disabled',
  other: 'Failed',
};
const FAILED = new Set(['credentialFailure', 'mfaDenied', 'blocked', 'disabled', 'other']);

const placeName = (p) => [p.city, p.country].filter(Boolean).join(', ') || 'Unknown location';
const signInWords = (n) => `${n.toLocaleString()} sign-in${n === 1 ? '' : 's'}`;

/** The part of the world that holds the points (at least 100 degrees wide), in map units, keeping the map's aspect. */
function fit(located) {
  if (located.length === 0) return { x: 0, y: 0, w: W, h: H };
  const xs = located.map((p) => px(p.lon));
  const ys = located.map((p) => py(Math.max(LAT_BOTTOM, Math.min(LAT_TOP, p.lat))));
  const pad = (25 / 360) * W;
  let x0 = Math.min(...xs) - pad;
  let x1 = Math.max(...xs) + pad * 2; // labels go right of their point
  let y0 = Math.min(...ys) - pad;
  let y1 = Math.max(...ys) + pad;
  let w = Math.max(x1 - x0, (100 / 360) * W, (y1 - y0) * (W / H));
  if (w >= W) return { x: 0, y: 0, w: W, h: H };
  const h = w * (H / W);
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  x0 = Math.min(Math.max(cx - w / 2, 0), W - w);
  y0 = Math.min(Math.max(cy - h / 2, 0), H - h);
  return { x: x0, y: y0, w, h };
}

function drawMap(paths, pts, upn) {
  const located = pts.filter((p) => Number.isFinite(p.lat) && Number.isFinite(p.lon));
  const max = Math.max(1, ...located.map((p) => p.signIns));
  const view = fit(located);
  // Sizes in map units that read the same on screen whatever the zoom (the map shows about 700 pixels wide).
  const k = view.w / 700;
  const font = 12.5 * k;
  const map = svg('svg', { viewBox: `${view.x.toFixed(1)} ${view.y.toFixed(1)} ${view.w.toFixed(1)} ${view.h.toFixed(1)}`, role: 'img', 'aria-labelledby': 'map-title', class: 'world-map' });
  map.append(svg('title', { id: 'map-title' }, `Map of the places ${upn} signed in from: ${located.map((p) => `${placeName(p)} (${signInWords(p.signIns)})`).join('; ') || 'none with a known location'}`));
  map.append(svg('rect', { x: 0, y: 0, width: W, height: H, class: 'sea' }));
  // Graticule every 30 degrees: orientation even where the outlines are missing.
  const grid = [];
  for (let lon = -150; lon <= 150; lon += 30) grid.push(`M${px(lon)},0V${H}`);
  for (let lat = -30; lat <= 60; lat += 30) grid.push(`M0,${py(lat)}H${W}`);
  map.append(svg('path', { d: grid.join(''), class: 'graticule' }));
  if (paths) for (const c of paths) map.append(svg('path', { d: c.d, class: 'country' }, svg('title', {}, c.name || '')));
  // Labels right of their point (left near the edge); one that would cover an earlier label or point moves down a line.
  const taken = located.map((p) => {
    const x = px(p.lon);
    const y = py(Math.max(LAT_BOTTOM, Math.min(LAT_TOP, p.lat)));
    const r = (4 + 7 * Math.sqrt(p.signIns / max)) * k;
    return { p, x, y, r, box: { x: x - r, y: y - r, w: 2 * r, h: 2 * r } };
  });
  const boxes = taken.map((t) => t.box);
  const overlaps = (a) => boxes.some((b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h);
  for (const t of [...taken].sort((a, b) => b.p.signIns - a.p.signIns)) {
    const label = `${placeName(t.p)} · ${signInWords(t.p.signIns)}`;
    const w = label.length * font * 0.56;
    const right = t.x + t.r + 4 * k;
    const lx = right + w > view.x + view.w - 4 * k ? t.x - t.r - 4 * k - w : right;
    let box = { x: lx, y: t.y - font * 0.75, w, h: font * 1.1 };
    for (let i = 0; i < 8 && overlaps(box); i++) box = { ...box, y: box.y + font * 1.2 };
    boxes.push(box);
    const ly = box.y + font * 0.8;
    map.append(
      svg(
        'g',
        { class: 'place' },
        svg('circle', { cx: t.x.toFixed(1), cy: t.y.toFixed(1), r: t.r.toFixed(2) }),
        svg('text', { x: lx.toFixed(1), y: ly.toFixed(1), 'font-size': font.toFixed(2), class: 'halo' }, label),
        svg('text', { x: lx.toFixed(1), y: ly.toFixed(1), 'font-size': font.toFixed(2) }, label),
      ),
    );
  }
  return map;
}

function table(columns, rows) {
  const head = h('tr', {}, ...columns.map((c) => h('th', { scope: 'col' }, c.title)));
  const body = h('tbody');
  for (const r of rows) body.append(h('tr', { class: FAILED.has(r.status) ? 'failed' : undefined }, ...columns.map((c) => h('td', {}, c.value(r)))));
  return h('div', { class: 'table-wrap' }, h('table', {}, h('thead', {}, head), body));
}

export default {
  id: 'user',
  title: 'User',
  async render(container) {
    const params = hashParams();
    const upnInput = h('input', { name: 'upn', type: 'email', required: true, autocomplete: 'off', placeholder: 'user@contoso.com', value: params.get('upn') || '', size: '34' });
    const interval = h(
      'select',
      { name: 'interval' },
      ...[['24h', 'Last 24 hours'], ['7d', 'Last 7 days'], ['30d', 'Last 30 days']].map(([v, t]) =>
        h('option', { value: v, selected: v === (params.get('interval') || '30d') ? true : undefined }, t),
      ),
    );
    const form = h(
      'form',
      { class: 'controls', role: 'search', 'aria-label': 'Look up a user' },
      h('label', {}, 'User principal name', upnInput),
      h('label', {}, 'Period', interval),
      h('button', { type: 'submit' }, 'Show user'),
    );
    const status = h('p', { class: 'status', role: 'status', 'aria-live': 'polite' });
    const out = h('div', { class: 'user-page' });
    container.append(
      h('p', { class: 'muted' }, 'Look up one user: their risk, the places and devices they signed in from, and their sign-ins.'),
      form,
      status,
      out,
    );

    form.addEventListener('submit', (e) => {
      e.preventDefault();
      const upn = upnInput.value.trim();
      if (!upn) return;
      const hash = `#/page/user?${new URLSearchParams({ upn, interval: interval.value })}`;
      // A new hash re-opens the page (and is a link to share); the same one runs here.
      if (location.hash !== hash) location.hash = hash;
      else void show(upn, interval.value);
    });

    async function show(upn, period) {
      text(status, `Loading ${upn}…`);
      out.replaceChildren();
      const q = (extra) => `?${new URLSearchParams({ user: upn, interval: period, view: 'portal', ...extra })}`;
      const [risk, devices, activity, paths] = await Promise.allSettled([
        api(tenantPath(`risky-users/${encodeURIComponent(upn)}`)),
        api(tenantPath('reports/user-devices') + q()),
        api(tenantPath('reports/user-activity') + q()),
        loadOutlines(),
      ]);
      if (!container.isConnected) return;

      // Risk
      const riskBox = h('section', { 'aria-labelledby': 'user-risk-h', class: 'user-risk' }, h('h2', { id: 'user-risk-h' }, 'Risk'));
      if (risk.status === 'fulfilled') {
        const r = risk.value;
        riskBox.append(
          h(
            'p',
            {},
            'Risk level ',
            levelBadge(r.riskLevel),
            r.riskState ? `, state ${STATE_WORDS[r.riskState] || r.riskState}` : '',
            r.riskLastUpdatedDateTime ? `, last updated ${utcTime(r.riskLastUpdatedDateTime)}` : '',
            r.contributing.length ? ` — ${r.contributing.length} detection${r.contributing.length === 1 ? '' : 's'} in the last 30 days: ` : ' — no detections in the last 30 days.',
            [...new Set(r.contributing.map((c) => DETECTOR_TITLES[c.detector] || c.detector))].join(', '),
          ),
        );
        if (r.riskLevel !== 'none' || r.riskState) riskBox.append(h('p', {}, h('a', { href: '#/page/risky-users' }, 'Risky users'), ': see the detections and change the state there.'));
      } else if (risk.reason.status === 404) {
        riskBox.append(h('p', { class: 'hint' }, `No user ${upn} in this directory, and no detections for that name.`));
      } else {
        riskBox.append(h('p', { class: 'hint' }, refusal(risk.reason, 'see the risky users')));
      }

      // Devices and map
      const devBox = h('section', { 'aria-labelledby': 'user-devices-h' }, h('h2', { id: 'user-devices-h' }, 'Devices and locations'));
      if (devices.status === 'fulfilled') {
        const pts = places(devices.value.rows || []);
        if (pts.length === 0) devBox.append(h('p', {}, `No sign-ins by ${upn} in this period.`));
        else {
          const list = h('ol', { class: 'place-list', 'aria-label': 'Places, most sign-ins first' });
          for (const p of pts) {
            list.append(
              h(
                'li',
                { tabindex: '0' },
                h('strong', {}, placeName(p)),
                ` — ${signInWords(p.signIns)}`,
                h('div', { class: 'hint' }, `Devices: ${[...p.devices].join(', ')}`),
                h('div', { class: 'hint' }, `IP addresses: ${[...p.ips].join(', ')}`),
                p.last ? h('div', { class: 'hint' }, `Last seen ${utcTime(p.last)}`) : '',
                Number.isFinite(p.lat) ? '' : h('div', { class: 'hint' }, 'No coordinates: not on the map.'),
              ),
            );
          }
          devBox.append(
            h(
              'div',
              { class: 'map-and-list' },
              h('figure', {}, drawMap(paths.status === 'fulfilled' ? paths.value : null, pts, upn), h('figcaption', { class: 'hint' }, paths.status === 'fulfilled' && paths.value ? 'Locations from GeoIP; a point is a city, its size the number of sign-ins. Outlines: Natural Earth.' : 'The country outlines could not be loaded: points on a latitude/longitude grid.')),
              list,
            ),
          );
          devBox.append(
            h('h3', {}, 'Devices'),
            table(
              [
                { title: 'Device', value: (r) => r.deviceName || 'Unnamed device' },
                { title: 'Operating system', value: (r) => r.operatingSystem || '' },
                { title: 'Browser', value: (r) => r.browser || '' },
                { title: 'IP address', value: (r) => r.ipAddress || '' },
                { title: 'Location', value: (r) => r.location || '' },
                { title: 'Sign-ins', value: (r) => String(r.signIns) },
                { title: 'Last seen', value: (r) => utcTime(r.lastSeenDateTime) },
              ],
              devices.value.rows,
            ),
          );
        }
      } else devBox.append(h('p', { class: 'error' }, refusal(devices.reason, 'see the devices report')));

      // Activity
      const actBox = h('section', { 'aria-labelledby': 'user-activity-h' }, h('h2', { id: 'user-activity-h' }, 'Sign-in activity'));
      if (activity.status === 'fulfilled') {
        const a = activity.value;
        const rows = a.rows || [];
        actBox.append(
          h('p', { class: 'hint' }, rows.length === 0 ? 'No interactive sign-ins in this period.' : `${a.total.toLocaleString()} sign-ins${a.truncated ? `, the newest ${rows.length.toLocaleString()} shown` : ''}; background token refreshes are left out.`),
        );
        if (rows.length) {
          actBox.append(
            table(
              [
                { title: 'Date', value: (r) => utcTime(r.createdDateTime) },
                { title: 'Application', value: (r) => r.appDisplayName || '' },
                { title: 'Result', value: (r) => [OUTCOMES[r.status] || r.status || '', r.failureReason && r.status !== 'success' ? `(${r.failureReason})` : ''].filter(Boolean).join(' ') },
                { title: 'Device', value: (r) => [r.deviceName, r.operatingSystem, r.browser].filter(Boolean).join(' · ') },
                { title: 'IP address', value: (r) => r.ipAddress || '' },
                { title: 'Location', value: (r) => r.location || '' },
              ],
              rows,
            ),
          );
        }
      } else actBox.append(h('p', { class: 'error' }, refusal(activity.reason, 'see the activity report')));

      out.replaceChildren(riskBox, devBox, actBox);
      const failed = [devices, activity].find((x) => x.status === 'rejected');
      text(status, failed ? `Could not load everything for ${upn}: ${failed.reason.message}` : `Showing ${upn}, ${interval.selectedOptions[0].textContent.toLowerCase()}.`);
    }

    if (params.get('upn')) await show(params.get('upn'), interval.value);
    else upnInput.focus();
  },
};
