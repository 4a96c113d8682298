/**
 * The detector contract: a detector is a pure function of (event, the state of
 * the event's key, parameters, event time) -> (new state, findings). No I/O,
 * no wall clock: the engine feeds events in event-time order and owns keys,
 * windows of lateness, eviction and ids.
 */
import type { TSchema } from 'typebox';
import type { EnrichedSignIn } from '../../schema/enrichment.ts';
import type { DetectorId, Severity } from '../../schema/detections.ts';

/** What a detector reports; the engine turns it into a Detection (id, user, IP, time, logOnly). */
export interface Finding {
  readonly severity: Severity;
  /** The flagged sign-in. */
  readonly event: EnrichedSignIn;
  readonly evidence: Record<string, unknown>;
  /** Distinguishes two findings of one detector on the same sign-in (rare); part of the id. */
  readonly discriminator?: string;
}

export interface StepResult<S> {
  /** undefined drops the key (nothing worth remembering). */
  readonly state: S | undefined;
  readonly findings: readonly Finding[];
}

/** user: userId or UPN (lower case); ip: the IP literal; userIp: both; none: stateless. */
export type KeyBy = 'user' | 'ip' | 'userIp' | 'none';

export interface Detector<S = unknown, P = unknown> {
  readonly id: DetectorId;
  readonly keyBy: KeyBy;
  /** TypeBox schema of the parameters; every property has a default. */
  readonly paramsSchema: TSchema;
  readonly defaults: P;
  /** After this long without an event a key's state can no longer matter and is evicted. */
  idleMs(params: P): number;
  /**
   * `t` is the event time in ms. The engine owns `state` exclusively (one engine
   * per tenant, checkpoints are copies), so a detector may update it in place
   * and return it: that keeps per-event work free of allocation. State must be
   * plain JSON (checkpointed).
   */
  step(state: S | undefined, event: EnrichedSignIn, t: number, params: P): StepResult<S>;
}

export const NO_FINDINGS: readonly Finding[] = Object.freeze([]);

/** A detector with its types erased, for registries. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- the registry holds detectors of different state/param types; each is used only with its own
export type AnyDetector = Detector<any, any>;
