/**
 * What the API needs from the rest of authlens. app.ts (the integrator) wires
 * real implementations; tests hand in fakes. Other route owners add their
 * dependencies here as optional fields (additive edits only).
 */
import type { Config } from '../config/config.ts';
import type { Store } from '../store/ports.ts';
import type { TenantId } from '../schema/tenants.ts';
import type { IngestSummary, InputFormat } from '../schema/ingest.ts';
import type { PortalUserStore } from '../directory/sessions.ts';
import type { RateLimitSettings } from './plugins/rate-limit.ts';
import type { ReportQueries } from '../store/ports.ts';
import type { GraphQueries } from '../store/ports.ts';
import type { DetectorSettingsStore, IncidentStore, LeakStore, RiskyUserStore } from '../store/ports.ts';
import type { IpListCatalog } from '../enrich/ip-lists/catalog.ts';
import type { Notifier } from '../notify/notifier.ts';
import type { BreachActions } from '../reports/breach-actions.ts';

/** The ingest pipeline (src/ingest/pipeline.ts), bound to the store by app.ts. */
export type IngestFn = (
  tenant: TenantId,
  input: AsyncIterable<Buffer>,
  format: InputFormat,
) => Promise<IngestSummary>;

export interface CliResult {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
}
/** Where a command's output also goes as it is written: the operator channel streams it to the waiting CLI. */
export interface CliLive {
  write(stream: 'stdout' | 'stderr', chunk: string): void;
  /** The CLI's stderr is a terminal: commands draw their progress line. */
  readonly stderrIsTTY?: boolean;
  /** The CLI's working directory: relative file names resolve against it, as they would in the user's shell. */
  readonly cwd?: string;
  /** Width of the CLI's terminal, for help text (80 when it is not a terminal). */
  readonly columns?: number;
}
/** Runs an `authlens` command in the server process (operator channel, SPEC 10 CLI while the server holds the DB); given `live`, the output goes there and the result's stdout/stderr are empty. */
export type RunCli = (argv: readonly string[], stdin?: AsyncIterable<Buffer>, live?: CliLive) => Promise<CliResult>;

export interface ApiDeps {
  readonly config: Config;
  readonly store: Store;
  readonly ingest: IngestFn;
  /** Absent: the operator channel answers 503. */
  readonly runCli?: RunCli;
  /**
   * Token of the local operator channel (written to <dataDir>/server.json by
   * server-info.ts). Absent: no operator principal can authenticate.
   */
  readonly operatorToken?: string;
  /** Injected clock for tests; defaults to the system clock. */
  readonly now?: () => Date;
  /** Serve HSTS (the server listens with TLS). */
  readonly tls?: boolean;
  /** PEM certificate and key: the app serves HTTPS itself (authlens start --tls-cert/--tls-key). */
  readonly https?: { readonly cert: Buffer; readonly key: Buffer };
  /** Portal users (password sign-in). Absent: an in-memory store (users vanish on restart). */
  readonly portalUsers?: PortalUserStore;
  readonly rateLimits?: RateLimitSettings;
  /** The reports' queries (store/duckdb/report-queries.ts createReportQueries). Absent: report routes answer 503. */
  readonly reports?: ReportQueries;
  /** The Graph-compatible read API (routes/graph). Absent: those routes answer 503. */
  readonly graph?: GraphApiDeps;
  /** Detection settings, leaks (D8), risky users (D7) and the tenant engines. Absent: those routes answer 503. */
  readonly detect?: DetectApiDeps;
  /** The IP-list catalog enrichment reads (rt.enrichment.lists). Absent: the lists routes answer 503. */
  readonly ipLists?: IpListCatalog;
  /** fetch for list URLs given by tenants (tests); default: public hosts only, redirects checked, size-capped. */
  readonly ipListFetch?: typeof fetch;
  /** Notification settings, webhooks and deliveries (src/notify). Absent: the notifications routes answer 503. */
  readonly notify?: Notifier;
  /** IdP connector and suspected-breach actions (src/reports/breach-actions.ts). Absent: no connector can be set and actions answer 501. */
  readonly breachActions?: BreachActions;
  /** OAuth client credentials (routes/oauth): the access tokens' signing key and lifetime. */
  readonly oauth?: OAuthDeps;
  /** Where pino writes (default stdout); tests capture it to prove redaction. */
  readonly logStream?: { write(line: string): void };
}

/** What routes/graph needs: the store's Graph queries and the key that signs skip tokens. */
export interface GraphApiDeps {
  readonly queries: GraphQueries;
  /** HMAC key of $skiptoken (32+ random bytes). Absent: a random key per process (tokens die with a restart). */
  readonly skipTokenKey?: Uint8Array;
}

/** Access tokens exchanged for API keys at POST /{tenant}/oauth2/v2.0/token. */
export interface OAuthDeps {
  /** HMAC key of the tokens (32+ random bytes). Absent: a random key per process (tokens die with a restart). */
  readonly signingKey?: Uint8Array;
  /** Default 3600 (directory/access-tokens.ts). */
  readonly tokenLifetimeSeconds?: number;
}

/** What routes/v1 lists, leaks, detection-settings, backtest, risky-users and incidents need (app.ts: rt.detect and rt.detection). */
export interface DetectApiDeps {
  readonly settings: DetectorSettingsStore;
  readonly leaks: LeakStore;
  readonly riskyUsers: RiskyUserStore;
  readonly incidents: IncidentStore;
  /** Drops the tenant's engine so its next events run with the new settings (DetectionRuntime.reload). */
  reload(tenant: TenantId): Promise<void>;
}
