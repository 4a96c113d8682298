import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { Compile } from 'typebox/compile';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DETECTOR_IDS } from '../schema/detections.ts';
import { DirectorySnapshot, GLOBAL_ADMIN_ROLE_TEMPLATE_ID, SECURITY_ADMIN_ROLE_TEMPLATE_ID } from '../schema/directory.ts';
import { AuthEvent, eventTime, type SignIn } from '../schema/events.ts';
import { parseIp } from '../schema/ip.ts';
import { CITIES, cityKey, haversineKm } from './cities.ts';
import { locate } from './geo-pool.ts';
import type { Label } from './model.ts';
import { simulate, type SimulatedWorld } from './simulate.ts';
import { localHour } from './time.ts';
import { writeSimulation } from './write.ts';

const END = new Date('2026-11-27T00:00:00.000Z');
const OPTS = { users: 240, days: 21, seed: 7, end: END };
const checkEvent = Compile(AuthEvent);
const checkDirectory = Compile(DirectorySnapshot);

let world: SimulatedWorld;
let events: ReturnType<SimulatedWorld['events']> extends Generator<infer T> ? T[] : never;
let signIns: SignIn[];
let byId: Map<string, SignIn>;

beforeAll(() => {
  world = simulate(OPTS);
  events = [...world.events()];
  signIns = events.filter((e): e is SignIn => e.kind === 'signIn');
  byId = new Map(signIns.map((s) => [s.id, s]));
});

const ms = (iso: string): number => Date.parse(iso);
const labelSignIns = (l: Label): SignIn[] => l.signInIds.map((id) => byId.get(id)).filter((s): s is SignIn => s !== undefined);
const labelsOf = (attack: string, detector?: string): Label[] =>
  world.labels.filter((l) => l.attack === attack && (detector === undefined || l.detector === detector));

const made: string[] = [];
function tmp(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'authlens-sim-'));
  made.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of made) fs.rmSync(dir, { recursive: true, force: true });
});

describe('simulate: determinism', () => {
  it('writes the same bytes for the same seed and different events for another seed', () => {
    const small = { users: 60, days: 7, seed: 11, end: END };
    const a = tmp();
    const b = tmp();
    writeSimulation(simulate(small), a);
    writeSimulation(simulate(small), b);
    for (const f of ['directory.json', 'events.ndjson', 'labels.ndjson', 'confounders.ndjson', 'leaks.csv', 'manifest.json', 'lists/demo-tor-exits.txt', 'lists/demo-botnet.txt', 'lists/corporate-egress.txt']) {
      expect(fs.readFileSync(path.join(a, f)).equals(fs.readFileSync(path.join(b, f))), f).toBe(true);
    }
    const c = tmp();
    writeSimulation(simulate({ ...small, seed: 12 }), c);
    expect(fs.readFileSync(path.join(c, 'events.ndjson')).equals(fs.readFileSync(path.join(a, 'events.ndjson')))).toBe(false);
  });

  it('yields the same events on every pass over one world', () => {
    const again = [...world.events()];
    expect(again.length).toBe(events.length);
    expect(JSON.stringify(again.slice(0, 500))).toBe(JSON.stringify(events.slice(0, 500)));
    expect(JSON.stringify(again.at(-1))).toBe(JSON.stringify(events.at(-1)));
  });

  it('works for any end time and length: every event inside the range, every label resolvable', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 7, max: 20 }),
        fc.integer({ min: 0, max: 400 * 86_400 }),
        fc.integer({ min: 50, max: 90 }),
        (days, offsetS, users) => {
          // One seed, so the GeoIP pool is sampled once for all runs.
          const w = simulate({ users, days, seed: 3, end: new Date(Date.UTC(2026, 0, 1) + offsetS * 1000) });
          const start = ms(w.range.start);
          const end = ms(w.range.end);
          const ids = new Set<string>();
          for (const e of w.events()) {
            const t = ms(eventTime(e));
            expect(t >= start && t < end).toBe(true);
            if (e.kind === 'signIn') ids.add(e.id);
          }
          for (const l of w.labels) for (const id of l.signInIds) expect(ids.has(id)).toBe(true);
        },
      ),
      { numRuns: 12 },
    );
  }, 120_000);

  it('refuses options outside the documented ranges', () => {
    expect(() => simulate({ ...OPTS, users: 10 })).toThrow(/users/);
    expect(() => simulate({ ...OPTS, days: 0 })).toThrow(/days/);
    expect(() => simulate({ ...OPTS, seed: -1 })).toThrow(/seed/);
    expect(() => simulate({ ...OPTS, end: new Date('nope') })).toThrow(/end/);
  });
});

