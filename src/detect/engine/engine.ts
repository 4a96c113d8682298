/**
 * The streaming engine for one tenant: pure and synchronous. Events go into a
 * lateness buffer and are released in (event time, id) order once the
 * watermark (latest event time seen minus latenessMs) passes them, so
 * out-of-order arrival within the bound gives the same detections as in-order
 * arrival. Events older than what was already released are returned as
 * `late` for a backfill (runtime.ts). State is kept per detector and key;
 * idle keys are swept once per quarter window of event time (amortised O(1)
 * per event) and a flood of new keys is capped at maxKeysPerDetector by
 * shedding the least recently seen tenth.
 */
import type { Detection, DetectorId } from '../../schema/detections.ts';
import type { EnrichedSignIn } from '../../schema/enrichment.ts';
import { detectionId } from './detection-id.ts';
import { userKey } from './keys.ts';
import { MinHeap } from './min-heap.ts';
import type { ResolvedSettings } from './settings.ts';
import type { AnyDetector, Finding } from './types.ts';

export interface EngineOptions {
  readonly tenant: string;
  readonly detectors: readonly AnyDetector[];
  readonly settings: ResolvedSettings;
  readonly latenessMs: number;
  /** Most keys one detector tracks; the least recently touched go first. Default 200,000. */
  readonly maxKeysPerDetector?: number;
}

interface Slot {
  state: unknown;
  /** Event time (ms) of the key's last event. */
  last: number;
  /** Already in the detector's dirty set since the last checkpoint. */
  dirty: boolean;
}

interface Buffered {
  readonly t: number;
  readonly e: EnrichedSignIn;
}

/** One key's state as a checkpoint row. */
export interface KeyState {
  readonly detector: DetectorId;
  readonly key: string;
  readonly state: unknown;
  readonly last: number;
}

/** The engine's own progress: watermark and the events still buffered. */
export interface EngineMeta {
  readonly version: 1;
  readonly maxSeen: number;
  readonly releasedUpTo: number;
  readonly buffer: readonly EnrichedSignIn[];
}

export interface StateDelta {
  readonly upserts: readonly KeyState[];
  readonly deletes: readonly { readonly detector: DetectorId; readonly key: string }[];
  readonly meta: EngineMeta;
}

export interface PushResult {
  readonly detections: Detection[];
  /** Events older than what was already released: stored, but need a backfill. */
  readonly late: EnrichedSignIn[];
  /** Events already in the buffer (re-sent). */
  readonly duplicates: number;
}

interface Active {
  readonly detector: AnyDetector;
  readonly params: unknown;
  readonly logOnly: boolean;
  readonly idleMs: number;
  readonly slots: Map<string, Slot>;
  readonly dirty: Set<string>;
  nextSweep: number;
}

const before = (a: Buffered, b: Buffered): boolean => a.t < b.t || (a.t === b.t && a.e.id < b.e.id);

export class DetectionEngine {
  private readonly active: Active[] = [];
  private readonly heap = new MinHeap<Buffered>(before);
  private readonly bufferedIds = new Set<string>();
  private maxSeen = Number.NEGATIVE_INFINITY;
  private releasedUpTo = Number.NEGATIVE_INFINITY;
  private readonly maxKeys: number;

  constructor(private readonly opts: EngineOptions) {
    this.maxKeys = opts.maxKeysPerDetector ?? 200_000;
    for (const detector of opts.detectors) {
      const s = opts.settings.get(detector.id);
      if (s === undefined || !s.enabled) continue;
      this.active.push({
        detector,
        params: s.params,
        logOnly: s.logOnly,
        idleMs: detector.idleMs(s.params),
        slots: new Map(),
        dirty: new Set(),
        nextSweep: Number.NEGATIVE_INFINITY,
      });
    }
  }

  /** Adds events (any order); returns the detections of the events the watermark released. */
  push(events: readonly EnrichedSignIn[]): PushResult {
    const late: EnrichedSignIn[] = [];
    let duplicates = 0;
    for (const e of events) {
      const t = Date.parse(e.createdDateTime);
      if (Number.isNaN(t)) continue;
      if (t <= this.releasedUpTo) {
        late.push(e);
        continue;
      }
      if (this.bufferedIds.has(e.id)) {
        duplicates++;
        continue;
      }
      this.bufferedIds.add(e.id);
      this.heap.push({ t, e });
      if (t > this.maxSeen) this.maxSeen = t;
    }
    const detections: Detection[] = [];
    this.release(this.maxSeen - this.opts.latenessMs, detections);
    return { detections, late, duplicates };
  }

  /**
   * Releases the events whose time is at or before `now - latenessMs` by the
   * wall clock: an event that arrives more than the lateness after its time is
   * late whatever the stream did meanwhile, so nothing on time can still join
   * them. Without it the last sign-ins before a lull (a night, a quiet tenant)
   * stay buffered, undetected and unnotified, until newer traffic arrives.
   */
  releaseDue(now: number): Detection[] {
    const detections: Detection[] = [];
    this.release(now - this.opts.latenessMs, detections);
    return detections;
  }

  /** Releases the whole buffer (end of a backtest, shutdown, or an idle stream). */
  flush(): Detection[] {
    const detections: Detection[] = [];
    this.release(Number.POSITIVE_INFINITY, detections);
    return detections;
  }

