/**
 * Scripted episodes: labelled attacks (labels.ndjson) and benign look-alikes
 * that must not fire (confounders.ndjson). Each episode writes its own
 * sign-ins and blacks out the person's background traffic around it, so the
 * pattern is exactly what the label claims (e.g. brute-force failures are
 * really consecutive).
 */
import { createHash } from 'node:crypto';
import type { DetectorId } from '../schema/detections.ts';
import type { DirectoryAudit, SignIn } from '../schema/events.ts';
import { ATTACK_PROFILES, GUEST_DOMAINS, type DeviceProfile } from './catalog.ts';
import { ANONYMIZER_CITIES, ATTACKER_CITIES, CITIES, IRREGULAR_CITIES, cityKey, haversineKm } from './cities.ts';
import type { GeoIp, IpAllocator } from './geo-pool.ts';
import type { Device, IpLists, Label, LeakRecord, Organisation, Person, SimApp } from './model.ts';
import { IdFactory, Rng } from './rng.ts';
import { makeSignIn, type EntraCode } from './sign-in-factory.ts';
import { DAY, HOUR, MINUTE, isWeekend, iso, localToUtc, utcDay } from './time.ts';

const SECOND = 1000;
/** Id stream reserved for scripted events (day streams use 1..0xffd). */
export const SCRIPT_STREAM = 0xffe;
/** Id stream of the directory changes attackers make after getting in (its own, so adding them moved no other id). */
export const FOLLOW_UP_STREAM = 0xfff;

export interface Scenarios {
  readonly signIns: readonly SignIn[];
  /** What attackers did in the directory after getting in (incidents show them after the sign-in). */
  readonly audits: readonly DirectoryAudit[];
  readonly labels: readonly Label[];
  readonly confounders: readonly Label[];
  readonly blackouts: ReadonlyMap<number, ReadonlyArray<readonly [number, number]>>;
  readonly lists: IpLists;
  readonly leaks: readonly LeakRecord[];
}

interface Range {
  readonly start: number;
  readonly end: number;
}

class Script {
  readonly signIns: SignIn[] = [];
  readonly audits: DirectoryAudit[] = [];
  readonly labels: Label[] = [];
  readonly confounders: Label[] = [];
  readonly blackouts = new Map<number, Array<readonly [number, number]>>();
  private readonly used = new Set<number>();
  private readonly ids: IdFactory;

  constructor(
    readonly rng: Rng,
    readonly org: Organisation,
    readonly range: Range,
    /** Draws of the follow-ups only: the attacks' own draws stay what they were before follow-ups existed. */
    private readonly followRng: Rng,
  ) {
    this.ids = new IdFactory(new Rng(rng.nextU32(), 'script-ids'), SCRIPT_STREAM);
    this.followIds = new IdFactory(new Rng(followRng.nextU32(), 'follow-up-ids'), FOLLOW_UP_STREAM);
  }

  private readonly followIds: IdFactory;

  /**
   * An account takeover's next steps, as the victim's session: an MFA method of
   * the attacker's own, then the victim in an admin group, from the attacker's IP.
   */
  takeover(victim: Person, ip: GeoIp, signedInAt: number): void {
    const r = this.followRng;
    const registeredAt = signedInAt + r.int(8, 40) * MINUTE;
    const addedAt = registeredAt + r.int(5, 30) * MINUTE;
    if (addedAt >= this.range.end) return;
    const group = this.org.directory.groups.find((g) => g.displayName === 'Cloud Platform Admins') ?? this.org.directory.groups[0];
    const by = { user: { id: victim.id, userPrincipalName: victim.upn, displayName: victim.displayName, ipAddress: ip.ip } };
    const user = { id: victim.id, userPrincipalName: victim.upn, displayName: victim.displayName, type: 'User' };
    const audit = (t: number, fields: Omit<DirectoryAudit, 'kind' | 'id' | 'activityDateTime' | 'correlationId' | 'source' | 'result' | 'initiatedBy'>): void => {
      this.audits.push({ kind: 'directoryAudit', id: `Directory_${this.followIds.next()}`, activityDateTime: iso(t), correlationId: this.followIds.next(), source: 'simulator', result: 'success', initiatedBy: by, ...fields });
    };
    audit(registeredAt, {
      category: 'UserManagement',
      activityDisplayName: 'User registered security info',
      operationType: 'Add',
      loggedByService: 'Authentication Methods',
      targetResources: [user],
      additionalDetails: [{ key: 'MethodsRegistered', value: 'Mobile app notification' }],
    });
    if (group === undefined) return;
    audit(addedAt, {
      category: 'GroupManagement',
      activityDisplayName: 'Add member to group',
      operationType: 'Assign',
      loggedByService: 'Core Directory',
      targetResources: [user, { id: group.id, displayName: group.displayName, type: 'Group' }],
      additionalDetails: [],
    });
  }