describe('simulate: events', () => {
  it('every event validates against the native schema', () => {
    const bad = events.filter((e) => !checkEvent.Check(e));
    expect(bad.slice(0, 1).map((e) => [...checkEvent.Errors(e)].slice(0, 3))).toEqual([]);
    expect(bad.length).toBe(0);
  });

  it('is sorted by time, inside the range, with unique ids and every kind present', () => {
    const start = ms(world.range.start);
    const end = ms(world.range.end);
    let prev = '';
    const ids = new Set<string>();
    const kinds = new Set<string>();
    for (const e of events) {
      const t = eventTime(e);
      expect(t >= prev).toBe(true);
      prev = t;
      expect(ms(t) >= start && ms(t) < end).toBe(true);
      ids.add(`${e.kind}|${e.id}`);
      kinds.add(e.kind);
    }
    expect(ids.size).toBe(events.length);
    expect([...kinds].sort()).toEqual(['appAccess', 'directoryAudit', 'passwordRollover', 'provisioning', 'rmsAccess', 'signIn']);
  });

  it('outcome agrees with the Entra error code', () => {
    const expected: Record<number, string> = { 0: 'success', 50126: 'credentialFailure', 50034: 'credentialFailure', 50053: 'blocked', 500121: 'mfaDenied', 50074: 'interrupted', 50140: 'interrupted', 50057: 'disabled' };
    for (const s of signIns) {
      const want = expected[s.status.errorCode];
      if (want !== undefined) expect(s.outcome).toBe(want);
      expect(s.status.errorCode === 0).toBe(s.outcome === 'success');
    }
    const codes = new Set(signIns.map((s) => s.status.errorCode));
    for (const c of [0, 50126, 50053, 500121, 50074, 50057]) expect(codes.has(c), String(c)).toBe(true);
  });

  it('has the kinds of traffic every report needs', () => {
    const audits = events.filter((e) => e.kind === 'directoryAudit');
    const categories = new Set(audits.map((a) => a.category));
    for (const c of ['UserManagement', 'GroupManagement', 'RoleManagement', 'ApplicationManagement', 'PasswordReset', 'PasswordResetRegistration', 'SelfServiceGroupManagement']) {
      expect(categories.has(c), c).toBe(true);
    }
    const ssgActions = new Set(audits.filter((a) => a.category === 'SelfServiceGroupManagement').flatMap((a) => a.additionalDetails.filter((d) => d.key === 'Action').map((d) => d.value)));
    expect([...ssgActions].sort()).toEqual(['approve', 'create', 'deny', 'join request', 'leave']);
    expect(audits.some((a) => a.category === 'PasswordReset' && a.result === 'failure' && a.resultReason !== undefined)).toBe(true);
    const prov = events.filter((e) => e.kind === 'provisioning');
    expect(prov.some((p) => p.result === 'failure' && p.errorCode !== undefined && p.errorMessage !== undefined)).toBe(true);
    expect(prov.some((p) => (p.attempt ?? 1) > 1)).toBe(true);
    expect(events.some((e) => e.kind === 'passwordRollover' && e.status === 'failure' && e.error !== undefined)).toBe(true);
    const rms = new Set(events.flatMap((e) => (e.kind === 'rmsAccess' ? [e.action] : [])));
    expect([...rms].sort()).toEqual(['edit', 'print', 'protect', 'view']);
    const access = new Set(events.flatMap((e) => (e.kind === 'appAccess' ? [e.accessType] : [])));
    expect([...access].sort()).toEqual(['accessPanel', 'sso']);
    expect(signIns.some((s) => s.userType === 'consumer')).toBe(true);
    expect(signIns.some((s) => s.appDisplayName === 'Microsoft Online Services Sign-In Assistant' && !s.isInteractive)).toBe(true);
    expect(signIns.some((s) => s.isInteractive) && signIns.some((s) => !s.isInteractive)).toBe(true);
    const clients = new Set(signIns.map((s) => s.clientAppUsed));
    for (const c of ['Browser', 'Mobile Apps and Desktop clients', 'Exchange ActiveSync']) expect(clients.has(c), c).toBe(true);
    expect(signIns.some((s) => s.ipAddress?.includes(':') === true)).toBe(true);
  });

  it('every sign-in IP is a valid canonical literal that GeoLite2 places somewhere', () => {
    const ips = [...new Set(signIns.map((s) => s.ipAddress ?? ''))];
    for (const ip of ips) {
      expect(parseIp(ip)?.canonical, ip).toBe(ip);
      expect(locate(ip), ip).toBeDefined();
    }
  });

  it('client apps fit the app and the device: ActiveSync only for mail, token refreshes never in a browser, native apps on their platform', () => {
    const mail = new Set(['Office 365 Exchange Online', 'Outlook Mobile']);
    const mobileOs = (os: string) => os.startsWith('Ios') || os.startsWith('Android');
    for (const s of signIns) {
      if (s.clientAppUsed === 'Exchange ActiveSync') expect(mail.has(s.appDisplayName ?? ''), s.appDisplayName).toBe(true);
      if (!s.isInteractive) expect(s.clientAppUsed).not.toBe('Browser');
      const os = s.deviceDetail?.operatingSystem ?? '';
      if (s.appDisplayName === 'Outlook Mobile') expect(mobileOs(os), os).toBe(true);
      if (s.appDisplayName === 'OneDrive SyncEngine') expect(mobileOs(os), os).toBe(false);
    }
  });

  it('no pile-up of sign-ins on exact hours (times are not clamped)', () => {
    const onTheHour = signIns.filter((s) => s.createdDateTime.endsWith(':00:00.000Z')).length;
    // Uniform seconds would put about 1 in 3,600 there.
    expect(onTheHour).toBeLessThan(signIns.length / 1000 + 5);
  });

  it('user agents agree with the device detail', () => {
    for (const s of signIns.slice(0, 5000)) {
      const os = s.deviceDetail?.operatingSystem ?? '';
      const ua = s.userAgent ?? '';
      if (os.startsWith('Ios')) expect(ua).toMatch(/iPhone/);
      if (os.startsWith('Android')) expect(ua).toMatch(/Android/);
      if (os === 'MacOs') expect(ua).toMatch(/Macintosh/);
    }
  });
});

