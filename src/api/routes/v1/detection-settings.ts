/**
 * Detection settings per tenant: the effective values (stored overrides over
 * each detector's defaults) with the parameter schemas, and their
 * replacement. A change is validated as a whole, recorded with who and when
 * (every PUT is a new row: the settings history), then the tenant's engine is
 * reloaded so the next events run with it.
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { Value } from 'typebox/value';
import { DETECTOR_IDS, type DetectorId } from '../../../schema/detections.ts';
import type { TenantId } from '../../../schema/tenants.ts';
import { STREAMING_DETECTORS } from '../../../detect/detectors/registry.ts';
import { describeSettingsErrors, DetectorSetting, resolveSettings, schemaErrors, type SettingsError } from '../../../detect/engine/settings.ts';
import type { ApiDeps, DetectApiDeps } from '../../deps.ts';
import { ApiError } from '../../errors.ts';
import { actorOf } from '../../principal.ts';
import type { RouteOptionsOf } from '../../services.ts';
import { ALL_ROLES, TenantParams } from './common.ts';

/** SPEC 1: global admins and security admins manage detection settings. */
export const SETTINGS_ROLES = ['global-admin', 'security-admin'] as const;

export function detectDepsOf(deps: ApiDeps): DetectApiDeps {
  if (deps.detect === undefined) throw new ApiError(503, 'serviceUnavailable', 'detections are not available on this server');
  return deps.detect;
}

/** D8 reads only enabled and logOnly (it has no parameters); D7 is a rollup with nothing to set. */
const FLAG_ONLY: readonly DetectorId[] = ['D8'];
const NOT_CONFIGURABLE: readonly DetectorId[] = ['D7'];

const EffectiveSetting = Type.Object({
  id: Type.String(),
  enabled: Type.Boolean(),
  logOnly: Type.Boolean(),
  params: Type.Record(Type.String(), Type.Unknown()),
  defaults: Type.Record(Type.String(), Type.Unknown()),
  /** JSON Schema of params. */
  paramsSchema: Type.Unknown(),
});
export const SettingsResponse = Type.Object({
  detectors: Type.Array(EffectiveSetting),
  /** What the tenant stored (only what differs from the defaults). */
  stored: Type.Record(Type.String(), Type.Unknown()),
  /** Problems of the stored settings; when present the engine runs with the defaults. */
  storedErrors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), reason: Type.String() }))),
  /** Whether this deployment shares IP reputation between directories (AUTHLENS_SHARED_IP_REPUTATION): D4's shared* settings act only then. */
  sharedIpReputation: Type.Object({ enabled: Type.Boolean() }),
});
type SettingsResponse = Static<typeof SettingsResponse>;

const HistoryQuery = Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) }, { additionalProperties: false });
const HistoryResponse = Type.Object({
  value: Type.Array(Type.Object({ settings: Type.Record(Type.String(), Type.Unknown()), by: Type.String(), at: Type.String() })),
});

const SettingsBody = Type.Record(Type.String(), Type.Unknown(), {
  description: 'Per detector id: {enabled?, logOnly?, params?}. Replaces the stored settings; detectors left out use their defaults.',
});

const asRecord = (v: unknown): Record<string, unknown> => (typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : {});

/** Validates a whole settings document; returns every problem with field and reason. */
export function validateSettings(raw: unknown): readonly SettingsError[] {
  const r = resolveSettings(STREAMING_DETECTORS, raw);
  const errors: SettingsError[] = r.ok ? [] : [...r.errors];
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return errors;
  const given = raw as Record<string, unknown>;
  for (const id of NOT_CONFIGURABLE) if (given[id] !== undefined) errors.push({ field: `/${id}`, reason: 'has no settings (a rollup of the other detectors)' });
  for (const id of FLAG_ONLY) {
    const s = given[id];
    if (s === undefined) continue;
    if (!Value.Check(DetectorSetting, s)) {
      errors.push(...schemaErrors(DetectorSetting, s, `/${id}`));
    } else if (Object.keys(s.params ?? {}).length > 0) errors.push({ field: `/${id}/params`, reason: 'takes no parameters' });
  }
  return errors;
}