  app(name: string): SimApp {
    const a = this.org.apps.find((x) => x.displayName === name);
    if (a === undefined) throw new Error(`unknown app ${name}`);
    return a;
  }

  /** A person not yet used by another episode, matching the filter. */
  person(filter: (p: Person) => boolean): Person | undefined {
    const pool = this.org.people.filter((p) => p.index >= 1 && !this.used.has(p.index) && filter(p));
    if (pool.length === 0) return undefined;
    const p = this.rng.pick(pool);
    this.used.add(p.index);
    return p;
  }

  block(p: Person, from: number, to: number): void {
    const list = this.blackouts.get(p.index) ?? [];
    list.push([from, to]);
    this.blackouts.set(p.index, list);
  }

  /**
   * A weekday (UTC date) whose whole local day, in any zone, lies inside the
   * range with a day to spare, optionally within [minFrac, maxFrac] of it.
   */
  workday(minFrac = 0, maxFrac = 1): number {
    const lowest = Math.ceil((this.range.start + DAY) / DAY) * DAY;
    const highest = Math.floor((this.range.end - 2 * DAY) / DAY) * DAY;
    const span = Math.max(0, Math.round((highest - lowest) / DAY));
    const lo = Math.floor(span * minFrac);
    const hi = Math.max(lo, Math.floor(span * maxFrac));
    for (let tries = 0; tries < 50; tries++) {
      const d = lowest + this.rng.int(lo, hi) * DAY;
      if (!isWeekend(d)) return d;
    }
    return lowest + lo * DAY;
  }

  signIn(
    time: number,
    who: Person | { upn: string },
    app: SimApp,
    ip: GeoIp,
    device: Device | DeviceProfile,
    code: EntraCode,
    opts: { interactive?: boolean; mfaMethod?: string; clientApp?: string } = {},
  ): string {
    if (time < this.range.start || time >= this.range.end) throw new Error('scripted sign-in outside the range');
    const id = this.ids.next();
    const identity =
      'index' in who
        ? { id: who.id, upn: who.upn, displayName: who.displayName, userType: who.userType }
        : { upn: who.upn, userType: 'member' as const };
    this.signIns.push(
      makeSignIn({
        id,
        correlationId: this.ids.next(),
        time,
        who: identity,
        app,
        ip,
        device,
        interactive: opts.interactive ?? true,
        code,
        ...(opts.mfaMethod !== undefined ? { mfaMethod: opts.mfaMethod } : {}),
        ...(opts.clientApp !== undefined ? { clientApp: opts.clientApp } : {}),
      }),
    );
    return id;
  }

  label(
    into: 'labels' | 'confounders',
    attack: string,
    detector: DetectorId,
    ids: readonly string[],
    extra: { userPrincipalName?: string; ipAddress?: string; start?: number; end?: number },
  ): void {
    const times = this.signIns.filter((s) => ids.includes(s.id)).map((s) => Date.parse(s.createdDateTime));
    const start = extra.start ?? Math.min(...times);
    const end = extra.end ?? Math.max(...times);
    this[into].push({
      attack,
      detector,
      ...(extra.userPrincipalName !== undefined ? { userPrincipalName: extra.userPrincipalName } : {}),
      ...(extra.ipAddress !== undefined ? { ipAddress: extra.ipAddress } : {}),
      signInIds: [...ids],
      start: iso(start),
      end: iso(end),
    });
  }
}

