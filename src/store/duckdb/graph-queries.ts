/**
 * GraphQueries (ports.ts) over the embedded store: the four Graph resources
 * as keyset-paged queries, with a $filter AST compiled to a parameterised
 * WHERE. Every client value is a bound parameter; the only text put into SQL
 * comes from the column tables below, looked up by property names the API
 * already checked against GRAPH_PROPERTIES.
 */
import type { DetectorId } from '../../schema/detections.ts';
import {
  GRAPH_PROPERTIES,
  type CompareOp,
  type FilterExpr,
  type GraphListQuery,
  type GraphListResult,
  type GraphRecord,
  type GraphResource,
  type PropertyType,
} from '../../schema/graph-query.ts';
import type { TenantId } from '../../schema/tenants.ts';
import type { GraphQueries } from '../ports.ts';
import type { DuckDb } from './database.ts';
import { PRESENT_LOCATION } from './signin-rows.ts';
import type { PlainValue, SqlParam } from './values.ts';

/** SPEC 4 detector -> Graph riskEventType (docs/graph-api.md explains each choice). */
export const RISK_EVENT_TYPES: Readonly<Record<DetectorId, string>> = {
  D1: 'anonymizedIPAddress',
  D2: 'anomalousUserActivity',
  D3: 'unlikelyTravel',
  // D4 is refined to passwordSpray in SQL when its evidence says spray.
  D4: 'maliciousIPAddress',
  D5: 'malwareInfectedIPAddress',
  D6: 'unfamiliarFeatures',
  D7: 'anomalousUserActivity',
  D8: 'leakedCredentials',
  'mfa-fatigue': 'mfaFraud',
  'brute-force': 'suspiciousIPAddress',
};

/** Where a given location is present, Graph's location is the record's own; else the GeoIP one. */
const GIVEN = '((present & 2) = 2 OR given_city IS NOT NULL OR given_state IS NOT NULL OR given_country IS NOT NULL OR given_lat IS NOT NULL)';
const loc = (part: 'city' | 'state' | 'country'): string => `(CASE WHEN ${GIVEN} THEN given_${part} ELSE geo_${part} END)`;

/** signIns: Graph property -> column expression of `signins`. */
const SIGNIN_COLUMNS: Readonly<Record<string, string>> = {
  id: 'id',
  createdDateTime: 'time',
  userId: 'user_id',
  userPrincipalName: 'upn',
  userDisplayName: 'user_display',
  userType: 'user_type',
  appId: 'app_id',
  appDisplayName: 'app_name',
  resourceId: 'resource_id',
  resourceDisplayName: 'resource_name',
  ipAddress: 'ip',
  clientAppUsed: 'client_app',
  correlationId: 'correlation_id',
  isInteractive: 'interactive',
  conditionalAccessStatus: 'ca_status',
  authenticationRequirement: 'auth_requirement',
  userAgent: 'user_agent',
  'status/errorCode': 'error_code',
  'status/failureReason': 'failure_reason',
  'status/additionalDetails': 'status_details',
  'location/city': loc('city'),
  'location/state': loc('state'),
  'location/countryOrRegion': loc('country'),
  'deviceDetail/deviceId': 'device_id',
  'deviceDetail/displayName': 'device_name',
  'deviceDetail/operatingSystem': 'COALESCE(device_os, ua_os)',
  'deviceDetail/browser': 'COALESCE(device_browser, ua_browser)',
  'deviceDetail/isManaged': 'device_managed',
  'deviceDetail/isCompliant': 'device_compliant',
  'deviceDetail/trustType': 'device_trust',
};

const DETECTOR_CASE = `CASE detector ${Object.entries(RISK_EVENT_TYPES)
  .map(([d, t]) => `WHEN '${d}' THEN '${t}'`)
  .join(' ')} ELSE 'generic' END`;

const ISO = (col: string): string => `strftime(${col}, '%Y-%m-%dT%H:%M:%S.%g') || 'Z'`;