describe('simulate: rhythm', () => {
  it('weekdays are far busier than weekends, with 5-10 sign-ins per active user per workday', () => {
    const perDay = new Map<string, { n: number; users: Set<string> }>();
    for (const s of signIns) {
      if (s.userType === 'consumer') continue;
      const d = s.createdDateTime.slice(0, 10);
      const v = perDay.get(d) ?? { n: 0, users: new Set<string>() };
      v.n++;
      v.users.add(s.userPrincipalName);
      perDay.set(d, v);
    }
    const isWeekend = (d: string) => [0, 6].includes(new Date(`${d}T12:00:00Z`).getUTCDay());
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
    const days = [...perDay.entries()];
    const weekday = mean(days.filter(([d]) => !isWeekend(d)).map(([, v]) => v.n));
    const weekend = mean(days.filter(([d]) => isWeekend(d)).map(([, v]) => v.n));
    expect(weekday).toBeGreaterThan(3 * weekend);
    const perUser = mean(days.filter(([d]) => !isWeekend(d)).map(([, v]) => v.n / v.users.size));
    expect(perUser).toBeGreaterThanOrEqual(5);
    expect(perUser).toBeLessThanOrEqual(12);
  });

  it('members sign in mostly during their local working hours, with a lunch dip', () => {
    const users = new Map(world.directory.users.map((u) => [u.userPrincipalName, u]));
    let work = 0;
    let night = 0;
    for (const s of signIns) {
      if (users.get(s.userPrincipalName)?.userType !== 'member' || s.source !== 'simulator') continue;
      const loc = locate(s.ipAddress ?? '');
      if (loc === undefined || loc.city === '') continue;
      // The home zone is the one of the GeoLite2 city; a coarse check is enough here.
      const tz = TZ_BY_COUNTRY[loc.country];
      if (tz === undefined) continue;
      const h = localHour(tz, ms(s.createdDateTime));
      if (h >= 7 && h < 19) work++;
      else if (h < 5) night++;
    }
    expect(work).toBeGreaterThan(20 * night);
  });
});