const ordinary = (p: Person): boolean =>
  p.enabled && p.userType === 'member' && p.vpnIp === undefined && !p.mobileCountryOnly && p.devices.length > 0;

function desktopOf(p: Person): Device {
  const d = p.devices[0];
  if (d === undefined) throw new Error(`person ${p.upn} has no device`);
  return d;
}

/** An attacker city far (over 3,000 km) from the victim. */
function farAttackerCity(rng: Rng, p: Person): string {
  const far = ATTACKER_CITIES.filter((k) => {
    const c = CITIES.find((x) => cityKey(x) === k);
    return c !== undefined && haversineKm(c.lat, c.lon, p.city.lat, p.city.lon) > 3000;
  });
  return rng.pick(far.length > 0 ? far : ATTACKER_CITIES);
}

export function buildScenarios(seed: number, org: Organisation, alloc: IpAllocator, range: Range): Scenarios {
  const rng = new Rng(seed, 'scenarios');
  const s = new Script(rng, org, range, new Rng(seed, 'scenario-follow-ups'));
  const rangeDays = (range.end - range.start) / DAY;

  // IP lists first, so attack IPs come out of them.
  const torExits = ANONYMIZER_CITIES.flatMap((k) => Array.from({ length: 10 }, () => alloc.city(k, true)));
  const botnetOutside = ATTACKER_CITIES.flatMap((k) => Array.from({ length: 3 }, () => alloc.city(k, true)));
  const botnetVictimIps: GeoIp[] = [];

  passwordSpray(s, alloc, 4);
  hostileIp(s, alloc, 3);
  bruteForce(s, alloc, 4);
  impossibleTravel(s, alloc, 4);
  torSignIns(s, torExits.slice(0, 6));
  botnetSignIns(s, alloc, 4, botnetVictimIps);
  mfaFatigue(s, alloc, 3);
  if (rangeDays >= 16) irregular(s, alloc, 3);
  const leaks = leakedCredentials(s, alloc, seed);

  mistypes(s, 12);
  travellers(s, alloc, Math.min(12, Math.max(3, Math.round(org.people.length * 0.005))));
  vpnEpisodes(s, 6);
  mobileCountryOnly(s, 6);
  officeNat(s, 4);

  s.signIns.sort((a, b) => (a.createdDateTime < b.createdDateTime ? -1 : a.createdDateTime > b.createdDateTime ? 1 : 0));
  return {
    signIns: s.signIns,
    audits: s.audits,
    labels: s.labels,
    confounders: s.confounders,
    blackouts: s.blackouts,
    lists: {
      torExits: torExits.map((g) => g.ip),
      botnet: [...botnetVictimIps, ...botnetOutside].map((g) => g.ip),
      corporateEgress: [...org.offices.values(), ...org.vpnIps].map((g) => g.ip),
    },
    leaks,
  };
}

function passwordSpray(s: Script, alloc: IpAllocator, n: number): void {
  const { rng, org } = s;
  for (let k = 0; k < n; k++) {
    const ip = alloc.city(rng.pick(ATTACKER_CITIES), true);
    const tool = rng.pick(ATTACK_PROFILES.slice(0, 3));
    const day = s.workday(0.05, 0.95);
    let t = day + rng.int(0, 23) * HOUR + rng.int(0, 59) * MINUTE;
    const targets = rng.sample(
      org.people.filter((p) => p.userType === 'member' && p.index > 0),
      rng.int(12, Math.min(30, org.people.length - 20)),
    );
    const victim = s.person(ordinary);
    if (victim === undefined) return;
    const ids: string[] = [];
    const app = s.app('Office 365 Exchange Online');
    for (const target of targets) {
      if (target.index === victim.index) continue;
      ids.push(s.signIn(t, target, app, ip, tool, target.enabled ? 50126 : 50057, { clientApp: tool.clientApp }));
      t += rng.int(20, 80) * SECOND;
    }
    t += rng.int(1, 4) * MINUTE;
    const success = s.signIn(t, victim, app, ip, tool, 0, { clientApp: tool.clientApp });
    ids.push(success);
    s.block(victim, t - HOUR, t + HOUR);
    s.takeover(victim, ip, t);
    s.label('labels', 'password-spray', 'D4', ids, { ipAddress: ip.ip });
    s.label('labels', 'password-spray', 'D7', [success], { userPrincipalName: victim.upn });
  }
}

