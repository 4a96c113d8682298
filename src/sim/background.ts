/**
 * Ordinary traffic of one person on one local calendar day: working hours in
 * their zone, weekday rhythm, lunch dip, interactive sign-ins and token
 * refreshes, occasional mistyped passwords and MFA steps, app launches and
 * RMS document access. Benign by construction: nothing here may look like an
 * attack except through the documented confounders.
 */
import type { AuthEvent } from '../schema/events.ts';
import { RMS_APPS, RMS_DOCUMENTS, SIGN_IN_ASSISTANT } from './catalog.ts';
import type { GeoIp } from './geo-pool.ts';
import type { ConsumerAccount, Device, Organisation, Person, SimApp } from './model.ts';
import type { IdFactory, Rng } from './rng.ts';
import { makeSignIn, type EntraCode } from './sign-in-factory.ts';
import { MINUTE, isWeekend, iso, localToUtc } from './time.ts';

export interface DayContext {
  readonly org: Organisation;
  readonly rng: Rng;
  readonly ids: IdFactory;
  /** Receives every generated event; the caller keeps those inside the simulated range. */
  readonly emit: (e: AuthEvent) => void;
  /** A scripted episode owns this person's timeline here: background stays out. */
  readonly blocked: (personIndex: number, ms: number) => boolean;
}

const SECOND = 1000;

function appByName(org: Organisation, name: string): SimApp {
  const app = org.apps.find((a) => a.displayName === name);
  if (app === undefined) throw new Error(`unknown app ${name}`);
  return app;
}

function pickApp(rng: Rng, p: Person, background: boolean, device: Device): SimApp {
  const kind = device.profile.kind;
  const fits = p.apps.filter((a) => a.only === undefined || a.only === kind);
  const pool = background ? fits.filter((a) => a.background === true) : fits;
  return rng.weighted((pool.length > 0 ? pool : fits).map((a) => ({ item: a, weight: a.weight })));
}

/** Working-time instants with a lunch dip: fewer sign-ins between 12:00 and 13:30 local. */
function workTimes(rng: Rng, p: Person, day: number, startH: number, lenH: number, n: number): number[] {
  const out: number[] = [];
  let guard = 0;
  while (out.length < n && guard++ < n * 20) {
    const h = startH + rng.next() * lenH;
    if (h >= 12 && h < 13.5 && rng.chance(0.6)) continue;
    out.push(localToUtc(p.city.tz, day, h));
  }
  return out.sort((a, b) => a - b);
}

interface Where {
  readonly desktopIp: GeoIp;
  readonly mobileIp: GeoIp;
}

function whereToday(ctx: DayContext, p: Person, weekend: boolean): Where {
  const { rng, org } = ctx;
  const office = org.offices.get(p.cityKey);
  if (!weekend && p.officeWorker && office !== undefined && rng.chance(0.7)) {
    // On the office Wi-Fi the phone shares the NAT; on the carrier network it does not.
    return { desktopIp: office, mobileIp: rng.chance(0.5) ? office : p.mobileIp };
  }
  if (p.vpnIp !== undefined && !weekend && rng.chance(0.8)) return { desktopIp: p.vpnIp, mobileIp: p.mobileIp };
  return { desktopIp: p.homeIpV6 ?? p.homeIp, mobileIp: p.mobileIp };
}