/** The zone of the city a user signs in from most (their home). */
function tzOfHistory(history: readonly SignIn[]): string {
  const counts = new Map<string, number>();
  for (const s of history) {
    const g = locate(s.ipAddress ?? '');
    if (g !== undefined && g.city !== '') counts.set(`${g.city}|${g.country}`, (counts.get(`${g.city}|${g.country}`) ?? 0) + 1);
  }
  const home = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
  const city = CITIES.find((c) => cityKey(c) === home);
  if (city === undefined) throw new Error(`no home city in history (${home ?? 'none'})`);
  return city.tz;
}

const TZ_BY_COUNTRY: Record<string, string> = { GB: 'Europe/London', FR: 'Europe/Paris', DE: 'Europe/Berlin', JP: 'Asia/Tokyo', IN: 'Asia/Kolkata', NL: 'Europe/Amsterdam' };

describe('simulate: directory', () => {
  it('is a valid snapshot with guests, disabled users, self-service groups, ~40 apps and admin roles', () => {
    const d = world.directory;
    expect(checkDirectory.Check(d)).toBe(true);
    expect(d.users.length).toBe(OPTS.users);
    expect(d.users.some((u) => u.userType === 'guest')).toBe(true);
    expect(d.users.filter((u) => !u.accountEnabled).length).toBeGreaterThanOrEqual(3);
    expect(d.groups.filter((g) => g.selfService).length).toBeGreaterThanOrEqual(5);
    expect(d.applications.length).toBeGreaterThanOrEqual(40);
    for (const a of ['Office 365 Exchange Online', 'Office 365 SharePoint Online', 'Microsoft Teams', 'Azure Portal', 'Salesforce', 'Workday', 'ServiceNow', 'GitHub Enterprise Cloud', 'Slack', 'Zoom']) {
      expect(d.applications.some((x) => x.displayName === a), a).toBe(true);
    }
    const users = new Map(d.users.map((u) => [u.id, u]));
    const ga = d.roles.find((r) => r.roleTemplateId === GLOBAL_ADMIN_ROLE_TEMPLATE_ID);
    const gaUsers = (ga?.memberIds ?? []).map((id) => users.get(id));
    expect(gaUsers.filter((u) => u !== undefined && u.assignedLicenses.length > 0).length).toBeGreaterThanOrEqual(3);
    expect(gaUsers.filter((u) => u !== undefined && u.assignedLicenses.length === 0).length).toBe(1);
    expect(d.roles.find((r) => r.roleTemplateId === SECURITY_ADMIN_ROLE_TEMPLATE_ID)?.memberIds.length).toBeGreaterThanOrEqual(2);
    const upns = new Set(d.users.map((u) => u.userPrincipalName.toLowerCase()));
    expect(upns.size).toBe(d.users.length);
  });

  it('disabled accounts never sign in successfully', () => {
    const disabled = new Set(world.directory.users.filter((u) => !u.accountEnabled).map((u) => u.userPrincipalName));
    const theirs = signIns.filter((s) => disabled.has(s.userPrincipalName));
    expect(theirs.every((s) => s.outcome === 'disabled')).toBe(true);
  });
});

