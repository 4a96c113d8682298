// Detection settings: every detector's on / log-only state and parameters
// (GET .../detections/settings), a backtest of proposed settings over stored
// sign-ins (POST .../detections/{detector}/backtest) before saving them
// (PUT .../detections/settings), and who changed what (GET .../settings/history).
// The API decides who may change them; the page only mirrors it.
import { api, current, h, tenantPath, text, utcTime } from '../lib.js';

/** Who may change settings and run backtests (the API's SETTINGS_ROLES). */
const WRITE_ROLES = ['global-admin', 'security-admin'];

const TITLES = {
  D1: 'Sign ins from unknown sources',
  D2: 'Sign ins after multiple failures',
  D3: 'Sign ins from multiple geographies',
  D4: 'Sign ins from IP addresses with suspicious activity',
  D5: 'Sign ins from possibly infected devices',
  D6: 'Irregular sign in activity',
  'brute-force': 'Brute force against one user',
  'mfa-fatigue': 'MFA fatigue',
  D8: 'Users with leaked credentials',
};
const SUMMARIES = {
  D1: 'A sign-in from an IP address on an anonymizer list (Tor exit, anonymous proxy or VPN).',
  D2: 'A successful sign-in right after several failed attempts for the same user.',
  D3: 'Two successful sign-ins of one user too far apart to travel between in the time (impossible travel).',
  D4: 'Password spray or a hostile IP address: many failed sign-ins from one IP; every sign-in from it is flagged while it is suspicious. When this deployment shares IP reputation, also sign-ins from IPs that other directories found attacking (shown as a count of directories, never which).',
  D5: 'A sign-in from an IP address on a botnet list.',
  D6: "A sign-in whose country, city, network, device or hour is unfamiliar for the user, after a learning period.",
  'brute-force': 'Consecutive failed sign-ins against one user from one IP address.',
  'mfa-fatigue': 'Many denied or unanswered MFA prompts for one user in a short time.',
  D8: 'A leaked-credential record that matches a directory user. It has no parameters.',
};
const detectorName = (id) => `${/^D\d$/.test(id) ? `${id} · ` : ''}${TITLES[id] || id}`;

/** Parameter labels a security admin reads; "<detector>.<param>" wins over "<param>". */
const LABELS = {
  failedSeverity: 'Severity when the sign-in failed',
  successSeverity: 'Severity when the sign-in succeeded',
  ignoreLists: 'IP lists to ignore (names, comma separated)',
  'D2.minFailures': 'Failed attempts before the success',
  'D2.mediumAt': 'Medium severity from this many failures',
  'D2.highAt': 'High severity from this many failures',
  'D2.maxTracked': 'Failures remembered per user (limit)',
  windowMs: 'Time window',
  failureOutcomes: 'Outcomes that count as a failure',
  minSpeedKmh: 'Travel speed above (km/h)',
  minDistanceKm: 'Distance above (km)',
  noiseKm: 'Ignore hops shorter than (km)',
  noiseMs: '… within',
  egressAsns: 'VPN / cloud egress networks (AS numbers)',
  memoryMs: 'Remember for',
  highSpeedKmh: 'High severity above (km/h)',
  sprayMinUsers: 'Password spray: distinct users',
  sprayWindowMs: 'Password spray: time window',
  sprayMinFailureRatio: 'Password spray: share of attempts failing (0–1)',
  hostileMinFailures: 'Hostile IP: failures',
  hostileMinAttempts: 'Hostile IP: attempts',
  hostileFailureRatio: 'Hostile IP: share of attempts failing (0–1)',
  hostileWindowMs: 'Hostile IP: time window',
  bucketMs: 'Counting bucket',
  holdMs: 'An IP stays suspicious for',
  'D4.maxTracked': 'IP addresses tracked (limit)',
  'D4.sharedReputationSend': 'Shared IP reputation: tell the other directories of this deployment which IPs attack this one (the IP and time only)',
  'D4.sharedReputationReceive': 'Shared IP reputation: flag sign-ins from IPs that other directories found attacking',
  'D4.sharedMinDirectories': 'Shared IP reputation: … found by at least this many other directories',
  learningSignIns: 'Learning: sign-ins per user',
  learningMs: 'Learning period',
  minProbability: 'Unfamiliar below probability (0–1)',
  scoreThreshold: 'Flag from score',
  weights: 'Weight of each property',
  maxValues: 'Values remembered per property (limit)',
  threshold: 'Consecutive failures',
  resetAfterMs: 'Count resets after',
  maxDenied: 'Denied or unanswered prompts',
  country: 'Country',
  city: 'City',
  asn: 'Network (ASN)',
  os: 'Operating system',
  browser: 'Browser',
  device: 'Device',
  hour: 'Hour of day',
};
const OUTCOMES = {
  success: 'Success',
  credentialFailure: 'Wrong password or credential',
  interrupted: 'Interrupted',
  mfaDenied: 'MFA denied or unanswered',
  blocked: 'Blocked',
  disabled: 'Account disabled',
  other: 'Other failure',
};
const humanize = (k) => k.replace(/([a-z])([A-Z])/g, '$1 $2').replace(/^./, (c) => c.toUpperCase());
const labelOf = (det, key) => LABELS[`${det}.${key}`] || LABELS[key] || humanize(key);

