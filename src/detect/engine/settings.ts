/**
 * Tenant-configurable detector settings: per detector enabled, logOnly and
 * parameters, validated against each detector's TypeBox schema and filled
 * with its defaults. Bad settings are data (field + reason), never a throw.
 */
import { Type, type Static, type TSchema } from 'typebox';
import { Value } from 'typebox/value';
import { DETECTOR_IDS, type DetectorId } from '../../schema/detections.ts';
import type { AnyDetector } from './types.ts';

export const DetectorSetting = Type.Object(
  {
    enabled: Type.Optional(Type.Boolean()),
    /** Stored, shown in reports, never notified. */
    logOnly: Type.Optional(Type.Boolean()),
    params: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false },
);
export type DetectorSetting = Static<typeof DetectorSetting>;

/** What a tenant stores: only what differs from the defaults. */
export type TenantDetectorSettings = Partial<Record<DetectorId, DetectorSetting>>;

export interface ResolvedSetting {
  readonly enabled: boolean;
  readonly logOnly: boolean;
  readonly params: unknown;
}
export type ResolvedSettings = ReadonlyMap<DetectorId, ResolvedSetting>;

export interface SettingsError {
  readonly field: string;
  readonly reason: string;
}

export type SettingsResult = { readonly ok: true; readonly settings: ResolvedSettings } | { readonly ok: false; readonly errors: readonly SettingsError[] };

const KNOWN = new Set<string>(DETECTOR_IDS);

/**
 * A value's problems against a schema, each once and in words a user can act
 * on: TypeBox reports an unknown property twice (on it: 'schema is false'; on
 * its parent: 'must not have additional properties'); say it once, on it,
 * naming the properties that are known.
 */
export function schemaErrors(schema: TSchema, value: unknown, prefix: string): SettingsError[] {
  const all = [...Value.Errors(schema, value)].map((e) => ({ field: `${prefix}${e.instancePath}`, reason: e.message }));
  const known = Type.IsObject(schema) ? Object.keys(schema.properties) : [];
  const unknownReason = known.length > 0 ? `unknown property; known: ${known.join(', ')}` : 'unknown property';
  const unknown = all.filter((e) => e.reason === 'schema is false');
  const parents = new Set(unknown.map((e) => e.field.slice(0, e.field.lastIndexOf('/'))));
  return [
    ...all.filter((e) => e.reason !== 'schema is false' && !(parents.has(e.field) && e.reason === 'must not have additional properties')),
    ...unknown.map((e) => ({ field: e.field, reason: e.field.lastIndexOf('/') === prefix.length ? unknownReason : 'unknown property' })),
  ];
}

/** One line for a person: the first 20 problems with their fields. */
export function describeSettingsErrors(errors: readonly SettingsError[]): string {
  const shown = errors.slice(0, 20).map((e) => `${e.field === '' ? '(settings)' : e.field}: ${e.reason}`);
  return `invalid settings: ${shown.join('; ')}${errors.length > 20 ? ` (and ${errors.length - 20} more)` : ''}`;
}

export function resolveSettings(detectors: readonly AnyDetector[], raw: unknown = {}): SettingsResult {
  const errors: SettingsError[] = [];
  const out = new Map<DetectorId, ResolvedSetting>();
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, errors: [{ field: '', reason: 'settings must be an object keyed by detector id' }] };
  }
  const given = raw as Record<string, unknown>;
  for (const key of Object.keys(given)) {
    if (!KNOWN.has(key)) errors.push({ field: `/${key}`, reason: 'unknown detector' });
  }
  for (const d of detectors) {
    const setting = given[d.id] ?? {};
    if (!Value.Check(DetectorSetting, setting)) {
      errors.push(...schemaErrors(DetectorSetting, setting, `/${d.id}`));
      continue;
    }
    const params = Value.Default(d.paramsSchema, Value.Clone(setting.params ?? {}));
    if (!Value.Check(d.paramsSchema, params)) {
      errors.push(...schemaErrors(d.paramsSchema, params, `/${d.id}/params`));
      continue;
    }
    out.set(d.id, { enabled: setting.enabled ?? true, logOnly: setting.logOnly ?? false, params });
  }
  return errors.length > 0 ? { ok: false, errors } : { ok: true, settings: out };
}

/**
 * Applies `key=value` overrides (backtest --set) to one detector's stored
 * settings. The value is read as JSON when it parses (numbers, booleans,
 * arrays), else as a string. `logOnly` and `enabled` address the setting itself.
 */
export function withOverrides(settings: TenantDetectorSettings, detector: DetectorId, pairs: readonly string[]): TenantDetectorSettings | SettingsError {
  const current = settings[detector] ?? {};
  const params: Record<string, unknown> = { ...(current.params ?? {}) };
  let next: DetectorSetting = { ...current };
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) return { field: pair, reason: 'expected key=value' };
    const key = pair.slice(0, eq);
    const text = pair.slice(eq + 1);
    let value: unknown = text;
    try {
      value = JSON.parse(text);
    } catch {
      // Not JSON: a plain string value.
    }
    if (key === 'logOnly' || key === 'enabled') {
      if (typeof value !== 'boolean') return { field: key, reason: 'must be true or false' };
      next = { ...next, [key]: value };
    } else params[key] = value;
  }
  return { ...settings, [detector]: { ...next, params } };
}