describe('simulate: labelled attacks', () => {
  it('labels name known detectors and existing sign-ins, and every attack kind is present', () => {
    for (const l of [...world.labels, ...world.confounders]) {
      expect(DETECTOR_IDS).toContain(l.detector);
      for (const id of l.signInIds) expect(byId.has(id), `${l.attack} ${id}`).toBe(true);
      expect(l.start <= l.end).toBe(true);
    }
    const attacks = new Set(world.labels.map((l) => l.attack));
    for (const a of ['password-spray', 'hostile-ip', 'brute-force', 'impossible-travel', 'tor-sign-in', 'botnet-sign-in', 'leaked-credentials', 'mfa-fatigue', 'irregular-sign-in']) {
      expect(attacks.has(a), a).toBe(true);
    }
    const detectors = new Set(world.labels.map((l) => l.detector));
    for (const d of ['D1', 'D2', 'D3', 'D4', 'D5', 'D6', 'D7', 'D8', 'mfa-fatigue', 'brute-force']) expect(detectors.has(d as never), d).toBe(true);
  });

  it('password spray: one IP fails against 10+ distinct users within 30 minutes, then succeeds once', () => {
    for (const l of labelsOf('password-spray', 'D4')) {
      const rows = labelSignIns(l);
      expect(new Set(rows.map((r) => r.ipAddress))).toEqual(new Set([l.ipAddress]));
      const fails = rows.filter((r) => r.outcome !== 'success');
      expect(new Set(fails.map((r) => r.userPrincipalName)).size).toBeGreaterThanOrEqual(10);
      expect(ms(fails.at(-1)?.createdDateTime ?? '') - ms(fails[0]?.createdDateTime ?? '')).toBeLessThanOrEqual(30 * 60_000);
      expect(rows.filter((r) => r.outcome === 'success').length).toBe(1);
    }
  });

  it('password spray: the victim then registers an MFA method and joins an admin group, from the spray IP, within 2 hours', () => {
    const sprays = labelsOf('password-spray', 'D4');
    expect(sprays.length).toBeGreaterThan(0);
    for (const l of sprays) {
      const success = labelSignIns(l).find((r) => r.outcome === 'success');
      const after = events.filter(
        (e) => e.kind === 'directoryAudit' && e.initiatedBy.user?.userPrincipalName === success?.userPrincipalName && e.initiatedBy.user?.ipAddress === l.ipAddress,
      );
      expect(after.map((e) => (e.kind === 'directoryAudit' ? e.activityDisplayName : ''))).toEqual(['User registered security info', 'Add member to group']);
      for (const e of after) {
        const t = ms(eventTime(e)) - ms(success?.createdDateTime ?? '');
        expect(t > 0 && t <= 2 * 3600_000).toBe(true);
      }
    }
  });

  it('hostile IP: 100+ failures within 24 hours', () => {
    for (const l of labelsOf('hostile-ip')) {
      const rows = labelSignIns(l);
      expect(rows.filter((r) => r.outcome !== 'success').length).toBeGreaterThanOrEqual(100);
      expect(ms(l.end) - ms(l.start)).toBeLessThan(24 * 3600_000);
    }
  });

  it('brute force: 10+ consecutive failures of one user from one IP, then a success, nothing of theirs in between', () => {
    for (const l of labelsOf('brute-force', 'brute-force')) {
      const rows = labelSignIns(l);
      expect(new Set(rows.map((r) => `${r.userPrincipalName}|${r.ipAddress}`)).size).toBe(1);
      expect(rows.at(-1)?.outcome).toBe('success');
      expect(rows.slice(0, -1).every((r) => r.outcome === 'credentialFailure')).toBe(true);
      expect(rows.length - 1).toBeGreaterThanOrEqual(10);
      const mine = signIns.filter((s) => s.userPrincipalName === l.userPrincipalName && s.createdDateTime >= l.start && s.createdDateTime <= l.end);
      expect(mine.length).toBe(rows.length);
    }
  });

  it('MFA fatigue: more than 10 denied prompts (500121) within 10 minutes', () => {
    for (const l of labelsOf('mfa-fatigue', 'mfa-fatigue')) {
      const denied = labelSignIns(l).filter((r) => r.status.errorCode === 500121 && r.outcome === 'mfaDenied');
      expect(denied.length).toBeGreaterThan(10);
      expect(ms(denied.at(-1)?.createdDateTime ?? '') - ms(denied[0]?.createdDateTime ?? '')).toBeLessThanOrEqual(10 * 60_000);
    }
  });

  it('impossible travel: two successes more than 500 km apart at more than 900 km/h', () => {
    for (const l of labelsOf('impossible-travel', 'D3')) {
      const [a, b] = labelSignIns(l);
      const ga = locate(a?.ipAddress ?? '');
      const gb = locate(b?.ipAddress ?? '');
      expect(ga && gb).toBeTruthy();
      if (a === undefined || b === undefined || ga === undefined || gb === undefined) continue;
      const km = haversineKm(ga.lat, ga.lon, gb.lat, gb.lon);
      const hours = (ms(b.createdDateTime) - ms(a.createdDateTime)) / 3600_000;
      expect(km).toBeGreaterThan(500);
      expect(km / hours).toBeGreaterThan(900);
      expect(a.outcome === 'success' && b.outcome === 'success').toBe(true);
    }
  });

  it('Tor and botnet sign-ins come from the demo lists, and no unlabelled sign-in does', () => {
    const tor = new Set(world.lists.torExits);
    const bot = new Set(world.lists.botnet);
    const labelled = new Set(world.labels.flatMap((l) => l.signInIds));
    for (const l of labelsOf('tor-sign-in', 'D1')) for (const r of labelSignIns(l)) expect(tor.has(r.ipAddress ?? '')).toBe(true);
    for (const l of labelsOf('botnet-sign-in', 'D5')) for (const r of labelSignIns(l)) expect(bot.has(r.ipAddress ?? '')).toBe(true);
    expect(labelsOf('tor-sign-in', 'D1').some((l) => labelSignIns(l).some((r) => r.outcome === 'success'))).toBe(true);
    const stray = signIns.filter((s) => (tor.has(s.ipAddress ?? '') || bot.has(s.ipAddress ?? '')) && !labelled.has(s.id));
    expect(stray.length).toBe(0);
  });

  it('irregular sign-in: a user with history appears from a new country at night', () => {
    for (const l of labelsOf('irregular-sign-in', 'D6')) {
      const [first] = labelSignIns(l);
      if (first === undefined) throw new Error('empty label');
      const before = signIns.filter((s) => s.userPrincipalName === l.userPrincipalName && s.outcome === 'success' && s.createdDateTime < first.createdDateTime);
      expect(before.length).toBeGreaterThanOrEqual(10);
      const countries = new Set(before.map((s) => locate(s.ipAddress ?? '')?.country));
      expect(countries.has(locate(first.ipAddress ?? '')?.country)).toBe(false);
      const oses = new Set(before.map((s) => s.deviceDetail?.operatingSystem));
      expect(oses.has(first.deviceDetail?.operatingSystem)).toBe(false);
      expect(localHour(tzOfHistory(before), ms(first.createdDateTime))).toBeLessThan(5);
    }
  });

  it('leaked credentials: labelled users are directory users listed in leaks.csv', () => {
    const upns = new Set(world.directory.users.map((u) => u.userPrincipalName.toLowerCase()));
    const leaked = new Set(world.leaks.map((l) => l.email.toLowerCase()));
    const d8 = labelsOf('leaked-credentials', 'D8');
    expect(d8.length).toBeGreaterThanOrEqual(5);
    for (const l of d8) {
      const upn = (l.userPrincipalName ?? '').toLowerCase();
      expect(upns.has(upn) && leaked.has(upn)).toBe(true);
    }
    for (const c of world.confounders.filter((x) => x.detector === 'D8')) expect(upns.has((c.userPrincipalName ?? '').toLowerCase())).toBe(false);
    for (const l of world.leaks) expect(l.sha1 === '' || /^[0-9A-F]{40}$/.test(l.sha1)).toBe(true);
  });
});