const UNITS = [
  { ms: 86_400_000, name: 'days' },
  { ms: 3_600_000, name: 'hours' },
  { ms: 60_000, name: 'minutes' },
  { ms: 1000, name: 'seconds' },
];
/** The unit a duration parameter is edited in: the largest that fits its default whole. */
const unitOf = (defaultMs) => UNITS.find((u) => typeof defaultMs === 'number' && defaultMs >= u.ms && defaultMs % u.ms === 0) || UNITS[3];
const isDuration = (key) => /Ms$/.test(key);
function fmtMs(ms) {
  if (typeof ms !== 'number') return JSON.stringify(ms);
  const u = unitOf(ms);
  return `${+(ms / u.ms).toFixed(3)} ${ms === u.ms ? u.name.slice(0, -1) : u.name}`;
}
const fmtValue = (key, v) => (isDuration(key) ? fmtMs(v) : Array.isArray(v) ? v.join(', ') || '(none)' : typeof v === 'object' && v !== null ? Object.entries(v).map(([k, x]) => `${k} ${x}`).join(', ') : String(v));
const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

let uid = 0;

export default {
  id: 'detection-settings',
  title: 'Detection settings',
  async render(container) {
    const canWrite = WRITE_ROLES.includes(current.session.role);
    const status = h('p', { class: 'ds-status', role: 'status', 'aria-live': 'polite', tabindex: '-1' });
    const alert = h('div', { class: 'error', role: 'alert' });
    container.append(
      h(
        'p',
        { class: 'muted' },
        'Each detector watches the sign-ins for one kind of attack. Turn it off, or let it run in log-only mode: its detections are recorded and shown in reports, but nobody is notified and they do not raise a user’s risk. Try new values with a backtest before you save them.',
      ),
    );
    if (!canWrite) container.append(h('p', { class: 'ds-note' }, 'You can read these settings. Only global admins and security admins can change them or run a backtest.'));
    container.append(alert);

    let settings;
    try {
      settings = await api(tenantPath('detections/settings'));
    } catch (err) {
      container.append(h('p', { class: 'error', role: 'alert' }, `The detection settings could not be read: ${err.message}`));
      return;
    }
    if (settings.storedErrors && settings.storedErrors.length) {
      alert.append(h('p', {}, `The stored settings are not valid, so every detector runs with its defaults: ${settings.storedErrors.map((e) => `${e.field}: ${e.reason}`).join('; ')}`));
    }
    const defaultsOf = new Map(settings.detectors.map((d) => [d.id, d]));

    /** path ("/D2/params/minFailures") -> { focus, error (element), mark(bool) } for the API's messages. */
    const slots = new Map();
    /** detector id -> () => { enabled, logOnly, params } as the form has it now. */
    const readers = new Map();
    const form = h('form', { class: 'ds-form', novalidate: true });
    const box = h('fieldset', { class: 'ds-all', disabled: !canWrite }, h('legend', { class: 'skip' }, 'Detectors'));
    form.append(box);

    function errorSlot(path, input, describedBy = []) {
      const err = h('span', { class: 'ds-error error', id: `ds-err-${++uid}` });
      input.setAttribute('aria-describedby', [...describedBy, err.id].join(' '));
      slots.set(path, {
        error: err,
        // The API counts durations in milliseconds; the field shows minutes, hours or days.
        say: isDuration(path.split('/').pop()) ? (m) => m.replace(/([<>]=?) (\d+)/g, (_, op, n) => `${op} ${fmtMs(Number(n))}`) : (m) => m,
        focus: () => input.focus(),
        mark: (bad) => (bad ? input.setAttribute('aria-invalid', 'true') : input.removeAttribute('aria-invalid')),
      });
      return err;
    }

    /** An error place for a group (a detector, an object parameter): focus goes to its first control. */
    function groupSlot(path, focusEl) {
      const err = h('span', { class: 'ds-error error' });
      slots.set(path, { error: err, focus: () => focusEl.focus(), mark: () => {} });
      return err;
    }

    /** One parameter's control; returns { node, read }. */
    function paramField(det, key, schema, value, def, path) {
      const id = `ds-${det}-${key}-${++uid}`;
      const label = labelOf(det, key);
      const hintId = `${id}-hint`;
      if (schema.type === 'array' && schema.items && Array.isArray(schema.items.enum)) {
        const boxes = schema.items.enum.map((opt) =>
          h('input', { type: 'checkbox', value: opt, checked: Array.isArray(value) && value.includes(opt) }),
        );
        const set = h(
          'fieldset',
          { class: 'ds-choices' },
          h('legend', {}, label),
          ...boxes.map((b) => h('label', { class: 'ds-check' }, b, OUTCOMES[b.value] || b.value)),
        );
        const hint = h('span', { class: 'hint', id: hintId }, `Default: ${(def || []).map((x) => OUTCOMES[x] || x).join(', ')}`);
        const err = errorSlot(path, boxes[0], [hintId]);
        set.append(hint, err);
        return { node: set, read: () => boxes.filter((b) => b.checked).map((b) => b.value) };
      }
      if (schema.type === 'object' && schema.properties) {
        const parts = Object.entries(schema.properties).map(([k, s]) => paramField(det, k, s, value ? value[k] : undefined, def ? def[k] : undefined, `${path}/${k}`));
        const set = h('fieldset', { class: 'ds-choices ds-object' }, h('legend', {}, label), ...parts.map((p) => p.node));
        set.append(groupSlot(path, set.querySelector('input')));
        const keys = Object.keys(schema.properties);
        return { node: set, read: () => Object.fromEntries(keys.map((k, i) => [k, parts[i].read()])) };
      }
      let input;
      let read;
      let hintText = `Default: ${fmtValue(key, def)}`;
      if (Array.isArray(schema.enum)) {
        input = h('select', { id }, ...schema.enum.map((o) => h('option', { value: o, selected: o === value }, String(o))));
        read = () => input.value;
      } else if (schema.type === 'boolean') {
        input = h('input', { id, type: 'checkbox', checked: value === true });
        read = () => input.checked;
        hintText = `Default: ${def === true ? 'on' : 'off'}`;
      } else if (schema.type === 'integer' || schema.type === 'number') {
        const unit = isDuration(key) ? unitOf(def) : null;
        const shown = typeof value === 'number' ? (unit ? +(value / unit.ms).toFixed(6) : value) : '';
        const min = typeof schema.minimum === 'number' ? (unit ? schema.minimum / unit.ms : schema.minimum) : undefined;
        const max = typeof schema.maximum === 'number' ? (unit ? schema.maximum / unit.ms : schema.maximum) : undefined;
        input = h('input', { id, type: 'number', step: 'any', inputmode: 'decimal', value: String(shown), min, max });
        read = () => {
          const raw = input.value.trim();
          if (raw === '') return null;
          const n = Number(raw);
          if (!Number.isFinite(n)) return raw;
          return unit ? Math.round(n * unit.ms) : n;
        };
        const bound = (ms, n) => (unit ? fmtMs(ms) : n);
        const range = [min !== undefined ? `at least ${bound(schema.minimum, min)}` : '', max !== undefined ? `at most ${bound(schema.maximum, max)}` : ''].filter(Boolean).join(', ');
        if (range) hintText += `; ${range}`;
        if (unit) {
          const field = h('div', { class: 'ds-field' });
          field.append(h('label', { for: id }, `${label} (${unit.name})`), input, h('span', { class: 'hint', id: hintId }, hintText), errorSlot(path, input, [hintId]));
          return { node: field, read };
        }
      } else if (schema.type === 'array') {
        const integers = schema.items && (schema.items.type === 'integer' || schema.items.type === 'number');
        const joined = Array.isArray(value) ? value.join(', ') : '';
        input = integers && joined.length > 40 ? h('textarea', { id, rows: 3 }, joined) : h('input', { id, value: joined });
        read = () => {
          const items = input.value.split(/[\s,]+/).filter(Boolean);
          return integers ? items.map((x) => (/^-?\d+(\.\d+)?$/.test(x) ? Number(x) : x)) : items;
        };
        if (Array.isArray(def) && def.length > 8) hintText = `Default: ${def.length} entries`;
      } else {
        input = h('input', { id, value: value == null ? '' : String(value) });
        read = () => input.value;
      }
      if (det === 'D4' && key.startsWith('shared') && !(settings.sharedIpReputation && settings.sharedIpReputation.enabled)) {
        hintText += '. Not in effect: this deployment does not share IP reputation (its operator turns it on with AUTHLENS_SHARED_IP_REPUTATION=1)';
      }
      const field = h('div', { class: 'ds-field' });
      field.append(h('label', { for: id }, label), input, h('span', { class: 'hint', id: hintId }, hintText), errorSlot(path, input, [hintId]));
      return { node: field, read };
    }

    for (const d of settings.detectors) {
      const enabled = h('input', { type: 'checkbox', checked: d.enabled, id: `ds-${d.id}-enabled` });
      const logOnly = h('input', { type: 'checkbox', checked: d.logOnly, id: `ds-${d.id}-logonly` });
      const card = h(
        'fieldset',
        { class: 'ds-detector', 'data-detector': d.id },
        h('legend', {}, detectorName(d.id)),
        h('p', { class: 'muted' }, SUMMARIES[d.id] || ''),
      );
      const flags = h(
        'div',
        { class: 'ds-flags' },
        h('label', { class: 'ds-check', for: enabled.id }, enabled, 'On'),
        h('label', { class: 'ds-check', for: logOnly.id }, logOnly, 'Log only (record, do not notify or raise risk)'),
      );
      flags.append(groupSlot(`/${d.id}`, enabled));
      slots.set(`/${d.id}/enabled`, slots.get(`/${d.id}`));
      slots.set(`/${d.id}/logOnly`, { ...slots.get(`/${d.id}`), focus: () => logOnly.focus() });
      card.append(flags);
      const props = (d.paramsSchema && d.paramsSchema.properties) || {};
      const fields = Object.entries(props).map(([k, s]) => [k, paramField(d.id, k, s, d.params[k], d.defaults[k], `/${d.id}/params/${k}`)]);
      if (fields.length) {
        const grid = h('div', { class: 'ds-params' }, ...fields.map(([, f]) => f.node));
        const more = h('details', { class: 'ds-more' }, h('summary', {}, `Parameters (${fields.length})`), grid);
        // Changed parameters are in view at once.
        if (fields.some(([k]) => !same(d.params[k], d.defaults[k]))) more.open = true;
        card.append(more);
        slots.set(`/${d.id}/params`, { ...slots.get(`/${d.id}`), focus: () => more.querySelector('summary').focus() });
      }
      readers.set(d.id, () => ({ enabled: enabled.checked, logOnly: logOnly.checked, params: Object.fromEntries(fields.map(([k, f]) => [k, f.read()])) }));
      box.append(card);
    }

    /** The document to PUT: per detector only what differs from its defaults (as `stored` reads). */
    function proposedDocument() {
      const doc = {};
      for (const [id, read] of readers) {
        const r = read();
        const def = defaultsOf.get(id).defaults;
        const entry = {};
        if (!r.enabled) entry.enabled = false;
        if (r.logOnly) entry.logOnly = true;
        const params = Object.fromEntries(Object.entries(r.params).filter(([k, v]) => !same(v, def[k])));
        if (Object.keys(params).length) entry.params = params;
        if (Object.keys(entry).length) doc[id] = entry;
      }
      return doc;
    }

    /** Detectors whose form values differ from what runs now, with what differs. */
    function changes() {
      const out = [];
      for (const [id, read] of readers) {
        const now = defaultsOf.get(id);
        const r = read();
        const set = Object.fromEntries(Object.entries(r.params).filter(([k, v]) => !same(v, now.params[k])));
        if (Object.keys(set).length || r.enabled !== now.enabled || r.logOnly !== now.logOnly) out.push({ id, set, enabled: r.enabled, logOnly: r.logOnly, was: now });
      }
      return out;
    }

    function clearErrors() {
      alert.replaceChildren();
      for (const s of slots.values()) {
        text(s.error, '');
        s.mark(false);
      }
    }

    /** "invalid settings: /D2/params/minFailures: must be integer; ..." -> each message next to its field. */
    function showErrors(message, prefix) {
      const body = message.replace(/^invalid settings: /, '');
      const rest = [];
      let first;
      for (const part of body.split('; ')) {
        const m = /^(\/\S*|[A-Za-z]+): (.*)$/.exec(part);
        let path = m ? (m[1].startsWith('/') ? m[1] : '') : '';
        while (path && !slots.has(path)) path = path.replace(/\/[^/]*$/, '');
        const slot = path ? slots.get(path) : undefined;
        if (slot) {
          const said = slot.say ? slot.say(m[2]) : m[2];
          text(slot.error, slot.error.textContent ? `${slot.error.textContent}; ${said}` : said);
          slot.mark(true);
          const details = slot.error.closest('details');
          if (details) details.open = true;
          first ??= slot;
        } else rest.push(part);
      }
      const n = body.split('; ').length - rest.length;
      alert.append(h('p', {}, `${prefix}${n ? ` ${n === 1 ? 'One value is' : `${n} values are`} not valid; see the messages next to the fields.` : ''}${rest.length ? ` ${rest.join('; ')}` : ''}`));
      if (first) first.focus();
    }

    // Backtest and save.
    const interval = h('select', { id: 'ds-interval' }, h('option', { value: '7d' }, 'Last 7 days'), h('option', { value: '30d', selected: true }, 'Last 30 days'), h('option', { value: '90d' }, 'Last 90 days'));
    const tryButton = h('button', { type: 'button', class: 'secondary' }, 'Run backtest');
    const saveButton = h('button', { type: 'submit' }, 'Save settings');
    const undoButton = h('button', { type: 'button', class: 'secondary' }, 'Discard changes');
    const results = h('div', { class: 'ds-backtest' });
    if (canWrite) {
      form.append(
        h(
          'div',
          { class: 'controls ds-actions' },
          h('label', { for: 'ds-interval' }, 'Backtest over', interval),
          tryButton,
          saveButton,
          undoButton,
        ),
        h('p', { class: 'hint' }, 'A backtest replays the stored sign-ins of the interval through the detectors you changed, with the values above, and compares what they find with what was found at the time. Nothing is saved or notified.'),
      );
    }
    form.append(status, results);
    container.append(form);

    let stale = false;
    form.addEventListener('input', () => {
      if (results.firstChild && !stale) {
        stale = true;
        results.prepend(h('p', { class: 'ds-note' }, 'You changed settings since this backtest; run it again to see their effect.'));
      }
    });

    async function runBacktest() {
      clearErrors();
      results.replaceChildren();
      stale = false;
      const changed = changes().filter((c) => c.id !== 'D8');
      if (!changed.length) {
        text(status, changes().length ? 'Leaked-credential matching (D8) has nothing to replay; save to apply its change.' : 'Nothing changed yet: change a setting above, then run the backtest to compare it with the current settings.');
        return;
      }
      tryButton.disabled = true;
      text(status, `Running the backtest for ${changed.map((c) => c.id).join(', ')}…`);
      const rows = [];
      const failures = [];
      for (const c of changed) {
        try {
          const r = await api(tenantPath(`detections/${encodeURIComponent(c.id)}/backtest`), { method: 'POST', body: JSON.stringify({ set: c.set, interval: interval.value }) });
          rows.push({ c, r });
        } catch (err) {
          failures.push({ c, err });
        }
      }
      tryButton.disabled = false;
      for (const f of failures) {
        if (f.err.code === 'invalidRequest') showErrors(f.err.message, `Backtest of ${detectorName(f.c.id)} refused.`);
        else alert.append(h('p', {}, `Backtest of ${detectorName(f.c.id)}: ${f.err.message}`));
      }
      if (!rows.length) {
        text(status, 'The backtest did not run.');
        return;
      }
      const first = rows[0].r;
      const table = h(
        'table',
        { class: 'ds-bt-table' },
        h('caption', {}, `Backtest, ${utcTime(first.range.from)} to ${utcTime(first.range.to)}`),
        h(
          'thead',
          {},
          h('tr', {}, ...['Detector', 'Sign-ins replayed', 'Found at the time', 'Found with the proposed settings', 'Newly found', 'No longer found', 'Note'].map((t) => h('th', { scope: 'col' }, t))),
        ),
      );
      const body = h('tbody');
      for (const { c, r } of rows) {
        const now = r.removed + r.unchanged;
        const next = r.added + r.unchanged;
        const note = !c.enabled ? 'Turned off: none of these would be found.' : c.logOnly && !c.was.logOnly ? 'Log only: recorded, but nobody is notified.' : !c.logOnly && c.was.logOnly ? 'Alerting again: these would be notified.' : '';
        body.append(
          h(
            'tr',
            { 'data-detector': c.id },
            h('th', { scope: 'row' }, detectorName(c.id)),
            h('td', {}, r.signInsScanned.toLocaleString()),
            h('td', {}, now.toLocaleString()),
            h('td', {}, c.enabled ? next.toLocaleString() : '0'),
            // Turned off, nothing is found: all found at the time is gone (the replay itself runs the detector on).
            h('td', {}, c.enabled ? `+${r.added.toLocaleString()}` : '+0'),
            h('td', {}, `−${(c.enabled ? r.removed : now).toLocaleString()}`),
            h('td', {}, note),
          ),
        );
      }
      table.append(body);
      results.append(h('div', { class: 'table-wrap' }, table));
      for (const { c, r } of rows) {
        const ex = [...r.examples.added.map((d) => ['New', d]), ...r.examples.removed.map((d) => ['No longer', d])];
        if (!ex.length || !c.enabled) continue;
        const list = h('ul', { class: 'ds-examples' });
        for (const [kind, d] of ex) {
          list.append(h('li', {}, h('strong', {}, `${kind}: `), `${d.userPrincipalName || d.userId || d.ipAddress || ''} · ${utcTime(d.detectedDateTime)} · ${d.severity}${d.ipAddress ? ` · ${d.ipAddress}` : ''}`));
        }
        results.append(h('details', { class: 'ds-more' }, h('summary', {}, `Examples for ${detectorName(c.id)}`), list));
      }
      text(status, `Backtest done for ${rows.map((x) => x.c.id).join(', ')}. Nothing is saved yet.`);
    }

    tryButton.addEventListener('click', () => void runBacktest());
    undoButton.addEventListener('click', () => {
      const fresh = h('div', { class: 'page-body' });
      container.replaceWith(fresh);
      void this.render(fresh);
    });
    form.addEventListener('submit', async (e) => {
      e.preventDefault();
      if (!canWrite) return;
      clearErrors();
      saveButton.disabled = true;
      text(status, 'Saving…');
      try {
        await api(tenantPath('detections/settings'), { method: 'PUT', body: JSON.stringify(proposedDocument()) });
        const fresh = h('div', { class: 'page-body' });
        container.replaceWith(fresh);
        await this.render(fresh);
        const s = fresh.querySelector('.ds-status');
        if (s) {
          text(s, 'Saved. The detectors use the new settings for the next sign-ins; the change is in the history below.');
          s.focus();
        }
      } catch (err) {
        saveButton.disabled = false;
        text(status, '');
        if (err.code === 'invalidRequest') showErrors(err.message, 'Not saved.');
        else alert.append(h('p', {}, `Not saved: ${err.message}`));
      }
    });

    // History.
    const history = h('section', { class: 'ds-history', 'aria-labelledby': 'ds-history-title' }, h('h2', { id: 'ds-history-title' }, 'Change history'));
    container.append(history);
    try {
      const { value } = await api(`${tenantPath('detections/settings/history')}?limit=51`);
      if (!value.length) {
        history.append(h('p', { class: 'muted' }, 'No changes yet: every detector runs with its defaults.'));
        return;
      }
      const table = h('table', {}, h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'When'), h('th', { scope: 'col' }, 'Changed by'), h('th', { scope: 'col' }, 'What changed'))));
      const body = h('tbody');
      value.slice(0, 50).forEach((v, i) => {
        const before = value[i + 1] ? value[i + 1].settings : {};
        const diff = describeChange(before, v.settings, defaultsOf);
        body.append(h('tr', {}, h('td', {}, utcTime(v.at)), h('td', {}, v.by), h('td', {}, diff.length ? h('ul', { class: 'kv' }, ...diff.map((x) => h('li', {}, x))) : 'No change')));
      });
      table.append(body);
      history.append(h('div', { class: 'table-wrap' }, table));
    } catch (err) {
      history.append(h('p', { class: 'error' }, `The history could not be read: ${err.message}`));
    }
  },
};

/** "D2 · Sign ins after multiple failures: Failed attempts before the success 5 → 3" for each difference of two stored documents. */
function describeChange(before, after, detectors) {
  const out = [];
  const ids = [...new Set([...Object.keys(before || {}), ...Object.keys(after || {})])];
  for (const id of ids) {
    const d = detectors.get(id);
    const defaults = d ? d.defaults : {};
    const a = before[id] || {};
    const b = after[id] || {};
    const parts = [];
    if ((a.enabled !== false) !== (b.enabled !== false)) parts.push(b.enabled === false ? 'turned off' : 'turned on');
    if ((a.logOnly === true) !== (b.logOnly === true)) parts.push(b.logOnly === true ? 'log only' : 'alerting again');
    const pa = a.params || {};
    const pb = b.params || {};
    for (const k of new Set([...Object.keys(pa), ...Object.keys(pb)])) {
      const va = k in pa ? pa[k] : defaults[k];
      const vb = k in pb ? pb[k] : defaults[k];
      if (!same(va, vb)) parts.push(`${labelOf(id, k)} ${fmtValue(k, va)} → ${fmtValue(k, vb)}`);
    }
    if (parts.length) out.push(`${detectorName(id)}: ${parts.join('; ')}`);
  }
  return out;
}