export function generatePersonDay(ctx: DayContext, p: Person, day: number): void {
  const { rng } = ctx;
  const weekend = isWeekend(day);
  if (!p.enabled) {
    // A leaver's phone or old laptop still tries now and then: 50057 (disabled), never a success.
    if (!weekend && rng.chance(0.05)) {
      const t = localToUtc(p.city.tz, day, rng.normal(9, 1, 7, 12));
      const dev = p.devices[p.devices.length - 1] ?? p.devices[0];
      if (dev !== undefined) emitSignIn(ctx, p, t, pickApp(rng, p, true, dev), p.homeIp, dev, false, 50057);
    }
    return;
  }
  const activeP = weekend ? 0.07 : Math.min(0.97, 0.9 * p.activity);
  if (!rng.chance(activeP)) return;
  const desktop = p.devices[0];
  if (desktop === undefined) return;
  const mobile: Device | undefined = p.devices.find((d) => d.profile.kind === 'mobile');
  const where = whereToday(ctx, p, weekend);
  const startH = weekend ? rng.normal(14, 3, 9, 20) : rng.normal(8.5, 0.6, 6.5, 10.5);
  const lenH = weekend ? rng.normal(1.5, 0.5, 0.5, 3) : rng.normal(8.5, 0.7, 6, 10);
  const total = weekend ? rng.int(1, 3) : Math.max(3, Math.round(rng.normal(7.5, 1.3, 5, 10) * Math.min(1.2, p.activity)));
  const times = workTimes(rng, p, day, startH, lenH, total);
  const interactiveCount = Math.max(1, Math.round(total * 0.45));
  let first = true;
  times.forEach((t, i) => {
    const interactive = first || i < interactiveCount || rng.chance(0.2);
    const useMobile = mobile !== undefined && (weekend ? rng.chance(0.7) : rng.chance(first ? 0.1 : 0.3));
    const device = useMobile ? mobile : desktop;
    const ip = useMobile ? where.mobileIp : where.desktopIp;
    const app = first ? appByName(ctx.org, rng.chance(0.5) ? 'OfficeHome' : 'Microsoft Teams') : pickApp(rng, p, !interactive, device);
    if (first && interactive) emitFirstSignInPrelude(ctx, p, t, app, ip, device);
    const mfa = interactive && (app.mfa === true || (first && rng.chance(0.3))) ? p.mfaMethod : undefined;
    emitSignIn(ctx, p, t, app, ip, device, interactive, 0, mfa);
    if (interactive && app.saas === true) emitAppAccess(ctx, p, t + rng.int(2, 20) * SECOND, app, ip);
    first = false;
  });
  if (weekend) return;
  if (p.signInAssistant) {
    const assistant = appByName(ctx.org, SIGN_IN_ASSISTANT);
    for (const t of workTimes(rng, p, day, startH, lenH, rng.int(2, 5))) {
      emitSignIn(ctx, p, t, assistant, where.desktopIp, desktop, false, 0, undefined, 'Other clients');
    }
  }
  if (p.legacyImap) {
    const exo = appByName(ctx.org, 'Office 365 Exchange Online');
    for (const t of workTimes(rng, p, day, startH, lenH, rng.int(1, 3))) {
      emitSignIn(ctx, p, t, exo, where.desktopIp, desktop, true, 0, undefined, 'IMAP4');
    }
  }
  if (mobile !== undefined && rng.chance(0.12)) {
    const t = localToUtc(p.city.tz, day, rng.normal(20.5, 1, 19, 22.5));
    emitSignIn(ctx, p, t, pickApp(rng, p, true, mobile), p.mobileIp, mobile, false, 0);
  }
  const saas = p.apps.filter((a) => a.saas === true);
  if (saas.length > 0 && rng.chance(0.3)) {
    for (const t of workTimes(rng, p, day, startH, lenH, rng.int(1, 2))) {
      const app = rng.pick(saas);
      emitAppAccess(ctx, p, t, app, where.desktopIp, 'accessPanel');
    }
  }
  if (p.userType === 'member' && rng.chance(0.12)) emitRms(ctx, p, day, startH, lenH);
}

/** Mistyped passwords (1-2, never near the 5 that D2 needs), MFA interruptions and the odd accidental MFA denial. */
function emitFirstSignInPrelude(ctx: DayContext, p: Person, t: number, app: SimApp, ip: GeoIp, device: Device): void {
  const { rng } = ctx;
  const r = rng.next();
  if (r < 0.025) {
    const misses = rng.int(1, 2);
    for (let k = misses; k >= 1; k--) emitSignIn(ctx, p, t - k * rng.int(15, 60) * SECOND, app, ip, device, true, 50126);
  } else if (r < 0.045) {
    emitSignIn(ctx, p, t - rng.int(10, 40) * SECOND, app, ip, device, true, 50074);
  } else if (r < 0.05) {
    emitSignIn(ctx, p, t - rng.int(40, 90) * SECOND, app, ip, device, true, 500121, p.mfaMethod);
  } else if (r < 0.055) {
    emitSignIn(ctx, p, t - rng.int(5, 20) * SECOND, app, ip, device, true, 50140);
  }
}