/** authlens's own detections in Graph's riskDetection shape (log-only ones are never shown). */
const OWN_RISK_DETECTIONS = `SELECT id, time, json_object(
    'id', id,
    'riskEventType', CASE WHEN detector = 'D4' AND lower(CAST(evidence AS VARCHAR)) LIKE '%spray%' THEN 'passwordSpray' ELSE ${DETECTOR_CASE} END,
    'riskLevel', severity,
    'riskState', CASE WHEN ignored_at IS NULL THEN 'atRisk' ELSE 'dismissed' END,
    'riskDetail', CASE WHEN ignored_at IS NULL THEN 'none' ELSE 'adminDismissedAllRiskForUser' END,
    'detectionTimingType', 'realtime',
    'activity', CASE WHEN signin_id IS NULL THEN 'user' ELSE 'signin' END,
    'source', 'authlens',
    'requestId', signin_id,
    'userId', user_id,
    'userPrincipalName', COALESCE(upn_given, upn),
    'ipAddress', ip,
    'detectedDateTime', ${ISO('time')},
    'activityDateTime', ${ISO('time')},
    'additionalInfo', json_object('detector', detector, 'evidence', evidence)::VARCHAR
  ) AS doc
  FROM detections WHERE tenant = $1 AND NOT log_only`;

const IMPORTED_RISKY_USERS = `SELECT id, time, doc FROM events WHERE tenant = $1 AND kind = 'riskyUser'`;

/**
 * The rows of riskyUsers: the imported riskyUser records (the IdP's own), and,
 * when the caller passes them as a JSON array in `ownParam`, authlens's own
 * risky users (its risk model runs in the API layer). An imported record with
 * the same id wins: it is the directory's own word on that user.
 */
export function riskyUserSources(ownParam?: string): string {
  if (ownParam === undefined) return IMPORTED_RISKY_USERS;
  return `${IMPORTED_RISKY_USERS} UNION ALL
  SELECT o.id, o.time, o.doc FROM (
    SELECT json_extract_string(d, '$.id') AS id, CAST(json_extract_string(d, '$.riskLastUpdatedDateTime') AS TIMESTAMP) AS time, d AS doc
    FROM (SELECT unnest(from_json(CAST(${ownParam} AS JSON), '["JSON"]')) AS d)) AS o
  WHERE o.id NOT IN (SELECT id FROM events WHERE tenant = $1 AND kind = 'riskyUser')`;
}

/** Each resource as (id, time, ...) rows of one tenant ($1). JSON resources expose `doc`; `ownParam` holds the caller's own records. */
function sourceOf(resource: GraphResource, ownParam?: string): string {
  switch (resource) {
    case 'signIns':
      return `SELECT * FROM signins WHERE tenant = $1`;
    case 'directoryAudits':
      return `SELECT id, time, doc FROM events WHERE tenant = $1 AND kind = 'directoryAudit'`;
    case 'riskDetections':
      return `SELECT id, time, doc FROM events WHERE tenant = $1 AND kind = 'riskDetection' UNION ALL ${OWN_RISK_DETECTIONS}`;
    case 'riskyUsers':
      return riskyUserSources(ownParam);
  }
}

const OPS: Readonly<Record<CompareOp, string>> = { eq: '=', ne: '<>', gt: '>', ge: '>=', lt: '<', le: '<=' };

/** A JSON path from checked property names (letters only), e.g. ['initiatedBy','user','id'] -> '$.initiatedBy.user.id'. */
function jsonPath(path: readonly string[]): string {
  for (const seg of path) if (!/^[A-Za-z][A-Za-z0-9]*$/.test(seg)) throw new Error(`unchecked property segment ${JSON.stringify(seg)}`);
  return `$.${path.join('.')}`;
}

function typedJson(source: string, path: readonly string[], type: PropertyType): string {
  const text = `json_extract_string(${source}, '${jsonPath(path)}')`;
  switch (type) {
    case 'string':
      return text;
    case 'number':
      return `TRY_CAST(${text} AS DOUBLE)`;
    case 'boolean':
      return `TRY_CAST(${text} AS BOOLEAN)`;
    case 'dateTime':
      return `TRY_CAST(${text} AS TIMESTAMP)`;
  }
}

/** Compiles a checked FilterExpr into SQL text and bound values; each predicate is TRUE or FALSE, never NULL. */
export class FilterCompiler {
  private lambdaCount = 0;

  constructor(
    private readonly resource: GraphResource,
    /** Values bound so far; $1 is the tenant. */
    readonly params: SqlParam[],
  ) {}

  private bind(v: SqlParam): string {
    this.params.push(v);
    return `$${this.params.length}`;
  }

