/**
 * The detection runtime the composition root wires after durable appends:
 * one pure DetectionEngine per tenant, loaded lazily from its checkpoint,
 * with settings from DetectorSettingsStore. I/O lives here, never in the
 * engine.
 *
 * Checkpoints are saved lazily, at the start of the tenant's next call (or on
 * checkpoint()), i.e. after the root has appended the previous call's
 * detections: a kill -9 in between replays events from the older checkpoint,
 * and deterministic ids make the repeats no-ops. On load, with an EventStore,
 * the sign-ins after the checkpoint's watermark are re-read (recovery), so
 * events stored but not yet checkpointed are neither lost nor counted twice
 * (the lateness buffer drops ids it already holds).
 */
import type { Detection } from '../schema/detections.ts';
import type { EnrichedEvent, EnrichedSignIn } from '../schema/enrichment.ts';
import type { TenantId } from '../schema/tenants.ts';
import type { DetectorSettingsStore, EventStore, StateStore } from '../store/ports.ts';
import { STREAMING_DETECTORS } from './detectors/registry.ts';
import { DetectionEngine, type EngineMeta, type KeyState } from './engine/engine.ts';
import { userKey } from './engine/keys.ts';
import { resolveSettings, type ResolvedSettings } from './engine/settings.ts';
import type { AnyDetector } from './engine/types.ts';
import type { DetectorId } from '../schema/detections.ts';

export interface DetectionRuntimeDeps {
  readonly state: StateStore;
  readonly settings: DetectorSettingsStore;
  now(): number;
  readonly latenessMs: number;
  /** Enables recovery after a restart and backfill of events later than the lateness bound. */
  readonly events?: Pick<EventStore, 'scanSignIns'>;
  readonly detectors?: readonly AnyDetector[];
  readonly maxKeysPerDetector?: number;
  /**
   * checkpoint() saves at most this often per tenant (default 30,000 ms), except
   * right after a flush: a crash in between only replays more events, which
   * recovery and deterministic ids make harmless. 0 saves on every call.
   * During a bulk load nearly every user and IP key is dirty within seconds,
   * so each save writes the whole state (~110k keys, ~17 MB at 300k Graph
   * lines); saving every 30 s instead of 5 s made the load 15-19% faster
   * (BENCHMARKS.md) for up to ~30 s more events to replay after a crash.
   */
  readonly minCheckpointIntervalMs?: number;
  /** Where a tenant's invalid stored settings are reported (they fall back to defaults). */
  warn?(message: string): void;
}

export interface DetectionRuntime {
  /** Newly stored events (re-sent ones are harmless); returns detections for the root to append. */
  onEvents(tenant: TenantId, events: readonly EnrichedEvent[]): Promise<Detection[]>;
  /**
   * Releases the buffered sign-ins older than the wall clock minus the lateness
   * in the given tenants (default: the loaded ones; the server calls it every
   * minute), so the last sign-ins before a lull are detected within the
   * lateness, not at the tenant's next event.
   */
  releaseDue(tenants?: readonly TenantId[]): Promise<ReadonlyArray<{ readonly tenant: TenantId; readonly detections: Detection[] }>>;
  /** Releases the lateness buffer of one or every loaded tenant. */
  flush(tenant?: TenantId): Promise<Detection[]>;
  /**
   * Saves pending checkpoints: checkpoint(tenant) after appending a call's
   * detections (throttled, see minCheckpointIntervalMs); checkpoint() of all
   * tenants at shutdown (always saves).
   */
  checkpoint(tenant?: TenantId): Promise<void>;
  /** Drops the tenant's engine so the next call reloads settings (after a settings change). */
  reload(tenant: TenantId): Promise<void>;
  /** The detector settings the tenant's engine runs with (loads the tenant when it is not loaded yet). */
  settingsOf(tenant: TenantId): Promise<ResolvedSettings>;
}

