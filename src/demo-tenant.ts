/**
 * Fills a new data dir with the demo tenant (SPEC 9): premium with RMS, opted
 * in, a simulated month ending now with labelled attacks. The simulation's
 * labels are written beside the data (<dataDir>/demo/) so detection quality can
 * be measured against what was stored.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseLeaks } from './detect/leaks/parse-leaks.ts';
import { rematchLeaks } from './detect/leaks/rematch.ts';
import { simulate, writeSimulation } from './sim/index.ts';
import type { AuthEvent } from './schema/events.ts';
import type { IpCategory } from './schema/enrichment.ts';
import type { IngestSummary } from './schema/ingest.ts';
import { isLicensedGlobalAdminIn } from './directory/global-admin.ts';
import { createTenantService } from './directory/tenants.ts';
import type { Runtime } from './app.ts';

export const DEMO_TENANT = 'demo';

/** The lists writeSimulation puts in lists/, with their categories. */
const DEMO_LISTS: ReadonlyArray<readonly [string, IpCategory]> = [
  ['demo-tor-exits', 'anonymizer'],
  ['demo-botnet', 'botnet'],
  ['corporate-egress', 'trusted'],
];

export interface DemoSeedOptions {
  readonly users: number;
  readonly days: number;
  readonly seed: number;
  readonly end: Date;
  log(line: string): void;
}

export interface DemoSeedResult {
  readonly adminUpn: string;
  readonly summary: IngestSummary;
  readonly labelsDir: string;
}

/** The events as NDJSON chunks of about 1 MiB, so the pipeline reads them as it would a file. */
async function* ndjson(events: Iterable<AuthEvent>): AsyncGenerator<Buffer> {
  let parts: string[] = [];
  let size = 0;
  for (const e of events) {
    const line = JSON.stringify(e);
    parts.push(line);
    size += line.length + 1;
    if (size >= 1 << 20) {
      yield Buffer.from(parts.join('\n') + '\n');
      parts = [];
      size = 0;
    }
  }
  if (parts.length > 0) yield Buffer.from(parts.join('\n') + '\n');
}

export async function seedDemoTenant(rt: Runtime, opts: DemoSeedOptions): Promise<DemoSeedResult> {
  const world = simulate({ users: opts.users, days: opts.days, seed: opts.seed, end: opts.end });
  const labelsDir = path.join(rt.config.dataDir, 'demo');
  // Labels, lists, leaks and the directory beside the data; the events themselves go straight into the store.
  writeSimulation(world, labelsDir, { includeEvents: false });

  const tenants = createTenantService(rt.store.control);
  // A day beyond the simulated month: its first minutes would otherwise fall out of the retention while the month loads.
  await tenants.create({ id: DEMO_TENANT, name: 'Northwind (demo)', edition: 'premium', rms: true, retentionDays: opts.days + 1 });
  await rt.store.control.importDirectory(DEMO_TENANT, world.directory);
  const admin = world.directory.users.find((u) => isLicensedGlobalAdminIn(world.directory, u.userPrincipalName));
  if (admin === undefined) throw new Error('the simulated directory has no licensed global admin');
  const optIn = await tenants.optIn(DEMO_TENANT, admin.userPrincipalName);
  if (!optIn.ok) throw new Error(`demo opt-in refused: ${optIn.reason}`);

  if (rt.sharing !== undefined) {
    // The demo's attackers are simulated: they must never become a signal for the real directories beside it.
    await rt.detect.settings.putSettings(DEMO_TENANT, { D4: { params: { sharedReputationSend: false } } }, 'authlens demo seed', new Date().toISOString());
  }

  // The demo's synthetic lists, scoped to the demo tenant, loaded before the events so enrichment tags them.
  for (const [name, category] of DEMO_LISTS) {
    await rt.enrichment.lists.add({
      scope: { tenant: DEMO_TENANT },
      name,
      category,
      source: path.join(labelsDir, 'lists', `${name}.txt`),
    });
  }
  await rt.enrichment.lists.reload();

  opts.log(`demo: loading a simulated month (${opts.users} users, ${opts.days} days)...`);
  const started = Date.now();
  let lastLog = started;
  const summary = await rt.ingest(DEMO_TENANT, ndjson(world.events()), {
    format: 'native',
    onProgress: (p) => {
      const now = Date.now();
      if (now - lastLog < 5000) return;
      lastLog = now;
      opts.log(`demo: ${p.records.toLocaleString('en-US')} events stored (${Math.round(p.records / ((now - started) / 1000))}/s)`);
    },
  });
  await rt.flushDetections(DEMO_TENANT);
  // The simulated leak feed, as `authlens leaks import` would load it: without it "Users with leaked credentials" stays empty (SPEC 9).
  const leaks = parseLeaks(await readFile(path.join(labelsDir, 'leaks.csv'), 'utf8'), new Date().toISOString());
  await rt.detect.leaks.importLeaks(DEMO_TENANT, leaks.records);
  await rt.store.detections.appendDetections(
    DEMO_TENANT,
    await rematchLeaks(DEMO_TENANT, { leaks: rt.detect.leaks, control: rt.store.control, settings: rt.detect.settings }),
  );
  const detections = await rt.store.detections.listDetections(DEMO_TENANT, { from: world.range.start, to: new Date().toISOString() });
  if (summary.rejected.length > 0) {
    const first = summary.rejected[0];
    opts.log(`demo: ${summary.rejected.length} simulated events were refused, the first: line ${first?.line} ${first?.field}: ${first?.reason}`);
  }
  opts.log(
    `demo: ${summary.accepted.toLocaleString('en-US')} events in ${((Date.now() - started) / 1000).toFixed(1)} s and ${detections.length.toLocaleString('en-US')} detections; labels in ${labelsDir}`,
  );
  return { adminUpn: admin.userPrincipalName, summary, labelsDir };
}
