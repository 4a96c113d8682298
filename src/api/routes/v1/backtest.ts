/**
 * Backtest over HTTP (the CLI's `authlens backtest`): one detector with
 * candidate settings over the tenant's stored sign-ins, compared with the
 * live detections of the interval. Writes nothing.
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { Detection, DetectorId } from '../../../schema/detections.ts';
import { backtest } from '../../../detect/backtest.ts';
import type { TenantDetectorSettings } from '../../../detect/engine/settings.ts';
import { ApiError } from '../../errors.ts';
import type { RouteOptionsOf } from '../../services.ts';
import { TenantId } from '../../../schema/tenants.ts';
import { describeSettingsErrors } from '../../../detect/engine/settings.ts';
import { detectDepsOf, SETTINGS_ROLES } from './detection-settings.ts';

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };
/** A backtest replays sign-ins in the request; beyond this it would hold a core for too long. */
export const MAX_BACKTEST_MS = 90 * 86_400_000;
export const EXAMPLES = 5;

/** '24h', '7d', '30m' -> ms; undefined when malformed, zero or beyond MAX_BACKTEST_MS. */
export function intervalMs(text: string): number | undefined {
  const m = /^(\d{1,4})([mhd])$/.exec(text);
  if (m === null || m[1] === undefined || m[2] === undefined) return undefined;
  const n = Number(m[1]) * (UNIT_MS[m[2]] ?? 0);
  return n > 0 && n <= MAX_BACKTEST_MS ? n : undefined;
}

const Params = Type.Object({ tenant: TenantId, detector: DetectorId });
const Body = Type.Object(
  {
    /** Parameter overrides; logOnly and enabled address the setting itself. */
    set: Type.Optional(
      Type.Record(
        Type.String(),
        Type.Union([
          Type.String({ maxLength: 1024 }),
          Type.Number(),
          Type.Boolean(),
          Type.Array(Type.Unknown(), { maxItems: 1000 }),
          // A parameter that is an object of plain values (D6 weights): the portal tries it before saving.
          Type.Record(Type.String({ maxLength: 64 }), Type.Union([Type.Number(), Type.String({ maxLength: 1024 }), Type.Boolean()]), { maxProperties: 100 }),
        ]),
      ),
    ),
    interval: Type.Optional(Type.String({ pattern: '^[0-9]{1,4}[mhd]$', description: 'how far back: 24h, 7d, 30d (at most 90d); default 30d' })),
  },
  { additionalProperties: false },
);
const BacktestResponse = Type.Object({
  detector: DetectorId,
  range: Type.Object({ from: Type.String(), to: Type.String() }),
  signInsScanned: Type.Integer(),
  added: Type.Integer(),
  removed: Type.Integer(),
  unchanged: Type.Integer(),
  examples: Type.Object({ added: Type.Array(Detection), removed: Type.Array(Detection) }),
});

export async function backtestRoutes(app: FastifyInstance, { deps }: RouteOptionsOf): Promise<void> {
  const now = deps.now ?? (() => new Date());
  app.post(
    '/api/v1/tenants/:tenant/detections/:detector/backtest',
    {
      // Reads history and costs CPU: those who may change settings try them first.
      config: { access: { roles: SETTINGS_ROLES } },
      schema: {
        summary: 'Run one detector with other settings over stored history; added / removed / unchanged versus live (writes nothing)',
        tags: ['detections'],
        params: Params,
        body: Body,
        response: { 200: BacktestResponse },
      },
    },
    async (request) => {
      const { tenant, detector } = request.params as Static<typeof Params>;
      const body = request.body as Static<typeof Body>;
      const text = body.interval ?? '30d';
      const span = intervalMs(text);
      if (span === undefined) throw new ApiError(400, 'invalidRequest', `interval: must look like 24h, 7d or 30d and be at most 90d, got "${text}"`);
      const d = detectDepsOf(deps);
      const to = now().getTime();
      // withOverrides reads each value as JSON, so JSON text keeps numbers, booleans and arrays typed.
      const bad = Object.keys(body.set ?? {}).find((k) => !/^[A-Za-z][A-Za-z0-9_]{0,63}$/.test(k));
      if (bad !== undefined) throw new ApiError(400, 'invalidRequest', `set: "${bad.slice(0, 64)}" is not a parameter name`);
      const overrides = Object.entries(body.set ?? {}).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
      const result = await backtest({
        detector,
        stored: (await d.settings.getSettings(tenant)) as TenantDetectorSettings,
        overrides,
        range: { from: new Date(to - span).toISOString(), to: new Date(to + 1).toISOString() },
        latenessMs: deps.config.latenessMs,
        scan: (r) => deps.store.events.scanSignIns(tenant, r),
        live: (r) => deps.store.detections.listDetections(tenant, r),
      });
      if ('errors' in result) throw new ApiError(400, 'invalidRequest', describeSettingsErrors(result.errors));
      return {
        detector: result.detector,
        range: { from: result.range.from, to: result.range.to },
        signInsScanned: result.signInsScanned,
        added: result.added.length,
        removed: result.removed.length,
        unchanged: result.unchanged.length,
        examples: { added: result.added.slice(0, EXAMPLES), removed: result.removed.slice(0, EXAMPLES) },
      };
    },
  );
}