/** A tenant's stored detector settings, resolved; invalid ones fall back to the defaults (reported through `warn`). */
export async function loadTenantSettings(
  store: Pick<DetectorSettingsStore, 'getSettings'>,
  tenant: TenantId,
  detectors: readonly AnyDetector[] = STREAMING_DETECTORS,
  warn?: (message: string) => void,
): Promise<ResolvedSettings> {
  const raw = await store.getSettings(tenant);
  const r = resolveSettings(detectors, raw);
  if (r.ok) return r.settings;
  warn?.(`tenant ${tenant}: stored detector settings are invalid (${r.errors.map((e) => `${e.field}: ${e.reason}`).join('; ')}); using defaults`);
  const d = resolveSettings(detectors, {});
  if (!d.ok) throw new Error('detector defaults do not validate');
  return d.settings;
}

/** Furthest back a late event can influence: the longest window of the default detectors (24 h) plus slack. */
const BACKFILL_HORIZON_MS = 25 * 3_600_000;

interface Loaded {
  readonly engine: DetectionEngine;
  readonly settings: ResolvedSettings;
  pending: boolean;
  /** deps.now() of the last save, and whether a flush happened since. */
  savedAt: number;
  flushed: boolean;
  /** Ids re-read by recovery: the root may pass them again in its first call. */
  recovered: Set<string> | undefined;
}

