/**
 * Risky users (D7): each user's risk level computed from the interval's
 * detections, the admin-set state, the contributing detections and the
 * history of who changed the state and of the suspected-breach actions done
 * through the tenant's IdP connector (reset password, require MFA, revoke
 * sessions: 501 connectorNotConfigured without one).
 */
import type { FastifyInstance } from 'fastify';
import { Type, type Static } from 'typebox';
import { aggregateRiskyUsers, contributes, type RiskyUser } from '../../../detect/risk/risky-users.ts';
import { DetectorId, Severity } from '../../../schema/detections.ts';
import { DaysInterval, RiskLevel, RiskState, RiskStateChange, type RiskyUserRecord } from '../../../schema/risk.ts';
import { TenantId } from '../../../schema/tenants.ts';
import { BreachAction, BreachActionRecord } from '../../../schema/connectors.ts';
import { createRateLimiter, type BucketSpec } from '../../plugins/rate-limit.ts';
import { riskStateAudit } from '../../../reports/admin-actions.ts';
import { ACTION_WORDS } from '../../../reports/breach-actions.ts';
import type { ApiDeps } from '../../deps.ts';
import { ApiError } from '../../errors.ts';
import { isSuppressed } from '../../../notify/notifier.ts';
import type { RouteOptionsOf } from '../../services.ts';
import { ALL_ROLES, requireRiskViews, TenantParams } from './common.ts';
import { detectDepsOf, SETTINGS_ROLES } from './detection-settings.ts';
import { actorOf } from '../../principal.ts';

const DAY_MS = 86_400_000;
/** Interval of detections the level is computed from, in days (default 30: the risky-users report's). */
const Interval = { ...DaysInterval, description: '1d..90d; default 30d' };

const ListQuery = Type.Object(
  { interval: Type.Optional(Interval), level: Type.Optional(RiskLevel), state: Type.Optional(RiskState) },
  { additionalProperties: false },
);
const UserParams = Type.Object({ tenant: TenantId, upn: Type.String({ minLength: 1, maxLength: 320 }) });
const UserQuery = Type.Object({ interval: Type.Optional(Interval) }, { additionalProperties: false });

const Contribution = Type.Object({
  id: Type.String(),
  detector: DetectorId,
  severity: Severity,
  detectedDateTime: Type.String(),
  signInId: Type.Optional(Type.String()),
});
const RiskyUserView = Type.Object({
  userKey: Type.String(),
  userPrincipalName: Type.String(),
  riskLevel: RiskLevel,
  riskState: Type.Union([RiskState, Type.Null()]),
  riskLastUpdatedDateTime: Type.String(),
  contributing: Type.Array(Contribution),
});
const ListResponse = Type.Object({ from: Type.String(), to: Type.String(), value: Type.Array(RiskyUserView) });
const UserResponse = Type.Object({
  ...RiskyUserView.properties,
  history: Type.Array(RiskStateChange),
  /** Suspected-breach actions done through the IdP connector, oldest first (accepted and failed). */
  actions: Type.Array(BreachActionRecord),
});

const StateBody = Type.Object(
  { state: RiskState, reason: Type.Optional(Type.String({ maxLength: 2048 })) },
  { additionalProperties: false },
);
const ActionBody = Type.Object({ action: BreachAction }, { additionalProperties: false });
/** Per tenant, whoever acts: many keys of one tenant cannot hammer its IdP either (the per-principal bucket is in plugins/rate-limit). */
const TENANT_ACTIONS: BucketSpec = { capacity: 60, refillPerSecond: 1 };

function view(u: RiskyUser): Static<typeof RiskyUserView> {
  return {
    userKey: u.userKey,
    userPrincipalName: u.userPrincipalName,
    riskLevel: u.riskLevel,
    riskState: u.riskState ?? null,
    riskLastUpdatedDateTime: u.riskLastUpdatedDateTime,
    contributing: u.contributing.map((c) => ({ ...c })),
  };
}