function hostileIp(s: Script, alloc: IpAllocator, n: number): void {
  const { rng, org } = s;
  for (let k = 0; k < n; k++) {
    const ip = alloc.city(rng.pick(ATTACKER_CITIES), true);
    const tool = rng.pick(ATTACK_PROFILES.slice(0, 3));
    const day = s.workday(0.05, 0.9);
    const count = rng.int(110, 160);
    const members = org.people.filter((p) => p.userType === 'member' && p.index > 0);
    const targets = rng.sample(members, Math.min(members.length, rng.int(40, 80)));
    const times = Array.from({ length: count }, () => day + rng.int(0, 20 * 3600) * SECOND).sort((a, b) => a - b);
    const app = s.app('Office 365 Exchange Online');
    const ids = times.map((t, i) => {
      // Stuffing lists hold ex-employees and typos too: 50034 (no such user).
      if (i % 9 === 4) return s.signIn(t, { upn: `${rng.pick(['admin', 'info', 'test', 'j.smith', 'hr'])}${rng.int(1, 99)}@${org.domain}` }, app, ip, tool, 50034, { clientApp: tool.clientApp });
      const target = rng.pick(targets);
      return s.signIn(t, target, app, ip, tool, !target.enabled ? 50057 : rng.chance(0.08) ? 50053 : 50126, { clientApp: tool.clientApp });
    });
    s.label('labels', 'hostile-ip', 'D4', ids, { ipAddress: ip.ip });
  }
}

function bruteForce(s: Script, alloc: IpAllocator, n: number): void {
  const { rng } = s;
  for (let k = 0; k < n; k++) {
    const victim = s.person(ordinary);
    if (victim === undefined) return;
    const ip = alloc.city(farAttackerCity(rng, victim), true);
    const tool = rng.pick(ATTACK_PROFILES);
    const day = s.workday(0.05, 0.95);
    let t = localToUtc(victim.city.tz, day, rng.normal(2.5, 1, 0.5, 4.5));
    const start = t;
    const app = s.app(rng.pick(['Office 365 Exchange Online', 'OfficeHome', 'Microsoft Teams']));
    const ids: string[] = [];
    const failures = rng.int(11, 18);
    for (let i = 0; i < failures; i++) {
      ids.push(s.signIn(t, victim, app, ip, tool, 50126, { clientApp: tool.clientApp }));
      t += rng.int(15, 60) * SECOND;
    }
    ids.push(s.signIn(t, victim, app, ip, tool, 0, { clientApp: tool.clientApp }));
    s.block(victim, start - 2 * HOUR, t + 2 * HOUR);
    s.label('labels', 'brute-force', 'D2', ids, { userPrincipalName: victim.upn });
    s.label('labels', 'brute-force', 'brute-force', ids, { userPrincipalName: victim.upn, ipAddress: ip.ip });
    s.label('labels', 'brute-force', 'D7', ids.slice(-1), { userPrincipalName: victim.upn });
  }
}

function impossibleTravel(s: Script, alloc: IpAllocator, n: number): void {
  const { rng } = s;
  for (let k = 0; k < n; k++) {
    const victim = s.person(ordinary);
    if (victim === undefined) return;
    const ip = alloc.city(farAttackerCity(rng, victim), true);
    const day = s.workday(0.1, 0.95);
    const t = localToUtc(victim.city.tz, day, rng.normal(10, 1.5, 8, 16));
    const app = s.app('OfficeHome');
    const home = s.signIn(t, victim, app, victim.homeIp, desktopOf(victim), 0);
    const away = s.signIn(t + rng.int(25, 90) * MINUTE, victim, s.app('Office 365 Exchange Online'), ip, rng.pick(ATTACK_PROFILES.slice(3)), 0);
    s.block(victim, t - 3 * HOUR, t + 4 * HOUR);
    s.label('labels', 'impossible-travel', 'D3', [home, away], { userPrincipalName: victim.upn });
    s.label('labels', 'impossible-travel', 'D7', [away], { userPrincipalName: victim.upn });
  }
}