export function effectiveSettings(stored: Record<string, unknown>, sharedIpReputation = false): SettingsResponse {
  const storedErrors = validateSettings(stored);
  // Invalid stored settings run with the defaults (detect/runtime.ts); show what actually runs.
  const source = storedErrors.length > 0 ? {} : stored;
  const r = resolveSettings(STREAMING_DETECTORS, source);
  if (!r.ok) throw new Error('detector defaults do not validate');
  const detectors: SettingsResponse['detectors'] = STREAMING_DETECTORS.map((d) => {
    const s = r.settings.get(d.id);
    return {
      id: d.id,
      enabled: s?.enabled ?? true,
      logOnly: s?.logOnly ?? false,
      params: asRecord(s?.params),
      defaults: asRecord(d.defaults),
      paramsSchema: d.paramsSchema,
    };
  });
  for (const id of FLAG_ONLY) {
    const s = asRecord(source[id]);
    detectors.push({ id, enabled: s.enabled !== false, logOnly: s.logOnly === true, params: {}, defaults: {}, paramsSchema: { type: 'object', properties: {} } });
  }
  return { detectors, stored, ...(storedErrors.length > 0 ? { storedErrors: [...storedErrors] } : {}), sharedIpReputation: { enabled: sharedIpReputation } };
}

export async function detectionSettingsRoutes(app: FastifyInstance, { deps }: RouteOptionsOf): Promise<void> {
  const now = deps.now ?? (() => new Date());
  const sharing = deps.config.sharedIpReputation?.enabled === true;
  app.get(
    '/api/v1/tenants/:tenant/detections/settings/history',
    {
      config: { access: { roles: ALL_ROLES } },
      schema: {
        summary: 'Who changed the detection settings, when, and to what (newest first)',
        tags: ['detections'],
        params: TenantParams,
        querystring: HistoryQuery,
        response: { 200: HistoryResponse },
      },
    },
    async (request) => {
      const { tenant } = request.params as Static<typeof TenantParams>;
      const { limit } = request.query as Static<typeof HistoryQuery>;
      const store = detectDepsOf(deps).settings;
      if (store.settingsHistory === undefined) throw new ApiError(503, 'serviceUnavailable', 'this store keeps no settings history');
      return { value: await store.settingsHistory(tenant, limit ?? 50) };
    },
  );
  app.get(
    '/api/v1/tenants/:tenant/detections/settings',
    {
      // Every role reads them: a reports reader sees why a detection is log-only.
      config: { access: { roles: ALL_ROLES } },
      schema: {
        summary: 'Effective detection settings: per detector enabled, logOnly, params, defaults and the params schema',
        tags: ['detections'],
        params: TenantParams,
        response: { 200: SettingsResponse },
      },
    },
    async (request) => {
      const { tenant } = request.params as Static<typeof TenantParams>;
      return effectiveSettings(await detectDepsOf(deps).settings.getSettings(tenant), sharing);
    },
  );
  app.put(
    '/api/v1/tenants/:tenant/detections/settings',
    {
      config: { access: { roles: SETTINGS_ROLES } },
      schema: {
        summary: 'Replace the detection settings (validated; recorded with who and when; the engine reloads)',
        description: `Detector ids: ${DETECTOR_IDS.filter((d) => !NOT_CONFIGURABLE.includes(d)).join(', ')}. Each: {enabled?, logOnly?, params?}.`,
        tags: ['detections'],
        params: TenantParams,
        body: SettingsBody,
        response: { 200: SettingsResponse },
      },
    },
    async (request) => {
      const { tenant } = request.params as { tenant: TenantId };
      const body = request.body as Record<string, unknown>;
      const d = detectDepsOf(deps);
      const errors = validateSettings(body);
      if (errors.length > 0) throw new ApiError(400, 'invalidRequest', describeSettingsErrors(errors));
      await d.settings.putSettings(tenant, body, actorOf(request).upn, now().toISOString());
      await d.reload(tenant);
      return effectiveSettings(body, sharing);
    },
  );
}