export async function riskyUserRoutes(app: FastifyInstance, { deps, services }: RouteOptionsOf): Promise<void> {
  const now = deps.now ?? (() => new Date());

  /** Risky users are the Premium report "Users with anomalous sign in activity": before opt-in or below Premium, 403 as that report answers. */
  const requireEdition = async (tenant: TenantId): Promise<void> => void (await requireRiskViews(services.tenants, tenant, 'risky users'));

  const compute = (tenant: TenantId, interval: string | undefined): Promise<ComputedRiskyUsers> =>
    computeRiskyUsers(deps, tenant, Number((interval ?? '30d').slice(0, -1)), now());

  app.get(
    '/api/v1/tenants/:tenant/risky-users',
    {
      config: { access: { roles: ALL_ROLES } },
      schema: {
        summary: 'Risky users (D7): level, state and contributing detections',
        tags: ['detections'],
        params: TenantParams,
        querystring: ListQuery,
        response: { 200: ListResponse },
      },
    },
    async (request) => {
      const { tenant } = request.params as Static<typeof TenantParams>;
      const q = request.query as Static<typeof ListQuery>;
      await requireEdition(tenant);
      const r = await compute(tenant, q.interval);
      const value = r.users.filter((u) => (q.level === undefined || u.riskLevel === q.level) && (q.state === undefined || u.riskState === q.state)).map(view);
      return { from: r.from, to: r.to, value };
    },
  );

  app.get(
    '/api/v1/tenants/:tenant/risky-users/:upn',
    {
      config: { access: { roles: ALL_ROLES } },
      schema: {
        summary: "One user's risk: level, state, contributing detections and the history of state changes",
        tags: ['detections'],
        params: UserParams,
        querystring: UserQuery,
        response: { 200: UserResponse },
      },
    },
    async (request) => {
      const { tenant, upn } = request.params as Static<typeof UserParams>;
      const q = request.query as Static<typeof UserQuery>;
      await requireEdition(tenant);
      const r = await compute(tenant, q.interval);
      const key = await userKeyOf(deps, tenant, upn);
      const found = r.users.find((u) => u.userKey === key.userKey || u.userPrincipalName.toLowerCase() === upn.toLowerCase());
      const keys = [found?.userKey ?? key.userKey, key.userKey, upn.toLowerCase()];
      const history = await historyOf(deps, tenant, keys);
      const actions = (await deps.breachActions?.listActions(tenant, keys)) ?? [];
      if (found !== undefined) return { ...view(found), history, actions };
      if (!key.inDirectory && history.length === 0 && actions.length === 0) throw new ApiError(404, 'notFound', `no user '${upn}' in this tenant`);
      const state = r.states.get(key.userKey);
      return {
        userKey: key.userKey,
        userPrincipalName: key.userPrincipalName,
        riskLevel: 'none' as const,
        riskState: state?.state ?? null,
        riskLastUpdatedDateTime: state?.stateAt ?? '',
        contributing: [],
        history,
        actions,
      };
    },
  );

  app.post(
    '/api/v1/tenants/:tenant/risky-users/:upn/state',
    {
      config: { access: { roles: SETTINGS_ROLES } },
      schema: {
        summary: "Set a user's risk state (confirmedSafe, remediated, dismissed, confirmedCompromised, atRisk); recorded with who, when and why",
        tags: ['detections'],
        params: UserParams,
        body: StateBody,
        response: { 200: RiskStateChange },
      },
    },
    async (request) => {
      const { tenant, upn } = request.params as Static<typeof UserParams>;
      const body = request.body as Static<typeof StateBody>;
      await requireEdition(tenant);
      const d = detectDepsOf(deps);
      const dir = await userKeyOf(deps, tenant, upn);
      // The state must sit under the key the user's detections carry: the directory id, or the UPN when the source had no id.
      const seen = (await compute(tenant, '90d')).users.find((u) => u.userKey === dir.userKey || u.userPrincipalName.toLowerCase() === upn.toLowerCase());
      const key = seen === undefined ? dir : { ...dir, userKey: seen.userKey };
      const current = await d.riskyUsers.getRiskyUser(tenant, key.userKey);
      // A user outside the directory exists for D7 only through detections or an earlier state.
      if (!dir.inDirectory && current === undefined && seen === undefined) throw new ApiError(404, 'notFound', `no user '${upn}' in this tenant`);
      const change: RiskStateChange = {
        userKey: key.userKey,
        userPrincipalName: key.userPrincipalName,
        ...(current !== undefined ? { from: current.state } : {}),
        to: body.state,
        by: actorOf(request).upn,
        at: now().toISOString(),
        ...(body.reason !== undefined ? { reason: body.reason } : {}),
      };
      await d.riskyUsers.changeRiskState(tenant, change, riskStateAudit(change, actorOf(request)));
      return change;
    },
  );

  const perTenant = createRateLimiter(TENANT_ACTIONS);
  app.post(
    '/api/v1/tenants/:tenant/risky-users/:upn/actions',
    {
      config: { access: { roles: SETTINGS_ROLES }, rateLimit: 'connectorAction' },
      schema: {
        summary: 'Suspected-breach action through the IdP connector (reset password, require MFA, revoke sessions)',
        description:
          '202 with the outcome when the IdP (or the webhook automation) accepted it; 501 connectorNotConfigured without a connector; 502 connectorFailed with the IdP\'s reason when it refused or could not be reached. Every attempt is recorded in the user\'s history (actions) and in the tenant\'s audit log. At most 20 at once per caller, then one every 6 s; 60 at once per tenant, then one a second.',
        tags: ['detections'],
        params: UserParams,
        body: ActionBody,
        response: { 202: BreachActionRecord },
      },
    },
    async (request, reply) => {
      const { tenant, upn } = request.params as Static<typeof UserParams>;
      const { action } = request.body as Static<typeof ActionBody>;
      await requireEdition(tenant);
      const actions = deps.breachActions;
      if (actions === undefined || (await actions.getConnector(tenant)) === undefined) {
        throw new ApiError(501, 'connectorNotConfigured', `no IdP connector is configured for this tenant; ${action} must be done in the identity provider (a global admin can set a connector)`);
      }
      const dir = await deps.store.control.findUserByUpn(tenant, upn);
      // Only the directory's users: an action on a name typed by hand would reach whoever holds it in the IdP.
      if (dir === undefined) throw new ApiError(404, 'notFound', `no user '${upn}' in this tenant's directory`);
      const limited = perTenant.take(tenant);
      if (!limited.ok) throw new ApiError(429, 'tooManyRequests', `too many actions in this tenant; retry in ${limited.retryAfterSeconds} s`, { 'retry-after': String(limited.retryAfterSeconds) });
      const out = await actions.perform(tenant, action, { userKey: dir.id.toLowerCase(), userPrincipalName: dir.userPrincipalName, directoryId: dir.id }, actorOf(request));
      if (!out.configured) throw new ApiError(501, 'connectorNotConfigured', `no IdP connector is configured for this tenant; ${action} must be done in the identity provider`);
      if (out.record.outcome === 'failed') throw new ApiError(502, 'connectorFailed', `${ACTION_WORDS[action]} for ${out.record.userPrincipalName} through the ${out.record.connector} connector failed: ${out.record.detail}`);
      return reply.code(202).send(out.record);
    },
  );
}