function torSignIns(s: Script, exits: readonly GeoIp[]): void {
  const { rng } = s;
  exits.forEach((ip, k) => {
    const victim = s.person(ordinary);
    if (victim === undefined) return;
    const day = s.workday(0.05, 0.95);
    let t = day + rng.int(0, 23) * HOUR + rng.int(0, 59) * MINUTE;
    const start = t;
    const app = s.app(rng.pick(['OfficeHome', 'Office 365 Exchange Online', 'Office 365 SharePoint Online']));
    const tool = ATTACK_PROFILES[3] ?? rng.pick(ATTACK_PROFILES);
    const ids: string[] = [];
    const failures = rng.int(1, 3);
    for (let i = 0; i < failures; i++) {
      ids.push(s.signIn(t, victim, app, ip, tool, 50126));
      t += rng.int(30, 120) * SECOND;
    }
    const succeeds = k % 2 === 0;
    if (succeeds) ids.push(s.signIn(t, victim, app, ip, tool, 0));
    s.block(victim, start - 2 * HOUR, t + 2 * HOUR);
    s.label('labels', 'tor-sign-in', 'D1', ids, { userPrincipalName: victim.upn, ipAddress: ip.ip });
    if (succeeds) s.label('labels', 'tor-sign-in', 'D7', ids.slice(-1), { userPrincipalName: victim.upn });
  });
}

function botnetSignIns(s: Script, alloc: IpAllocator, n: number, listed: GeoIp[]): void {
  const { rng } = s;
  for (let k = 0; k < n; k++) {
    const victim = s.person((p) => ordinary(p) && !p.officeWorker);
    if (victim === undefined) return;
    // The victim's own infected home PC: same city, so only the list gives it away.
    const ip = alloc.city(victim.cityKey, true);
    listed.push(ip);
    const day = s.workday(0.05, 0.95);
    const device = desktopOf(victim);
    const ids: string[] = [];
    const start = localToUtc(victim.city.tz, day, 8);
    const hours = Array.from({ length: rng.int(3, 6) }, () => rng.normal(13, 2.5, 8.5, 18)).sort((a, b) => a - b);
    for (const h of hours) {
      ids.push(s.signIn(localToUtc(victim.city.tz, day, h), victim, s.app(rng.pick(['Microsoft Teams', 'Office 365 Exchange Online', 'OfficeHome'])), ip, device, 0));
    }
    s.block(victim, start, start + 12 * HOUR);
    s.label('labels', 'botnet-sign-in', 'D5', ids, { userPrincipalName: victim.upn, ipAddress: ip.ip });
  }
}

function mfaFatigue(s: Script, alloc: IpAllocator, n: number): void {
  const { rng } = s;
  for (let k = 0; k < n; k++) {
    const victim = s.person(ordinary);
    if (victim === undefined) return;
    const ip = alloc.city(farAttackerCity(rng, victim), true);
    const tool = ATTACK_PROFILES[3] ?? rng.pick(ATTACK_PROFILES);
    const day = s.workday(0.05, 0.95);
    let t = localToUtc(victim.city.tz, day, rng.normal(22.5, 0.7, 21, 23.5));
    const start = t;
    const app = s.app('OfficeHome');
    const ids: string[] = [];
    const prompts = rng.int(12, 16);
    for (let i = 0; i < prompts; i++) {
      ids.push(s.signIn(t, victim, app, ip, tool, 500121, { mfaMethod: 'Mobile app notification' }));
      t += rng.int(20, 35) * SECOND;
    }
    const gaveIn = k < n - 1;
    if (gaveIn) ids.push(s.signIn(t, victim, app, ip, tool, 0, { mfaMethod: 'Mobile app notification' }));
    s.block(victim, start - 2 * HOUR, t + 2 * HOUR);
    s.label('labels', 'mfa-fatigue', 'mfa-fatigue', ids, { userPrincipalName: victim.upn, ipAddress: ip.ip });
    if (gaveIn) {
      s.label('labels', 'mfa-fatigue', 'D2', ids, { userPrincipalName: victim.upn });
      s.label('labels', 'mfa-fatigue', 'D7', ids.slice(-1), { userPrincipalName: victim.upn });
    }
  }
}