  private release(watermark: number, out: Detection[]): void {
    for (;;) {
      const top = this.heap.peek();
      if (top === undefined || top.t > watermark) break;
      this.heap.pop();
      this.bufferedIds.delete(top.e.id);
      if (top.t > this.releasedUpTo) this.releasedUpTo = top.t;
      this.process(top.e, top.t, out);
    }
  }

  private process(e: EnrichedSignIn, t: number, out: Detection[]): void {
    // Keys are computed once per event, not once per detector.
    let user: string | undefined;
    let userIp: string | undefined;
    for (const a of this.active) {
      const by = a.detector.keyBy;
      const key =
        by === 'user'
          ? (user ??= userKey(e))
          : by === 'ip'
            ? e.ipAddress
            : by === 'none'
              ? ''
              : e.ipAddress === undefined
                ? undefined
                : (userIp ??= `${(user ??= userKey(e))}|${e.ipAddress}`);
      if (key === undefined) continue;
      if (t >= a.nextSweep) this.sweep(a, t);
      const slot = a.slots.get(key);
      const result = a.detector.step(slot?.state, e, t, a.params);
      if (by !== 'none') {
        if (result.state === undefined) {
          if (slot !== undefined) {
            a.slots.delete(key);
            a.dirty.add(key);
          }
        } else if (slot !== undefined) {
          slot.state = result.state;
          slot.last = t;
          if (!slot.dirty) {
            slot.dirty = true;
            a.dirty.add(key);
          }
        } else {
          a.slots.set(key, { state: result.state, last: t, dirty: true });
          a.dirty.add(key);
          if (a.slots.size > this.maxKeys) this.shed(a);
        }
      }
      for (const f of result.findings) out.push(this.toDetection(a, f));
    }
  }

  /**
   * Drops keys idle for longer than the detector's window. Runs once per
   * sweep interval of event time (a quarter of the window, at least a
   * minute), so the full scan is amortised over the events in between.
   */
  private sweep(a: Active, now: number): void {
    for (const [key, slot] of a.slots) {
      if (slot.last < now - a.idleMs) {
        a.slots.delete(key);
        a.dirty.add(key);
      }
    }
    a.nextSweep = now + Math.max(60_000, a.idleMs / 4);
  }

  /** Over the key cap (a flood of new users or IPs): drop the least recently seen tenth. */
  private shed(a: Active): void {
    const lasts = Float64Array.from(a.slots.values(), (s) => s.last).sort();
    const cut = lasts[Math.floor(lasts.length / 10)] ?? Number.NEGATIVE_INFINITY;
    for (const [key, slot] of a.slots) {
      if (slot.last <= cut) {
        a.slots.delete(key);
        a.dirty.add(key);
      }
    }
  }

  private toDetection(a: Active, f: Finding): Detection {
    const e = f.event;
    const d: Detection = {
      id: detectionId(a.detector.id, e.id, f.discriminator),
      detector: a.detector.id,
      severity: f.severity,
      detectedDateTime: e.createdDateTime,
      signInId: e.id,
      userPrincipalName: e.userPrincipalName,
      evidence: f.evidence,
      logOnly: a.logOnly,
    };
    if (e.userId !== undefined) d.userId = e.userId;
    if (e.ipAddress !== undefined) d.ipAddress = e.ipAddress;
    return d;
  }

  /** Keys changed since the last call, for an incremental checkpoint. */
  takeDelta(): StateDelta {
    const upserts: KeyState[] = [];
    const deletes: { detector: DetectorId; key: string }[] = [];
    for (const a of this.active) {
      for (const key of a.dirty) {
        const slot = a.slots.get(key);
        if (slot === undefined) deletes.push({ detector: a.detector.id, key });
        else {
          slot.dirty = false;
          upserts.push({ detector: a.detector.id, key, state: slot.state, last: slot.last });
        }
      }
      a.dirty.clear();
    }
    return { upserts, deletes, meta: this.meta() };
  }

  meta(): EngineMeta {
    return {
      version: 1,
      maxSeen: this.maxSeen,
      releasedUpTo: this.releasedUpTo,
      buffer: this.heap.toArray().map((b) => b.e),
    };
  }

  /** Restores a checkpoint (keys in ascending `last` order keep eviction order right). */
  restore(meta: EngineMeta | undefined, keys: readonly KeyState[]): void {
    const byDetector = new Map(this.active.map((a) => [a.detector.id, a] as const));
    const sorted = [...keys].sort((x, y) => x.last - y.last);
    for (const k of sorted) byDetector.get(k.detector)?.slots.set(k.key, { state: k.state, last: k.last, dirty: false });
    if (meta === undefined) return;
    this.maxSeen = meta.maxSeen;
    this.releasedUpTo = meta.releasedUpTo;
    for (const e of meta.buffer) {
      const t = Date.parse(e.createdDateTime);
      if (Number.isNaN(t) || this.bufferedIds.has(e.id)) continue;
      this.bufferedIds.add(e.id);
      this.heap.push({ t, e });
    }
  }

  /** Tracked keys per detector and buffered events (memory figures, tests). */
  stats(): { readonly keys: Readonly<Partial<Record<DetectorId, number>>>; readonly buffered: number; readonly releasedUpTo: number } {
    const keys: Partial<Record<DetectorId, number>> = {};
    for (const a of this.active) keys[a.detector.id] = a.slots.size;
    return { keys, buffered: this.heap.size, releasedUpTo: this.releasedUpTo };
  }

  /** One key's state (tests, memory measurement). */
  stateOf(detector: DetectorId, key: string): unknown {
    return this.active.find((a) => a.detector.id === detector)?.slots.get(key)?.state;
  }
}