  private column(path: readonly string[], element: { alias: string; props: Readonly<Record<string, PropertyType>> } | undefined): { sql: string; type: PropertyType } {
    const name = path.join('/');
    if (element !== undefined) {
      const type = element.props[name];
      if (type === undefined) throw new Error(`unchecked element property ${name}`);
      return { sql: typedJson(element.alias, path, type), type };
    }
    const props = GRAPH_PROPERTIES[this.resource];
    const type = props.scalars[name];
    if (type === undefined) throw new Error(`unchecked property ${name}`);
    if (name === props.timeProperty) return { sql: 'time', type };
    if (this.resource === 'signIns') {
      const col = SIGNIN_COLUMNS[name];
      if (col === undefined) throw new Error(`no column for ${name}`);
      return { sql: col, type };
    }
    return { sql: typedJson('doc', path, type), type };
  }

  compile(e: FilterExpr, element?: { alias: string; props: Readonly<Record<string, PropertyType>> }): string {
    switch (e.type) {
      case 'and':
      case 'or':
        return `(${this.compile(e.left, element)} ${e.type.toUpperCase()} ${this.compile(e.right, element)})`;
      case 'not':
        return `(NOT ${this.compile(e.operand, element)})`;
      case 'startswith': {
        const c = this.column(e.property.path, e.property.lambda ? element : undefined);
        return `COALESCE(starts_with(lower(${c.sql}), lower(${this.bind(e.value)})), FALSE)`;
      }
      case 'any': {
        const props = GRAPH_PROPERTIES[this.resource].collections[e.collection.join('/')];
        if (props === undefined || this.resource === 'signIns') throw new Error(`unchecked collection ${e.collection.join('/')}`);
        const alias = `el${++this.lambdaCount}`;
        const inner = this.compile(e.predicate, { alias, props });
        return `EXISTS (SELECT 1 FROM (SELECT unnest(CAST(COALESCE(json_extract(doc, '${jsonPath(e.collection)}'), '[]') AS JSON[])) AS ${alias}) AS l${alias} WHERE ${inner})`;
      }
      case 'compare': {
        const c = this.column(e.property.path, e.property.lambda ? element : undefined);
        const v = e.value;
        if (v.kind === 'null') return e.op === 'eq' ? `(${c.sql} IS NULL)` : `(${c.sql} IS NOT NULL)`;
        let left = c.sql;
        let right: string;
        switch (v.kind) {
          case 'string':
          case 'enum':
            // Graph matches names case-insensitively (and upn is stored lower case).
            if (e.op === 'eq' || e.op === 'ne') {
              left = `lower(${c.sql})`;
              right = `lower(${this.bind(v.value)})`;
            } else right = this.bind(v.value);
            break;
          case 'dateTime':
            right = `CAST(${this.bind(v.value)} AS TIMESTAMP)`;
            break;
          case 'number':
            right = this.bind(v.value);
            break;
          case 'boolean':
            right = this.bind(v.value);
            break;
        }
        // OData: a missing value is unequal to every value, so ne keeps rows whose property is null.
        if (e.op === 'ne') return `(${left} IS DISTINCT FROM ${right})`;
        return `COALESCE(${left} ${OPS[e.op]} ${right}, FALSE)`;
      }
    }
  }
}

const bool = (v: PlainValue | undefined): boolean | null => (typeof v === 'boolean' ? v : null);
const str = (v: PlainValue | undefined): string | null => (typeof v === 'string' ? v : null);
const num = (v: PlainValue | undefined): number | null => (typeof v === 'number' ? v : null);

/** A signins row in Graph's signIn shape. */
export function graphSignInFromRow(r: Readonly<Record<string, PlainValue>>): GraphRecord {
  const given = (Number(r['present'] ?? 0) & PRESENT_LOCATION) !== 0 || r['given_city'] != null || r['given_state'] != null || r['given_country'] != null || r['given_lat'] != null;
  const pre = given ? 'given_' : 'geo_';
  const lat = num(r[`${pre}lat`]);
  const lon = num(r[`${pre}lon`]);
  return {
    id: String(r['id']),
    createdDateTime: str(r['time']),
    userId: str(r['user_id']),
    userPrincipalName: str(r['upn_given']) ?? str(r['upn']),
    userDisplayName: str(r['user_display']),
    userType: str(r['user_type']),
    appId: str(r['app_id']),
    appDisplayName: str(r['app_name']),
    resourceId: str(r['resource_id']),
    resourceDisplayName: str(r['resource_name']),
    ipAddress: str(r['ip']),
    clientAppUsed: str(r['client_app']),
    correlationId: str(r['correlation_id']),
    isInteractive: bool(r['interactive']),
    conditionalAccessStatus: str(r['ca_status']),
    authenticationRequirement: str(r['auth_requirement']),
    userAgent: str(r['user_agent']),
    status: { errorCode: num(r['error_code']), failureReason: str(r['failure_reason']), additionalDetails: str(r['status_details']) },
    deviceDetail: {
      deviceId: str(r['device_id']),
      displayName: str(r['device_name']),
      operatingSystem: str(r['device_os']) ?? str(r['ua_os']),
      browser: str(r['device_browser']) ?? str(r['ua_browser']),
      isManaged: bool(r['device_managed']),
      isCompliant: bool(r['device_compliant']),
      trustType: str(r['device_trust']),
    },
    location: {
      city: str(r[`${pre}city`]),
      state: str(r[`${pre}state`]),
      countryOrRegion: str(r[`${pre}country`]),
      geoCoordinates: lat === null || lon === null ? null : { latitude: lat, longitude: lon },
    },
    mfaDetail: { authMethod: str(r['mfa_method']), authDetail: str(r['mfa_detail']) },
  };
}