function irregular(s: Script, alloc: IpAllocator, n: number): void {
  const { rng } = s;
  for (let k = 0; k < n; k++) {
    const victim = s.person((p) => ordinary(p) && p.activity >= 0.9);
    if (victim === undefined) return;
    const far = IRREGULAR_CITIES.filter((o) => !o.endsWith(`|${victim.city.country}`));
    const ip = alloc.city(rng.pick(far), true);
    // After the 14-day learning period of D6.
    const day = s.workday(0.6, 1);
    const t = localToUtc(victim.city.tz, day, rng.normal(3, 0.4, 2.2, 3.8));
    // An OS and browser the user has never used.
    const known = new Set(victim.devices.flatMap((d) => [d.profile.operatingSystem, d.profile.browser]));
    const unfamiliar = ATTACK_PROFILES.filter((a) => !known.has(a.operatingSystem) && !known.has(a.browser));
    const tool = rng.pick(unfamiliar.length > 0 ? unfamiliar : ATTACK_PROFILES);
    const ids = [s.signIn(t, victim, s.app('Office 365 SharePoint Online'), ip, tool, 0)];
    if (rng.chance(0.5)) ids.push(s.signIn(t + rng.int(3, 15) * MINUTE, victim, s.app('Office 365 Exchange Online'), ip, tool, 0, { interactive: false }));
    s.block(victim, t - 6 * HOUR, t + 4 * HOUR);
    s.label('labels', 'irregular-sign-in', 'D6', ids, { userPrincipalName: victim.upn });
    s.label('labels', 'irregular-sign-in', 'D7', ids, { userPrincipalName: victim.upn });
  }
}

const sha1Hex = (text: string): string => createHash('sha1').update(text).digest('hex').toUpperCase();

function leakedCredentials(s: Script, alloc: IpAllocator, seed: number): LeakRecord[] {
  const { rng, org, range } = s;
  const leaks: LeakRecord[] = [];
  const sources = ['Synthetic combolist 2026-08', 'Synthetic infostealer logs', 'Synthetic forum dump (Collection #9)'];
  const leakDate = (): string => iso(range.start - rng.int(20, 400) * DAY).slice(0, 10);
  for (let k = 0; k < 10; k++) {
    const victim = s.person(ordinary);
    if (victim === undefined) break;
    const withHash = k % 3 !== 2;
    // Feeds spell addresses every which way; authlens matches them case-insensitively.
    const email = k % 4 === 1 ? victim.upn.toUpperCase() : victim.upn;
    const date = leakDate();
    leaks.push({ email, sha1: withHash ? sha1Hex(`Northwind${rng.int(2019, 2026)}!${seed}-${k}`) : '', source: rng.pick(sources), date });
    const ids: string[] = [];
    let start = Date.parse(`${date}T00:00:00.000Z`);
    let end = start;
    if (k < 3) {
      // Credential stuffing with the leaked password: a success from a hosting IP abroad.
      const ip = alloc.city(farAttackerCity(rng, victim), true);
      const day = s.workday(0.1, 0.95);
      const t = day + rng.int(0, 23) * HOUR + rng.int(0, 59) * MINUTE;
      ids.push(s.signIn(t, victim, s.app('Office 365 Exchange Online'), ip, ATTACK_PROFILES[1] ?? rng.pick(ATTACK_PROFILES), 0, { clientApp: 'Other clients' }));
      s.block(victim, t - 3 * HOUR, t + 3 * HOUR);
      start = t;
      end = t;
    }
    s.label('labels', 'leaked-credentials', 'D8', ids, { userPrincipalName: victim.upn, start, end });
    if (ids.length > 0) s.label('labels', 'leaked-credentials', 'D7', ids, { userPrincipalName: victim.upn });
  }
  // Leaks of addresses that are not (or no longer) users: D8 must stay quiet.
  for (let k = 0; k < 25; k++) {
    const local = `${rng.pick(['anna', 'bob', 'carla', 'dev', 'eric', 'f.lee', 'g.ortiz', 'h.ng'])}${rng.int(1, 999)}`;
    const domain = k < 6 ? org.domain : rng.pick([...GUEST_DOMAINS, 'gmail.com', 'yahoo.com', 'example.org']);
    const email = `${local}@${domain}`;
    const date = leakDate();
    leaks.push({ email, sha1: k % 2 === 0 ? sha1Hex(`hunter${k}-${seed}`) : '', source: rng.pick(sources), date });
    const at = Date.parse(`${date}T00:00:00.000Z`);
    s.label('confounders', 'leak-of-non-user', 'D8', [], { userPrincipalName: email, start: at, end: at });
  }
  return leaks;
}