export function emitSignIn(
  ctx: DayContext,
  p: Person,
  t: number,
  app: SimApp,
  ip: GeoIp,
  device: Device,
  interactive: boolean,
  code: EntraCode,
  mfaMethod?: string,
  clientApp?: string,
): void {
  if (ctx.blocked(p.index, t)) return;
  ctx.emit(
    makeSignIn({
      id: ctx.ids.next(),
      correlationId: ctx.ids.next(),
      time: t,
      who: { id: p.id, upn: p.upn, displayName: p.displayName, userType: p.userType },
      app,
      ip,
      device,
      interactive,
      code,
      ...(mfaMethod !== undefined ? { mfaMethod } : {}),
      ...(clientApp !== undefined ? { clientApp } : {}),
    }),
  );
}

function emitAppAccess(ctx: DayContext, p: Person, t: number, app: SimApp, ip: GeoIp, accessType: 'sso' | 'accessPanel' = 'sso'): void {
  if (ctx.blocked(p.index, t)) return;
  ctx.emit({
    kind: 'appAccess',
    id: ctx.ids.next(),
    createdDateTime: iso(t),
    userId: p.id,
    userPrincipalName: p.upn,
    appId: app.appId,
    appDisplayName: app.displayName,
    accessType,
    ipAddress: ip.ip,
    source: 'simulator',
  });
}

function emitRms(ctx: DayContext, p: Person, day: number, startH: number, lenH: number): void {
  const { rng } = ctx;
  const n = rng.int(1, 4);
  const doc = rng.pick(RMS_DOCUMENTS);
  const docId = `doc-${Math.abs(hashText(doc)).toString(16)}`;
  for (const t of workTimes(rng, p, day, startH, lenH, n)) {
    if (ctx.blocked(p.index, t)) continue;
    const device = rng.pick(p.devices);
    ctx.emit({
      kind: 'rmsAccess',
      id: ctx.ids.next(),
      createdDateTime: iso(t),
      userId: p.id,
      userPrincipalName: p.upn,
      deviceId: device.deviceId,
      devicePlatform: device.profile.platform,
      application: device.profile.kind === 'mobile' ? rng.pick(['Microsoft Outlook', 'Azure Information Protection Viewer']) : rng.pick(RMS_APPS),
      documentId: docId,
      documentName: doc,
      action: rng.weighted([
        { item: 'view' as const, weight: 60 },
        { item: 'edit' as const, weight: 22 },
        { item: 'print' as const, weight: 8 },
        { item: 'protect' as const, weight: 10 },
      ]),
      source: 'simulator',
    });
  }
}

function hashText(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
  return h;
}

/** External consumer accounts joining meetings and opening shared files: excluded from the user activity report. */
export function generateConsumerDay(ctx: DayContext, c: ConsumerAccount, day: number, tz: string): void {
  const { rng, org } = ctx;
  if (isWeekend(day) || !rng.chance(0.15)) return;
  const app = appByName(org, rng.chance(0.6) ? 'Microsoft Teams' : 'Office 365 SharePoint Online');
  const n = rng.int(1, 2);
  for (let i = 0; i < n; i++) {
    const t = localToUtc(tz, day, rng.normal(13, 2.5, 8, 19)) + i * rng.int(5, 50) * MINUTE;
    ctx.emit(
      makeSignIn({
        id: ctx.ids.next(),
        correlationId: ctx.ids.next(),
        time: t,
        who: { id: c.id, upn: c.upn, displayName: c.displayName, userType: 'consumer' },
        app,
        ip: c.ip,
        device: {
          kind: 'desktop',
          operatingSystem: 'Windows10',
          browser: 'Chrome 131.0.0',
          userAgent:
            'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36',
          clientApp: 'Browser',
          platform: 'Windows',
        },
        interactive: true,
        code: 0,
      }),
    );
  }
}
