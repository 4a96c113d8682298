/**
 * The one place that reads the environment. Produces a frozen, typed config;
 * everything else receives it (or the part it needs) as an argument.
 */
import path from 'node:path';
import { MIN_PASSWORD_LENGTH } from '../schema/tenants.ts';

export interface Config {
  /** Directory holding the DuckDB file and other state. AUTHLENS_DATA_DIR, default ./data. */
  readonly dataDir: string;
  /** Listen address; loopback by default. AUTHLENS_HOST. */
  readonly host: string;
  /** AUTHLENS_PORT, default 8080. */
  readonly port: number;
  /** PEM files for HTTPS (AUTHLENS_TLS_CERT, AUTHLENS_TLS_KEY); both or neither. */
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
  /** Own MaxMind/DB-IP city .mmdb instead of the bundled GeoLite2 (AUTHLENS_GEOIP_CITY_MMDB). */
  readonly geoipCityMmdb?: string;
  /** Ingest limits, documented in docs/ingest.md. */
  readonly limits: {
    /** Largest accepted HTTP body after decompression, bytes (AUTHLENS_MAX_BODY_BYTES, default 64 MiB). */
    readonly maxBodyBytes: number;
    /** Largest single record, bytes (default 256 KiB). */
    readonly maxRecordBytes: number;
    /** Most records in one HTTP batch (default 100,000). */
    readonly maxBatchRecords: number;
  };
  /** Out-of-order tolerance for detections, ms (AUTHLENS_LATENESS_MS, default 10 min). */
  readonly latenessMs: number;
  /** Seed a demo tenant into a new data dir (AUTHLENS_DEMO, default on). */
  readonly demo: boolean;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /**
   * Notification email transport, smtp://user:pass@host:port (STARTTLS when offered) or
   * smtps://... (implicit TLS) (AUTHLENS_SMTP_URL). Absent: email deliveries are stored
   * as failed with the reason, webhooks still go (docs/notifications.md).
   */
  readonly smtpUrl?: string;
  /** From address of notification emails (AUTHLENS_MAIL_FROM, default "authlens <authlens@localhost>"). */
  readonly mailFrom?: string;
  /** Let tenants' webhooks reach private and loopback addresses (AUTHLENS_WEBHOOK_ALLOW_PRIVATE=1; default off). */
  readonly webhookAllowPrivate?: boolean;
  /**
   * The password of the first portal admin that the server creates at start for a
   * tenant without portal users (AUTHLENS_ADMIN_PASSWORD, for unattended installs).
   * Unset: a one-time password is generated and printed once.
   */
  readonly adminPassword?: string;
  /**
   * The one thing that crosses a tenant boundary (SPEC 1, SPEC 4 D4): when on, an IP that
   * D4 finds spraying or hostile in one directory is shared, as an IP and a time only, for
   * `windowMs` after the last sign-in D4 flagged from it, and D4 in the other directories
   * flags sign-ins from it with a count of directories, never which. Each tenant can opt
   * out of sending and of receiving in its D4 settings (docs: src/detect/detectors/d4/README.md).
   * AUTHLENS_SHARED_IP_REPUTATION=1 turns it on (default off);
   * AUTHLENS_SHARED_IP_REPUTATION_HOURS (default 24, 1 to 720) sets the window;
   * AUTHLENS_SHARED_IP_REPUTATION_MAX_IPS (default 50,000) caps the IPs held in memory,
   * past which the least recently reported IP is forgotten first. Absent: off.
   */
  readonly sharedIpReputation?: {
    readonly enabled: boolean;
    readonly windowMs: number;
    readonly maxIps: number;
  };
}

export type ConfigOverrides = Partial<Omit<Config, 'limits'>> & { limits?: Partial<Config['limits']> };

function intFrom(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return n;
}

function adminPasswordFrom(raw: string | undefined): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (raw.length < MIN_PASSWORD_LENGTH) throw new Error(`AUTHLENS_ADMIN_PASSWORD needs at least ${MIN_PASSWORD_LENGTH} characters`);
  return raw;
}

/** Defaults of Config.sharedIpReputation (off; a day's window; about 18 MB at the cap, measured: d4 README). */
export const SHARED_IP_REPUTATION_DEFAULTS = Object.freeze({ enabled: false, windowMs: 24 * 3_600_000, maxIps: 50_000 });