function mistypes(s: Script, n: number): void {
  const { rng } = s;
  for (let k = 0; k < n; k++) {
    const p = s.person(ordinary);
    if (p === undefined) return;
    const day = s.workday(0, 1);
    let t = localToUtc(p.city.tz, day, rng.normal(8.7, 0.5, 7.5, 10));
    const start = t;
    const ip = p.officeWorker ? (s.org.offices.get(p.cityKey) ?? p.homeIp) : p.homeIp;
    const app = s.app('OfficeHome');
    const ids: string[] = [];
    const misses = rng.int(1, 2);
    for (let i = 0; i < misses; i++) {
      ids.push(s.signIn(t, p, app, ip, desktopOf(p), 50126));
      t += rng.int(15, 60) * SECOND;
    }
    ids.push(s.signIn(t, p, app, ip, desktopOf(p), 0));
    s.block(p, start - 30 * MINUTE, t + 30 * MINUTE);
    s.label('confounders', 'mistyped-password', 'D2', ids, { userPrincipalName: p.upn });
    s.label('confounders', 'mistyped-password', 'brute-force', ids, { userPrincipalName: p.upn, ipAddress: ip.ip });
  }
}

function travellers(s: Script, alloc: IpAllocator, n: number): void {
  const { rng } = s;
  const cities = CITIES.filter((c) => c.weight > 0);
  for (let k = 0; k < n; k++) {
    const p = s.person((x) => ordinary(x) && x.devices.length > 0);
    if (p === undefined) return;
    const dest = rng.pick(cities.filter((c) => haversineKm(c.lat, c.lon, p.city.lat, p.city.lon) > 1500));
    const destKey = cityKey(dest);
    // Hotel Wi-Fi: an ordinary (untrusted) address in the destination city.
    const hotelIp = alloc.city(destKey, true);
    const km = haversineKm(p.homeIp.lat, p.homeIp.lon, hotelIp.lat, hotelIp.lon);
    const flightH = km / 800 + 0.5;
    const stay = rng.int(2, 4);
    const day = s.workday(0.05, 0.7);
    const device = desktopOf(p);
    const ids: string[] = [];
    const app = s.app('OfficeHome');
    const morning = localToUtc(p.city.tz, day, 7.5);
    ids.push(s.signIn(morning, p, app, p.homeIp, device, 0));
    const depart = morning + 2 * HOUR;
    const arrive = depart + flightH * HOUR;
    ids.push(s.signIn(arrive + HOUR + rng.int(0, 60) * MINUTE, p, s.app('Microsoft Teams'), hotelIp, device, 0));
    let lastAway = arrive + HOUR;
    for (let d = 1; d <= stay; d++) {
      const dDay = utcDay(arrive) + d * DAY;
      for (const h of [9, 11.5, 15, 17.5].slice(0, rng.int(2, 4))) {
        const t = localToUtc(dest.tz, dDay, h + rng.next());
        if (t >= s.range.end - DAY) break;
        ids.push(s.signIn(t, p, s.app(rng.pick(['Microsoft Teams', 'Office 365 Exchange Online', 'OfficeHome'])), hotelIp, device, 0));
        lastAway = Math.max(lastAway, t);
      }
    }
    const returnDepart = lastAway + 3 * HOUR;
    const land = returnDepart + flightH * HOUR;
    s.block(p, morning - 12 * HOUR, land + HOUR);
    s.label('confounders', 'business-trip', 'D3', ids, { userPrincipalName: p.upn });
  }
}

