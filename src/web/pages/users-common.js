// Words and helpers the risky-users and user pages share (not a page itself).
import { h } from '../lib.js';

/** Detector ids (SPEC 4) in the words of their reports. */
export const DETECTOR_TITLES = {
  D1: 'Sign-in from an unknown source (anonymizer)',
  D2: 'Sign-in after multiple failures',
  D3: 'Sign-ins from multiple geographies (impossible travel)',
  D4: 'Sign-in from an IP address with suspicious activity',
  D5: 'Sign-in from a possibly infected device',
  D6: 'Irregular sign-in activity',
  D7: 'Anomalous sign-in activity',
  D8: 'Leaked credentials',
  'mfa-fatigue': 'MFA fatigue (many denied MFA prompts)',
  'brute-force': 'Brute force against this user',
};

/** The anomaly report that lists each detector's detections with their evidence. */
export const DETECTOR_REPORTS = {
  D1: 'signins-from-unknown-sources',
  D2: 'signins-after-multiple-failures',
  D3: 'signins-from-multiple-geographies',
  D4: 'signins-from-suspicious-ips',
  D5: 'signins-from-infected-devices',
  D6: 'irregular-signin-activity',
  D8: 'users-with-leaked-credentials',
};

export const LEVEL_WORDS = { none: 'None', low: 'Low', medium: 'Medium', high: 'High' };

export const STATE_WORDS = {
  atRisk: 'At risk',
  confirmedCompromised: 'Confirmed compromised',
  remediated: 'Remediated',
  dismissed: 'Dismissed',
  confirmedSafe: 'Confirmed safe',
};

/** Roles the API lets change a risk state (docs/api.md). */
export const STATE_WRITERS = ['global-admin', 'security-admin'];

/** A risk level as a badge the eye finds and a screen reader reads as a word. */
export function levelBadge(level) {
  return h('span', { class: `risk-badge risk-${level}` }, LEVEL_WORDS[level] || level);
}

/** Evidence JSON as "key: value" pairs on one line. */
export function evidenceText(value) {
  let v = value;
  if (typeof v === 'string') {
    try { v = JSON.parse(v); } catch { return v; }
  }
  if (v === null || v === undefined) return '';
  if (typeof v !== 'object') return String(v);
  const one = (x) => {
    if (x === null || typeof x !== 'object') return String(x);
    if (Array.isArray(x)) return x.map(one).join('; ');
    // An IP list match reads "demo-tor-exits (anonymizer)", as in the reports.
    if (typeof x.list === 'string' && typeof x.category === 'string' && Object.keys(x).length === 2) return `${x.list} (${x.category})`;
    return Object.entries(x).map(([k, y]) => `${k} ${one(y)}`).join(', ');
  };
  const s = Array.isArray(v) ? v.map(one).join('; ') : Object.entries(v).map(([k, x]) => `${k}: ${one(x)}`).join(' · ');
  return s.length > 300 ? `${s.slice(0, 300)}…` : s;
}

/** The parameters after "?" in the page's hash (#/page/user?upn=...). */
export function hashParams() {
  const i = location.hash.indexOf('?');
  return new URLSearchParams(i < 0 ? '' : location.hash.slice(i + 1));
}

/** A labelled <select> of [value, text] options with `value` chosen: the filters of the risky-users and incidents pages. */
export function select(name, label, options, value) {
  return h('label', {}, label, h('select', { name }, ...options.map(([v, t]) => h('option', { value: v, selected: v === value ? true : undefined }, t))));
}

/** A link to the user page of `upn`. */
export function userLink(upn) {
  return h('a', { href: `#/page/user?upn=${encodeURIComponent(upn)}` }, upn);
}
