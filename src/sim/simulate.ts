/**
 * The demo world: a directory and a month of traffic with labelled attacks.
 * `simulate` builds everything small up front (directory, scripted episodes,
 * labels, lists, leaks); the bulk of the events is produced lazily, day by
 * day and in time order, by `world.events()`, so memory stays bounded whatever
 * the size and every call yields the same records for the same seed.
 */
import type { DirectorySnapshot } from '../schema/directory.ts';
import { eventTime, type AuthEvent } from '../schema/events.ts';
import { generateConsumerDay, generatePersonDay, type DayContext } from './background.ts';
import { CITIES, cityKey } from './cities.ts';
import { IpAllocator, buildGeoPool } from './geo-pool.ts';
import type { IpLists, Label, LeakRecord, Organisation } from './model.ts';
import { generateOrgDay } from './org-activity.ts';
import { buildOrganisation } from './organisation.ts';
import { IdFactory, Rng } from './rng.ts';
import { buildScenarios, type Scenarios } from './scenarios.ts';
import { DAY, iso, utcDay } from './time.ts';

export interface SimulateOptions {
  /** Directory size (members, guests and a few disabled accounts). 50..100,000. */
  readonly users: number;
  /** Length of the simulated traffic, days. 7..90 (attacks need room away from the edges). */
  readonly days: number;
  readonly seed: number;
  /** Exclusive end of the traffic (default of the CLI: now). */
  readonly end: Date;
}

export interface SimulatedWorld {
  readonly options: SimulateOptions;
  /** [start, end) of every event, ISO. */
  readonly range: { readonly start: string; readonly end: string };
  readonly directory: DirectorySnapshot;
  /** One line per labelled attack and detector that should fire on it. */
  readonly labels: readonly Label[];
  /** Benign look-alikes with the detector they could fool. */
  readonly confounders: readonly Label[];
  readonly lists: IpLists;
  readonly leaks: readonly LeakRecord[];
  /** Every event in time order (ties by id); a fresh, identical pass on every call. */
  events(): Generator<AuthEvent, void, undefined>;
}

export class SimulationOptionsError extends Error {
  override readonly name = 'SimulationOptionsError';
}

export function validateOptions(o: SimulateOptions): string | undefined {
  if (!Number.isInteger(o.users) || o.users < 50 || o.users > 100_000) return 'users must be an integer from 50 to 100000';
  if (!Number.isInteger(o.days) || o.days < 7 || o.days > 90) return 'days must be an integer from 7 to 90';
  if (!Number.isInteger(o.seed) || o.seed < 0 || o.seed > 0xffffffff) return 'seed must be an integer from 0 to 4294967295';
  if (Number.isNaN(o.end.getTime())) return 'end must be a valid date';
  return undefined;
}

function isBlocked(blackouts: Scenarios['blackouts'], index: number, ms: number): boolean {
  const list = blackouts.get(index);
  if (list === undefined) return false;
  for (const [from, to] of list) if (ms >= from && ms <= to) return true;
  return false;
}

const byTimeThenId = (a: AuthEvent, b: AuthEvent): number => {
  const ta = eventTime(a);
  const tb = eventTime(b);
  if (ta !== tb) return ta < tb ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
};

export function simulate(options: SimulateOptions): SimulatedWorld {
  const problem = validateOptions(options);
  if (problem !== undefined) throw new SimulationOptionsError(problem);
  const { seed, users, days } = options;
  const end = options.end.getTime();
  const start = end - days * DAY;
  const pool = buildGeoPool(seed);
  const alloc = new IpAllocator(pool, new Rng(seed, 'ip-allocator'));
  const org = buildOrganisation(seed, users, alloc);
  const scenarios = buildScenarios(seed, org, alloc, { start, end });

  return {
    options,
    range: { start: iso(start), end: iso(end) },
    directory: org.directory,
    labels: scenarios.labels,
    confounders: scenarios.confounders,
    lists: scenarios.lists,
    leaks: scenarios.leaks,
    events: () => generateEvents(seed, org, scenarios, start, end),
  };
}

function* generateEvents(
  seed: number,
  org: Organisation,
  scenarios: Scenarios,
  start: number,
  end: number,
): Generator<AuthEvent, void, undefined> {
  const buckets = new Map<number, AuthEvent[]>();
  const put = (e: AuthEvent): void => {
    const ms = Date.parse(eventTime(e));
    if (ms < start || ms >= end) return;
    const day = utcDay(ms);
    const list = buckets.get(day);
    if (list === undefined) buckets.set(day, [e]);
    else list.push(e);
  };
  for (const e of scenarios.signIns) put(e);
  for (const e of scenarios.audits) put(e);
  const consumerTz = CITIES.find((c) => cityKey(c) === 'London|GB')?.tz ?? 'UTC';
  const firstDay = utcDay(start) - DAY;
  const lastDay = utcDay(end) + DAY;
  let flushed = firstDay - DAY;
  for (let day = firstDay, n = 0; day <= lastDay; day += DAY, n++) {
    const rng = new Rng(seed, 'day', day / DAY);
    const ctx: DayContext = {
      org,
      rng,
      ids: new IdFactory(new Rng(seed, 'day-ids', day / DAY), (n % 0xffd) + 1),
      emit: put,
      blocked: (i, ms) => isBlocked(scenarios.blackouts, i, ms),
    };
    for (const p of org.people) generatePersonDay(ctx, p, day);
    for (const c of org.consumers) generateConsumerDay(ctx, c, day, consumerTz);
    generateOrgDay(ctx, day);
    // Local day `day` reaches back at most 14 h into the previous UTC day, so earlier days are complete.
    for (let d = flushed + DAY; d < day - DAY + 1; d += DAY) {
      const list = buckets.get(d);
      buckets.delete(d);
      flushed = d;
      if (list === undefined) continue;
      list.sort(byTimeThenId);
      yield* list;
    }
  }
  for (const d of [...buckets.keys()].sort((a, b) => a - b)) {
    const list = buckets.get(d) ?? [];
    list.sort(byTimeThenId);
    yield* list;
  }
}