function sharedIpReputationFrom(env: NodeJS.ProcessEnv): NonNullable<Config['sharedIpReputation']> {
  const raw = env.AUTHLENS_SHARED_IP_REPUTATION ?? '';
  // An explicit switch: a typo such as "true" or "yes" must not leave the operator believing it is on (or off).
  if (raw !== '' && raw !== '0' && raw !== '1') throw new Error(`AUTHLENS_SHARED_IP_REPUTATION must be 1 (on) or 0 (off), got "${raw}"`);
  const hours = intFrom(env, 'AUTHLENS_SHARED_IP_REPUTATION_HOURS', 24);
  if (hours < 1 || hours > 720) throw new Error(`AUTHLENS_SHARED_IP_REPUTATION_HOURS must be between 1 and 720, got "${hours}"`);
  const maxIps = intFrom(env, 'AUTHLENS_SHARED_IP_REPUTATION_MAX_IPS', SHARED_IP_REPUTATION_DEFAULTS.maxIps);
  if (maxIps < 1) throw new Error('AUTHLENS_SHARED_IP_REPUTATION_MAX_IPS must be at least 1');
  return Object.freeze({ enabled: raw === '1', windowMs: hours * 3_600_000, maxIps });
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** The data dir when no --data-dir is given: AUTHLENS_DATA_DIR, else ./data (relative to the working directory). */
export function defaultDataDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const v = env.AUTHLENS_DATA_DIR;
  return v === undefined || v === '' ? './data' : v;
}

export function loadConfig(overrides: ConfigOverrides = {}, env: NodeJS.ProcessEnv = process.env): Config {
  const certFile = env.AUTHLENS_TLS_CERT;
  const keyFile = env.AUTHLENS_TLS_KEY;
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw new Error('AUTHLENS_TLS_CERT and AUTHLENS_TLS_KEY go together');
  }
  const smtpUrl = env.AUTHLENS_SMTP_URL;
  if (smtpUrl !== undefined && smtpUrl !== '' && !(URL.canParse(smtpUrl) && /^smtps?:$/.test(new URL(smtpUrl).protocol))) {
    throw new Error('AUTHLENS_SMTP_URL must look like smtp://user:pass@host:port or smtps://user:pass@host:port');
  }
  const logLevelRaw = env.AUTHLENS_LOG_LEVEL ?? 'info';
  const logLevel = LOG_LEVELS.find((l) => l === logLevelRaw);
  if (logLevel === undefined) throw new Error(`AUTHLENS_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  const base: Config = {
    dataDir: path.resolve(defaultDataDir(env)),
    host: env.AUTHLENS_HOST ?? '127.0.0.1',
    port: intFrom(env, 'AUTHLENS_PORT', 8080),
    tls: certFile !== undefined && keyFile !== undefined ? { certFile, keyFile } : undefined,
    geoipCityMmdb: env.AUTHLENS_GEOIP_CITY_MMDB,
    limits: {
      maxBodyBytes: intFrom(env, 'AUTHLENS_MAX_BODY_BYTES', 64 * 1024 * 1024),
      maxRecordBytes: intFrom(env, 'AUTHLENS_MAX_RECORD_BYTES', 256 * 1024),
      maxBatchRecords: intFrom(env, 'AUTHLENS_MAX_BATCH_RECORDS', 100_000),
    },
    latenessMs: intFrom(env, 'AUTHLENS_LATENESS_MS', 10 * 60 * 1000),
    demo: (env.AUTHLENS_DEMO ?? '1') !== '0',
    logLevel,
    smtpUrl: smtpUrl !== undefined && smtpUrl !== '' ? smtpUrl : undefined,
    mailFrom: env.AUTHLENS_MAIL_FROM ?? 'authlens <authlens@localhost>',
    webhookAllowPrivate: env.AUTHLENS_WEBHOOK_ALLOW_PRIVATE === '1',
    adminPassword: adminPasswordFrom(env.AUTHLENS_ADMIN_PASSWORD),
    sharedIpReputation: sharedIpReputationFrom(env),
  };
  const merged: Config = {
    ...base,
    ...overrides,
    dataDir: overrides.dataDir !== undefined ? path.resolve(overrides.dataDir) : base.dataDir,
    limits: { ...base.limits, ...overrides.limits },
  };
  return Object.freeze(merged);
}