export function createDetectionRuntime(deps: DetectionRuntimeDeps): DetectionRuntime {
  const detectors = deps.detectors ?? STREAMING_DETECTORS;
  const minInterval = deps.minCheckpointIntervalMs ?? 30_000;
  const tenants = new Map<TenantId, Promise<Loaded>>();
  const serial = new Map<TenantId, Promise<unknown>>();

  // One call per tenant at a time: engines are synchronous but loading and saving are not.
  function exclusive<R>(tenant: TenantId, fn: () => Promise<R>): Promise<R> {
    const prev = serial.get(tenant) ?? Promise.resolve();
    const next = prev.then(fn, fn);
    serial.set(tenant, next.catch(() => undefined));
    return next;
  }

  const settingsOf = (tenant: TenantId): Promise<ResolvedSettings> => loadTenantSettings(deps.settings, tenant, detectors, (m) => deps.warn?.(m));

  async function load(tenant: TenantId): Promise<Loaded> {
    const settings = await settingsOf(tenant);
    const engine = new DetectionEngine({ tenant, detectors, settings, latenessMs: deps.latenessMs, maxKeysPerDetector: deps.maxKeysPerDetector });
    const saved = await deps.state.load(tenant);
    const meta = isMeta(saved.meta) ? saved.meta : undefined;
    engine.restore(meta, saved.keys as KeyState[]);
    let recovered: Set<string> | undefined;
    if (meta !== undefined && deps.events !== undefined && Number.isFinite(meta.releasedUpTo)) {
      recovered = new Set();
      const from = new Date(meta.releasedUpTo + 1).toISOString();
      const to = new Date(Math.max(deps.now(), meta.maxSeen) + 86_400_000).toISOString();
      let batch: EnrichedSignIn[] = [];
      for await (const e of deps.events.scanSignIns(tenant, { from, to })) {
        recovered.add(e.id);
        batch.push(e);
        if (batch.length >= 5000) {
          engine.push(batch);
          batch = [];
        }
      }
      engine.push(batch);
    }
    return { engine, settings, pending: recovered !== undefined, savedAt: Number.NEGATIVE_INFINITY, flushed: false, recovered };
  }

  function loaded(tenant: TenantId): Promise<Loaded> {
    let l = tenants.get(tenant);
    if (l === undefined) {
      l = load(tenant);
      tenants.set(tenant, l);
      l.catch(() => tenants.delete(tenant));
    }
    return l;
  }

  async function save(tenant: TenantId, l: Loaded, throttled = false): Promise<void> {
    if (!l.pending) return;
    const now = deps.now();
    if (throttled && !l.flushed && now - l.savedAt < minInterval) return;
    const delta = l.engine.takeDelta();
    await deps.state.save(tenant, delta);
    l.pending = false;
    l.flushed = false;
    l.savedAt = now;
  }

  async function backfill(tenant: TenantId, l: Loaded, late: readonly EnrichedSignIn[]): Promise<Detection[]> {
    const scratch = (): DetectionEngine =>
      new DetectionEngine({ tenant, detectors, settings: l.settings, latenessMs: deps.latenessMs, maxKeysPerDetector: deps.maxKeysPerDetector });
    if (deps.events === undefined) {
      // No history to re-read: at least the late events' own (stateless or in-batch) detections.
      const e = scratch();
      return [...e.push(late).detections, ...e.flush()];
    }
    const users = new Set(late.map(userKey));
    const ips = new Set(late.flatMap((e) => (e.ipAddress === undefined ? [] : [e.ipAddress])));
    const minT = Math.min(...late.map((e) => Date.parse(e.createdDateTime)));
    const maxT = Math.max(...late.map((e) => Date.parse(e.createdDateTime)));
    const range = { from: new Date(minT - BACKFILL_HORIZON_MS).toISOString(), to: new Date(Math.max(maxT, l.engine.stats().releasedUpTo) + 1).toISOString() };
    const e = scratch();
    const out: Detection[] = [];
    let batch: EnrichedSignIn[] = [];
    for await (const s of deps.events.scanSignIns(tenant, range)) {
      if (!users.has(userKey(s)) && (s.ipAddress === undefined || !ips.has(s.ipAddress))) continue;
      batch.push(s);
      if (batch.length >= 5000) {
        out.push(...e.push(batch).detections);
        batch = [];
      }
    }
    // The late events themselves may not be readable yet (another connection): add them; the buffer drops repeats.
    out.push(...e.push([...batch, ...late]).detections, ...e.flush());
    // Only what the late events could have changed: detections at or after the earliest late event.
    return out.filter((d) => Date.parse(d.detectedDateTime) >= minT);
  }

  return {
    onEvents(tenant, events) {
      return exclusive(tenant, async () => {
        const l = await loaded(tenant);
        await save(tenant, l, true);
        let signIns = events.filter((e): e is EnrichedSignIn => e.kind === 'signIn');
        if (l.recovered !== undefined) {
          const seen = l.recovered;
          signIns = signIns.filter((e) => !seen.has(e.id));
          l.recovered = undefined;
        }
        const r = l.engine.push(signIns);
        l.pending = true;
        const out = r.detections;
        if (r.late.length > 0) out.push(...(await backfill(tenant, l, r.late)));
        return dedupe(out);
      });
    },
    async releaseDue(names = [...tenants.keys()]) {
      const out: Array<{ tenant: TenantId; detections: Detection[] }> = [];
      for (const t of names) {
        const detections = await exclusive(t, async () => {
          const l = await loaded(t);
          const before = l.engine.stats().buffered;
          const found = l.engine.releaseDue(deps.now());
          if (l.engine.stats().buffered !== before) l.pending = true;
          return found;
        });
        if (detections.length > 0) out.push({ tenant: t, detections });
      }
      return out;
    },
    async flush(tenant) {
      const names = tenant === undefined ? [...tenants.keys()] : [tenant];
      const out: Detection[] = [];
      for (const t of names) {
        out.push(
          ...(await exclusive(t, async () => {
            const l = await loaded(t);
            l.pending = true;
            l.flushed = true;
            return l.engine.flush();
          })),
        );
      }
      return out;
    },
    async checkpoint(tenant) {
      const names = tenant === undefined ? [...tenants.keys()] : [tenant];
      // checkpoint() of every tenant is the shutdown path: never skipped.
      for (const t of names) await exclusive(t, async () => save(t, await loaded(t), tenant !== undefined));
    },
    async settingsOf(tenant) {
      return (await loaded(tenant)).settings;
    },
    reload(tenant) {
      return exclusive(tenant, async () => {
        const l = tenants.get(tenant);
        if (l !== undefined) await save(tenant, await l);
        tenants.delete(tenant);
      });
    },
  };
}

function isMeta(v: unknown): v is EngineMeta {
  return typeof v === 'object' && v !== null && (v as { version?: unknown }).version === 1 && Array.isArray((v as { buffer?: unknown }).buffer);
}

function dedupe(ds: Detection[]): Detection[] {
  const seen = new Set<string>();
  return ds.filter((d) => (seen.has(d.id) ? false : (seen.add(d.id), true)));
}

export type { DetectorId };