describe('simulate: confounders stay benign', () => {
  it('nobody outside the labelled attacks fails 5 times in a row before a success (mistypes stay short)', () => {
    const attackIds = new Set(world.labels.flatMap((l) => l.signInIds));
    const run = new Map<string, number>();
    let longest = 0;
    for (const s of signIns) {
      if (attackIds.has(s.id)) continue;
      const n = s.outcome === 'success' ? 0 : (run.get(s.userPrincipalName) ?? 0) + 1;
      run.set(s.userPrincipalName, n);
      if (s.outcome !== 'disabled') longest = Math.max(longest, n);
    }
    expect(longest).toBeLessThan(5);
    expect(world.confounders.filter((c) => c.attack === 'mistyped-password').length).toBeGreaterThan(0);
  });

  it('travellers and VPN users move at plausible speeds or egress from the trusted list', () => {
    const trusted = new Set(world.lists.corporateEgress);
    for (const c of world.confounders.filter((x) => x.attack === 'business-trip')) {
      const rows = labelSignIns(c);
      for (let i = 1; i < rows.length; i++) {
        const a = rows[i - 1];
        const b = rows[i];
        const ga = locate(a?.ipAddress ?? '');
        const gb = locate(b?.ipAddress ?? '');
        if (a === undefined || b === undefined || ga === undefined || gb === undefined) throw new Error('unlocatable trip sign-in');
        const km = haversineKm(ga.lat, ga.lon, gb.lat, gb.lon);
        const hours = (ms(b.createdDateTime) - ms(a.createdDateTime)) / 3600_000;
        if (km > 50) expect(km / hours).toBeLessThan(900);
      }
      expect(rows.length).toBeGreaterThanOrEqual(3);
    }
    for (const c of world.confounders.filter((x) => x.attack === 'corporate-vpn')) expect(trusted.has(c.ipAddress ?? '')).toBe(true);
    const mobile = world.confounders.filter((x) => x.attack === 'mobile-country-only-ip');
    for (const c of mobile) expect(locate(c.ipAddress ?? '')?.city).toBe('');
  });

  it('the shared office NAT never sees 10 distinct failing users within 30 minutes, nor 100 failures a day', () => {
    const nat = world.confounders.find((c) => c.attack === 'office-nat-shared-ip')?.ipAddress;
    expect(nat).toBeDefined();
    const fails = signIns.filter((s) => s.ipAddress === nat && s.outcome !== 'success');
    for (let i = 0; i < fails.length; i++) {
      const from = ms(fails[i]?.createdDateTime ?? '');
      const users = new Set<string>();
      for (let j = i; j < fails.length && ms(fails[j]?.createdDateTime ?? '') - from <= 30 * 60_000; j++) users.add(fails[j]?.userPrincipalName ?? '');
      expect(users.size).toBeLessThan(10);
    }
    const perDay = new Map<string, number>();
    for (const f of fails) perDay.set(f.createdDateTime.slice(0, 10), (perDay.get(f.createdDateTime.slice(0, 10)) ?? 0) + 1);
    expect(Math.max(0, ...perDay.values())).toBeLessThan(100);
    expect(new Set(signIns.filter((s) => s.ipAddress === nat).map((s) => s.userPrincipalName)).size).toBeGreaterThanOrEqual(10);
  });
});