/** A JSON-backed row (id, time, doc) in Graph's shape: the stored record less authlens's own `kind`. */
function docFromRow(resource: GraphResource, r: Readonly<Record<string, PlainValue>>): GraphRecord {
  const raw = r['doc'];
  const doc = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Record<string, unknown>;
  const { kind: _kind, ...rest } = doc;
  const out: Record<string, unknown> = { ...rest, id: String(r['id']) };
  out[GRAPH_PROPERTIES[resource].timeProperty] = r['time'];
  return out as GraphRecord;
}

function toRecord(resource: GraphResource, r: Readonly<Record<string, PlainValue>>): GraphRecord {
  return resource === 'signIns' ? graphSignInFromRow(r) : docFromRow(resource, r);
}

/** Binds the caller's own records (riskyUsers only) as one JSON parameter; its placeholder, or undefined when there are none. */
function ownRecordsParam(resource: GraphResource, own: readonly GraphRecord[] | undefined, params: SqlParam[]): string | undefined {
  if (resource !== 'riskyUsers' || own === undefined || own.length === 0) return undefined;
  params.push(JSON.stringify(own));
  return `$${params.length}`;
}

export function createGraphQueries(db: DuckDb): GraphQueries {
  return {
    async list(tenant: TenantId, resource: GraphResource, q: GraphListQuery, own?: readonly GraphRecord[]): Promise<GraphListResult> {
      const params: SqlParam[] = [tenant];
      const ownParam = ownRecordsParam(resource, own, params);
      const compiler = new FilterCompiler(resource, params);
      const where = q.filter === undefined ? 'TRUE' : compiler.compile(q.filter);
      let count: number | undefined;
      if (q.count) {
        const row = await db.one<{ n: number | bigint }>(`SELECT count(*)::INTEGER AS n FROM (${sourceOf(resource, ownParam)}) AS s WHERE ${where}`, params);
        count = Number(row?.n ?? 0);
      }
      const pageParams = [...params];
      let keyset = 'TRUE';
      if (q.after !== undefined) {
        pageParams.push(q.after.time, q.after.id);
        const t = `CAST($${pageParams.length - 1} AS TIMESTAMP)`;
        const i = `$${pageParams.length}`;
        const cmp = q.order === 'desc' ? '<' : '>';
        keyset = `(time ${cmp} ${t} OR (time = ${t} AND id ${cmp} ${i}))`;
      }
      const dir = q.order === 'desc' ? 'DESC' : 'ASC';
      const rows = await db.all(
        `SELECT * FROM (${sourceOf(resource, ownParam)}) AS s WHERE ${where} AND ${keyset} ORDER BY time ${dir}, id ${dir} LIMIT $${pageParams.length + 1}`,
        [...pageParams, Math.max(1, Math.trunc(q.top)) + 1],
      );
      const more = rows.length > q.top;
      const page = more ? rows.slice(0, q.top) : rows;
      const value = page.map((r) => toRecord(resource, r));
      const last = page[page.length - 1];
      return {
        value,
        ...(more && last !== undefined ? { next: { time: String(last['time']), id: String(last['id']) } } : {}),
        ...(count === undefined ? {} : { count }),
      };
    },

    async get(tenant: TenantId, resource: GraphResource, id: string, own?: readonly GraphRecord[]): Promise<GraphRecord | undefined> {
      const params: SqlParam[] = [tenant];
      const ownParam = ownRecordsParam(resource, own, params);
      params.push(id);
      const row = await db.one(`SELECT * FROM (${sourceOf(resource, ownParam)}) AS s WHERE id = $${params.length} ORDER BY time DESC LIMIT 1`, params);
      return row === undefined ? undefined : toRecord(resource, row);
    },
  };
}