export interface ComputedRiskyUsers {
  readonly from: string;
  readonly to: string;
  readonly users: RiskyUser[];
  readonly states: Map<string, RiskyUserRecord>;
}

/**
 * D7 over the last `days` of detections before `at`: what /risky-users lists
 * and Graph's riskyUsers adds to the imported records. Ignored and suppressed
 * detections do not count; UPN-only detections join their directory user.
 */
export async function computeRiskyUsers(deps: ApiDeps, tenant: TenantId, days: number, at: Date): Promise<ComputedRiskyUsers> {
  const d = detectDepsOf(deps);
  const end = at.getTime();
  const from = new Date(end - days * DAY_MS).toISOString();
  const to = new Date(end + 1).toISOString();
  const [stored, records, sups] = await Promise.all([
    deps.store.detections.listDetections(tenant, { from, to }, { excludeIgnored: true }),
    d.riskyUsers.listRiskyUsers(tenant),
    deps.reports?.listSuppressions(tenant) ?? [],
  ]);
  // As the anomaly reports hide them (ASN and country need the sign-in's enrichment: the reports only).
  const detections = stored.filter((x) => !isSuppressed(x, sups, new Date(end).toISOString()));
  const states = new Map(records.map((r) => [r.userKey, r]));
  // Only contributing detections can list a user: a spray's thousands of failed targets cost no lookup.
  const idByUpn = await directoryIdsOf(deps, tenant, [...detections.filter((x) => x.userId === undefined && contributes(x)).map((x) => x.userPrincipalName), ...states.keys()]);
  return { from, to, users: aggregateRiskyUsers(detections, states, idByUpn), states };
}

/**
 * Lower-case UPN -> lower-case directory id for the given UPNs (of detections
 * without a user id, and risky-user state keys) that are directory users', so
 * aggregateRiskyUsers can join them to the user's other detections.
 */
async function directoryIdsOf(deps: ApiDeps, tenant: TenantId, upns: ReadonlyArray<string | undefined>): Promise<Map<string, string>> {
  const wanted = new Set(upns.filter((u): u is string => u !== undefined && u.includes('@')).map((u) => u.toLowerCase()));
  const users = await deps.store.control.findUsersByUpns(tenant, [...wanted]);
  return new Map(users.map((u) => [u.userPrincipalName.toLowerCase(), u.id.toLowerCase()]));
}

/** A user's state changes under each of their keys (directory id, and the UPN a state was once recorded under), oldest first. */
async function historyOf(deps: ApiDeps, tenant: TenantId, keys: readonly string[]): Promise<RiskStateChange[]> {
  const all: RiskStateChange[] = [];
  for (const k of new Set(keys)) all.push(...(await detectDepsOf(deps).riskyUsers.riskHistory(tenant, k)));
  return all.sort((a, b) => a.at.localeCompare(b.at));
}

/** The key D7 uses for a user: directory id when known (lower case), else the UPN (lower case). */
async function userKeyOf(deps: ApiDeps, tenant: TenantId, upn: string): Promise<{ userKey: string; userPrincipalName: string; inDirectory: boolean }> {
  const user = await deps.store.control.findUserByUpn(tenant, upn);
  if (user !== undefined) return { userKey: user.id.toLowerCase(), userPrincipalName: user.userPrincipalName, inDirectory: true };
  return { userKey: upn.toLowerCase(), userPrincipalName: upn, inDirectory: false };
}