describe('writeSimulation: files', () => {
  it('can leave events.ndjson out (for callers that stream events into ingest), removing a stale one', () => {
    const out = tmp();
    const small = simulate({ users: 60, days: 7, seed: 5, end: END });
    writeSimulation(small, out);
    const m = writeSimulation(small, out, { includeEvents: false });
    expect(fs.existsSync(path.join(out, 'events.ndjson'))).toBe(false);
    expect(m.files).not.toContain('events.ndjson');
    expect(m.counts.events).toBeUndefined();
    expect(fs.existsSync(path.join(out, 'labels.ndjson'))).toBe(true);
  });

  it('writes lists with a synthetic header and one valid IP per line, leaks with the SPEC header, and a manifest that counts', () => {
    const out = tmp();
    const m = writeSimulation(simulate({ users: 60, days: 7, seed: 5, end: END }), out);
    for (const f of ['demo-tor-exits.txt', 'demo-botnet.txt', 'corporate-egress.txt']) {
      const lines = fs.readFileSync(path.join(out, 'lists', f), 'utf8').trim().split('\n');
      expect(lines[1]).toMatch(/SYNTHETIC/);
      const ips = lines.filter((l) => !l.startsWith('#'));
      expect(ips.length).toBeGreaterThan(0);
      for (const ip of ips) expect(parseIp(ip)).toBeDefined();
    }
    expect(fs.readFileSync(path.join(out, 'leaks.csv'), 'utf8').split('\n')[0]).toBe('email,sha1,source,date');
    const lines = fs.readFileSync(path.join(out, 'events.ndjson'), 'utf8').trim().split('\n');
    expect(lines.length).toBe(m.counts.events);
    const first = JSON.parse(lines[0] ?? '{}') as { kind?: string };
    expect(first.kind).toBeDefined();
    expect(JSON.parse(fs.readFileSync(path.join(out, 'manifest.json'), 'utf8'))).toEqual(m);
  });
});