function vpnEpisodes(s: Script, n: number): void {
  const { rng } = s;
  for (let k = 0; k < n; k++) {
    const p = s.person((x) => x.enabled && x.vpnIp !== undefined && x.devices.length > 1);
    if (p?.vpnIp === undefined) return;
    const phone = p.devices[1] ?? desktopOf(p);
    const day = s.workday(0, 1);
    const t = localToUtc(p.city.tz, day, rng.normal(9, 0.7, 7.5, 11));
    const a = s.signIn(t, p, s.app('Outlook Mobile'), p.mobileIp, phone, 0, { interactive: false });
    const b = s.signIn(t + rng.int(4, 15) * MINUTE, p, s.app('OfficeHome'), p.vpnIp, desktopOf(p), 0);
    s.block(p, t - HOUR, t + HOUR);
    s.label('confounders', 'corporate-vpn', 'D3', [a, b], { userPrincipalName: p.upn, ipAddress: p.vpnIp.ip });
  }
}

function mobileCountryOnly(s: Script, n: number): void {
  const { rng } = s;
  for (let k = 0; k < n; k++) {
    const p = s.person((x) => x.enabled && x.mobileCountryOnly && x.devices.length > 1);
    if (p === undefined) return;
    const phone = p.devices.find((d) => d.profile.kind === 'mobile') ?? desktopOf(p);
    const day = s.workday(0, 1);
    const t = localToUtc(p.city.tz, day, rng.normal(10, 1, 8, 12));
    const a = s.signIn(t, p, s.app('OfficeHome'), p.homeIp, desktopOf(p), 0);
    const b = s.signIn(t + rng.int(3, 12) * MINUTE, p, s.app('Microsoft Teams'), p.mobileIp, phone, 0, { interactive: false });
    s.block(p, t - HOUR, t + HOUR);
    s.label('confounders', 'mobile-country-only-ip', 'D3', [a, b], { userPrincipalName: p.upn, ipAddress: p.mobileIp.ip });
  }
}

function officeNat(s: Script, n: number): void {
  const { rng, org } = s;
  const busiest = [...org.offices.keys()]
    .map((k) => ({ k, users: org.people.filter((p) => p.cityKey === k && p.officeWorker).length }))
    .sort((a, b) => b.users - a.users)[0];
  if (busiest === undefined) return;
  const ip = org.offices.get(busiest.k);
  const city = CITIES.find((c) => cityKey(c) === busiest.k);
  if (ip === undefined || city === undefined) return;
  const days = new Set<number>();
  for (let k = 0; k < n; k++) {
    const day = s.workday(0, 1);
    // One burst a day, after the morning rush, so it never stacks up towards the spray threshold.
    if (days.has(day)) continue;
    days.add(day);
    const base = localToUtc(city.tz, day, rng.normal(14, 1, 11, 16));
    const ids: string[] = [];
    const users = rng.int(4, 5);
    for (let i = 0; i < users; i++) {
      const p = s.person((x) => ordinary(x) && x.officeWorker && x.cityKey === busiest.k);
      if (p === undefined) break;
      const t = base + rng.int(0, 25) * MINUTE;
      ids.push(s.signIn(t, p, s.app('OfficeHome'), ip, desktopOf(p), 50126));
      ids.push(s.signIn(t + rng.int(15, 50) * SECOND, p, s.app('OfficeHome'), ip, desktopOf(p), 0));
      s.block(p, t - 30 * MINUTE, t + 30 * MINUTE);
    }
    if (ids.length > 0) s.label('confounders', 'office-nat-shared-ip', 'D4', ids, { ipAddress: ip.ip });
  }
}
