/**
 * Writes N Microsoft Graph signIn records as NDJSON (about 1.1 KB a line), in
 * time order over 30 days, with a realistic spread of users, IPs, apps,
 * devices, places and error codes, plus a few labelled attack shapes the
 * peer's SQL looks for (password spray, success after failures, impossible
 * travel). Deterministic for a seed.
 *
 *   node --import tsx bench/ingest/gen-graph-signins.ts [N=1000000] [--seed 42] [--out bench/out/graph-signins-N.ndjson]
 */
import { createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';

/** mulberry32: tiny, fast, good enough for test data. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CITIES = [
  { city: 'Seattle', state: 'Washington', country: 'US', lat: 47.6062, lon: -122.3321 },
  { city: 'New York', state: 'New York', country: 'US', lat: 40.7128, lon: -74.006 },
  { city: 'London', state: 'England', country: 'GB', lat: 51.5074, lon: -0.1278 },
  { city: 'Paris', state: 'Ile-de-France', country: 'FR', lat: 48.8566, lon: 2.3522 },
  { city: 'Berlin', state: 'Berlin', country: 'DE', lat: 52.52, lon: 13.405 },
  { city: 'Bengaluru', state: 'Karnataka', country: 'IN', lat: 12.9716, lon: 77.5946 },
  { city: 'Sydney', state: 'New South Wales', country: 'AU', lat: -33.8688, lon: 151.2093 },
  { city: 'Sao Paulo', state: 'Sao Paulo', country: 'BR', lat: -23.5505, lon: -46.6333 },
  { city: 'Tokyo', state: 'Tokyo', country: 'JP', lat: 35.6762, lon: 139.6503 },
  { city: 'Toronto', state: 'Ontario', country: 'CA', lat: 43.6532, lon: -79.3832 },
] as const;
const APPS = [
  ['00000002-0000-0ff1-ce00-000000000000', 'Office 365 Exchange Online'],
  ['00000003-0000-0ff1-ce00-000000000000', 'Office 365 SharePoint Online'],
  ['1fec8e78-bce4-4aaf-ab1b-5451cc387264', 'Microsoft Teams'],
  ['c44b4083-3bb0-49c1-b47d-974e53cbdf3c', 'Azure Portal'],
  ['de8bc8b5-d9f9-48b1-a8ad-b748da725064', 'Graph Explorer'],
  ['4765445b-32c6-49b0-83e6-1d93765276ca', 'OfficeHome'],
  ['d3590ed6-52b3-4102-aeff-aad2292ab01c', 'Microsoft Office'],
  ['a0c73c16-a7e3-4564-9a95-2bdf47383716', 'Exchange Online Remote PowerShell'],
] as const;
const DEVICES = [
  ['Windows 10', 'Edge 120.0.2210', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36 Edg/120.0.2210.91'],
  ['Windows 11', 'Chrome 121.0.6167', 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/121.0.6167.85 Safari/537.36'],
  ['MacOs', 'Safari 17.2', 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Safari/605.1.15'],
  ['Ios', 'Mobile Safari 17.2', 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_2 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.2 Mobile/15E148 Safari/604.1'],
  ['Android', 'Chrome Mobile 120.0.6099', 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.6099.144 Mobile Safari/537.36'],
] as const;
const ERRORS: readonly (readonly [number, string | null])[] = [
  [0, null],
  [50126, 'Error validating credentials due to invalid username or password.'],
  [50074, 'Strong Authentication is required.'],
  [50140, "This error occurred due to 'Keep me signed in' interrupt when the user was signing-in."],
  [500121, 'Authentication failed during strong authentication request.'],
  [53003, 'Access has been blocked by Conditional Access policies.'],
  [50053, 'Account is locked because user tried to sign in too many times with an incorrect user ID or password.'],
];

function hex(r: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += Math.floor(r() * 16).toString(16);
  return s;
}
function uuid(r: () => number): string {
  return `${hex(r, 8)}-${hex(r, 4)}-4${hex(r, 3)}-a${hex(r, 3)}-${hex(r, 12)}`;
}
/** Graph spells times with 7 fraction digits. */
function graphTime(ms: number, r: () => number): string {
  return new Date(ms).toISOString().replace('Z', `${Math.floor(r() * 10000).toString().padStart(4, '0')}Z`);
}

interface User {
  readonly id: string;
  readonly upn: string;
  readonly name: string;
  readonly home: number;
  readonly ip: string;
  readonly device: number;
}

export interface GenOptions {
  readonly n: number;
  readonly seed?: number;
  readonly users?: number;
}

/** Yields the NDJSON lines (without newline). */
export function* graphSignInLines(o: GenOptions): Generator<string> {
  const r = rng(o.seed ?? 42);
  const userCount = o.users ?? Math.max(50, Math.min(50_000, Math.floor(o.n / 20)));
  const users: User[] = Array.from({ length: userCount }, (_, i) => ({
    id: uuid(r),
    upn: `user${i}@contoso.example`,
    name: `User ${i}`,
    home: Math.floor(r() * CITIES.length),
    ip: `${20 + Math.floor(r() * 180)}.${Math.floor(r() * 256)}.${Math.floor(r() * 256)}.${1 + Math.floor(r() * 254)}`,
    device: Math.floor(r() * DEVICES.length),
  }));
  const start = Date.UTC(2026, 9, 1);
  const stepMs = (30 * 24 * 3600 * 1000) / o.n;
  let t = start;
  let emitted = 0;
  const make = (u: User, ms: number, err: readonly [number, string | null], ip: string, cityIdx: number): string => {
    const c = CITIES[cityIdx] ?? CITIES[0];
    const [appId, appName] = APPS[Math.floor(r() * APPS.length)] ?? APPS[0];
    const [os, browser, ua] = DEVICES[u.device] ?? DEVICES[0];
    return JSON.stringify({
      id: uuid(r),
      createdDateTime: graphTime(ms, r),
      userDisplayName: u.name,
      userPrincipalName: u.upn,
      userId: u.id,
      appId,
      appDisplayName: appName,
      ipAddress: ip,
      correlationId: uuid(r),
      conditionalAccessStatus: err[0] === 53003 ? 'failure' : 'notApplied',
      isInteractive: r() < 0.6,
      riskDetail: 'none',
      riskState: 'none',
      resourceDisplayName: 'Microsoft Graph',
      resourceId: '00000003-0000-0000-c000-000000000000',
      status: { errorCode: err[0], failureReason: err[1], additionalDetails: null },
      deviceDetail: { deviceId: '', operatingSystem: os, browser, isCompliant: null, isManaged: null },
      userAgent: ua,
      location: {
        city: c.city,
        state: c.state,
        countryOrRegion: c.country,
        geoCoordinates: { latitude: c.lat, longitude: c.lon },
      },
      authenticationRequirement: 'singleFactorAuthentication',
    });
  };
  while (emitted < o.n) {
    const roll = r();
    const u = users[Math.floor(r() * users.length)] as User;
    if (roll < 0.0005 && o.n - emitted >= 12) {
      // Password spray: one IP, 12 users, wrong passwords within minutes.
      const ip = `185.220.${Math.floor(r() * 256)}.${1 + Math.floor(r() * 254)}`;
      for (let k = 0; k < 12; k++) {
        const victim = users[Math.floor(r() * users.length)] as User;
        yield make(victim, t + k * 20_000, ERRORS[1] as [number, string], ip, 0);
      }
      emitted += 12;
    } else if (roll < 0.001 && o.n - emitted >= 7) {
      // Success after six failures for one user.
      for (let k = 0; k < 6; k++) yield make(u, t + k * 30_000, ERRORS[1] as [number, string], u.ip, u.home);
      yield make(u, t + 200_000, ERRORS[0] as [number, null], u.ip, u.home);
      emitted += 7;
    } else if (roll < 0.0015 && o.n - emitted >= 2) {
      // Impossible travel: home, then the far side of the world an hour later.
      yield make(u, t, ERRORS[0] as [number, null], u.ip, u.home);
      yield make(u, t + 3_600_000, ERRORS[0] as [number, null], `45.${Math.floor(r() * 256)}.1.7`, (u.home + 5) % CITIES.length);
      emitted += 2;
    } else {
      const e = r();
      const err = (e < 0.9 ? ERRORS[0] : ERRORS[1 + Math.floor(r() * (ERRORS.length - 1))]) as readonly [number, string | null];
      yield make(u, t, err, r() < 0.9 ? u.ip : `${100 + Math.floor(r() * 100)}.${Math.floor(r() * 256)}.0.9`, u.home);
      emitted += 1;
    }
    t += stepMs;
  }
}

/** Writes the file and returns its path and size. */
export async function generateGraphSignIns(file: string, o: GenOptions): Promise<{ file: string; records: number; bytes: number }> {
  await mkdir(path.dirname(file), { recursive: true });
  const out = createWriteStream(file);
  let bytes = 0;
  let records = 0;
  let buf: string[] = [];
  for (const line of graphSignInLines(o)) {
    buf.push(line);
    records++;
    if (buf.length === 1000) {
      const chunk = `${buf.join('\n')}\n`;
      bytes += Buffer.byteLength(chunk);
      buf = [];
      if (!out.write(chunk)) await once(out, 'drain');
    }
  }
  if (buf.length > 0) {
    const chunk = `${buf.join('\n')}\n`;
    bytes += Buffer.byteLength(chunk);
    out.write(chunk);
  }
  out.end();
  await once(out, 'finish');
  return { file, records, bytes };
}

if (process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const flag = (name: string): string | undefined => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const n = Number(args.find((a) => /^\d+$/.test(a)) ?? 1_000_000);
  const seed = Number(flag('--seed') ?? 42);
  const file = flag('--out') ?? path.resolve(import.meta.dirname, '../out', `graph-signins-${n}.ndjson`);
  const started = Date.now();
  const res = await generateGraphSignIns(file, { n, seed });
  console.log(
    `wrote ${res.records.toLocaleString('en-US')} records, ${(res.bytes / 1e6).toFixed(1)} MB (${Math.round(res.bytes / res.records)} B/record) to ${res.file} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
}
