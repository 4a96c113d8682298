/**
 * Process entry of the server: open the runtime, seed the demo tenant into a
 * new data dir, give each tenant without portal users its first admin, purge expired data, start the hourly reports job (purge, then
 * warming the reports' rollups; a first warming at once, in the background),
 * listen, publish <dataDir>/server.json for the local CLI, and shut down cleanly on SIGINT/SIGTERM (close HTTP, flush and close the store).
 */
import { createServer } from 'node:net';
import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { Config } from './config/config.ts';
import { buildHttpApp, openRuntime, type Runtime } from './app.ts';
import { newOperatorToken, removeServerInfo, writeServerInfo } from './api/server-info.ts';
import { isLoopbackHost } from './api/plugins/auth.ts';
import { createFilePortalUserStore } from './directory/portal-users-file.ts';
import { ensureFirstGlobalAdmin } from './directory/bootstrap-admin.ts';
import { DEMO_TENANT, seedDemoTenant } from './demo-tenant.ts';
import { withSharedRuntime } from './cli/runtime.ts';
import type { RunCli } from './api/deps.ts';
import { purgeExpired, scheduleRetention, type ReportsJob } from './reports/retention.ts';

export interface RunningServer {
  readonly url: string;
  readonly app: FastifyInstance;
  readonly runtime: Runtime;
  /** Resolves once the start-up warming of the reports has finished (never rejects: failures are logged). */
  readonly reportsWarmed: Promise<void>;
  close(): Promise<void>;
}

export interface StartOptions {
  log(line: string): void;
  /** Runs a CLI command with captured output (the operator channel); handed in by the CLI so the server imports no command. */
  readonly runCli?: RunCli;
  /** How often detections due by the wall clock are released (default every minute; tests shorten it). */
  readonly releaseEveryMs?: number;
  /** Simulated demo size; defaults to SPEC 9's realistic month. */
  readonly demo?: { readonly users: number; readonly days: number; readonly seed: number };
}

/** Says a port is taken before the demo load and the store's start, not after them. */
async function assertPortFree(host: string, port: number): Promise<void> {
  if (port === 0) return;
  await new Promise<void>((resolve, reject) => {
    const probe = createServer();
    probe.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        err.code === 'EADDRINUSE'
          ? new Error(`${host}:${port} is already in use (another authlens, or another server); start on another port with --port N`, { cause: err })
          : err,
      ),
    );
    probe.listen({ host, port, exclusive: true }, () => probe.close(() => resolve()));
  });
}

export async function startServer(config: Config, opts: StartOptions): Promise<RunningServer> {
  await assertPortFree(config.host, config.port);
  const runtime = await openRuntime(config);
  let retention: ReportsJob | undefined;
  try {
    const portalUsers = createFilePortalUserStore(config.dataDir);
    let demoAdmin: string | undefined;
    if (config.demo && (await runtime.store.control.listTenants()).length === 0) {
      const d = opts.demo ?? { users: 2000, days: 30, seed: 1 };
      demoAdmin = (await seedDemoTenant(runtime, { ...d, end: new Date(), log: opts.log })).adminUpn;
    }
    // The demo, and any tenant made through the API or without `tenant create --admin`, has nobody who can sign in to the portal yet.
    for (const t of await runtime.store.control.listTenants()) {
      const first = await ensureFirstGlobalAdmin(portalUsers, runtime.store.control, t.id, {
        ...(t.id === DEMO_TENANT && demoAdmin !== undefined ? { upn: demoAdmin } : {}),
        ...(config.adminPassword !== undefined ? { password: config.adminPassword } : {}),
      });
      if (first === undefined) continue;
      opts.log(
        first.generated
          ? `${t.id}: sign in to the portal as tenant "${t.id}", user ${first.upn}, one-time password ${first.password}`
          : `${t.id}: portal user ${first.upn} created with the password of AUTHLENS_ADMIN_PASSWORD`,
      );
    }

    const operatorToken = newOperatorToken();
    const tls = readTls(config);
    const app = await buildHttpApp(runtime, {
      ...(tls !== undefined ? { https: tls } : {}),
      operatorToken,
      portalUsers,
      ...(opts.runCli !== undefined ? { runCli: runCliIn(runtime, opts.runCli) } : {}),
    });
    // SPEC 3 retention: purge once at start, then hourly. Warming (the reports' rollups of the month) runs
    // after each purge and once now in the background: the server listens meanwhile, and a report run
    // that comes first shares the store's per-tenant queue, so no day is built twice.
    const retentionDeps = { queries: runtime.store.reports, control: runtime.store.control };
    await purgeExpired(retentionDeps, new Date());
    const job = scheduleRetention(retentionDeps, {
      warmNow: true,
      onError: (err, task) => opts.log(`${task} failed: ${err instanceof Error ? err.message : String(err)}`),
    });
    retention = job;
    runtime.notify.start({ log: opts.log });
    // Detections of a quiet stream's last sign-ins: released by the wall clock once older than the lateness.
    let releasing: Promise<unknown> = Promise.resolve();
    const releaseTimer = setInterval(() => {
      releasing = releasing.then(() =>
        runtime.releaseDueDetections().catch((err: unknown) => opts.log(`releasing due detections failed: ${err instanceof Error ? err.message : String(err)}`)),
      );
    }, opts.releaseEveryMs ?? 60_000);
    releaseTimer.unref();
    const https = config.tls !== undefined;
    const url = await app.listen({ host: config.host, port: config.port });
    await writeServerInfo(config.dataDir, { url, pid: process.pid, operatorToken });
    opts.log(`authlens is serving ${https ? 'HTTPS' : 'HTTP'} on ${url} (portal: ${url}/, API docs: ${url}/api/docs)`);
    if (!https && !isLoopbackHost(config.host)) {
      opts.log(`note: plain HTTP on ${config.host}: the API answers other machines, but the portal signs in only from this one; use --tls-cert FILE --tls-key FILE for the portal elsewhere`);
    }
    let closing: Promise<void> | undefined;
    return {
      url,
      app,
      runtime,
      reportsWarmed: job.settled(),
      close() {
        closing ??= (async () => {
          // Waits for a warming in flight (it writes through the store being closed); no further tenant is started.
          await job.stop();
          clearInterval(releaseTimer);
          await releasing;
          await runtime.notify.stop();
          await app.close();
          await removeServerInfo(config.dataDir);
          await runtime.close();
        })();
        return closing;
      },
    };
  } catch (err) {
    await retention?.stop();
    await runtime.close();
    throw err;
  }
}

/** The operator channel's runner: commands share the server's open runtime instead of opening the locked file. */
function runCliIn(runtime: Runtime, run: NonNullable<StartOptions['runCli']>): RunCli {
  return (argv, stdin, live) => withSharedRuntime(runtime, () => run(argv, stdin, live));
}

/** TLS material for Fastify's https option. */
export function readTls(config: Config): { cert: Buffer; key: Buffer } | undefined {
  if (config.tls === undefined) return undefined;
  return { cert: readFileSync(config.tls.certFile), key: readFileSync(config.tls.keyFile) };
}
