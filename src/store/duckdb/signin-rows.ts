/**
 * EnrichedSignIn <-> a row of `signins` (migrations 001 and 003), losslessly:
 * getEvent must give back exactly what appendEvents was given.
 */
import type { DuckDBTimestampValue, DuckDBAppender } from '@duckdb/node-api';
import type { EnrichedSignIn, IpTag } from '../../schema/enrichment.ts';
import type { Row } from './database.ts';

/** Columns of `signins` in table order; open.ts checks the live table against it. */
export const SIGNIN_COLUMNS = [
  'tenant', 'id', 'time', 'user_id', 'upn', 'user_display', 'user_type', 'app_id', 'app_name',
  'resource_id', 'resource_name', 'ip', 'client_app', 'interactive', 'error_code', 'failure_reason',
  'status_details', 'outcome', 'device_id', 'device_name', 'device_os', 'device_browser',
  'device_managed', 'device_compliant', 'device_trust', 'user_agent', 'auth_requirement',
  'mfa_method', 'mfa_detail', 'ca_status', 'correlation_id', 'source', 'given_city', 'given_state',
  'given_country', 'given_lat', 'given_lon', 'geo_city', 'geo_state', 'geo_country', 'geo_lat',
  'geo_lon', 'geo_precision', 'geo_source', 'geo_accuracy_km', 'ip_scope', 'asn', 'as_org',
  'ip_tags', 'ua_os', 'ua_os_version', 'ua_browser', 'ua_browser_version', 'ua_device_type',
  'ingested_at', 'upn_given', 'present', 'id_key',
] as const;

/** Bits of the `present` column: optional objects the record carried, even when empty. */
export const PRESENT_DEVICE = 1;
export const PRESENT_LOCATION = 2;
export const PRESENT_MFA = 4;

function str(a: DuckDBAppender, v: string | undefined): void {
  if (v === undefined) a.appendNull();
  else a.appendVarchar(v);
}
function dbl(a: DuckDBAppender, v: number | undefined): void {
  if (v === undefined) a.appendNull();
  else a.appendDouble(v);
}
function bool(a: DuckDBAppender, v: boolean | undefined): void {
  if (v === undefined) a.appendNull();
  else a.appendBoolean(v);
}

/**
 * Appends one sign-in as a row, columns in SIGNIN_COLUMNS order. `time` is
 * createdDateTime as a TIMESTAMP; `idKey` is md5_number_lower(id) as DuckDB computed it.
 */
export function appendSignInRow(
  a: DuckDBAppender,
  tenant: string,
  e: EnrichedSignIn,
  time: DuckDBTimestampValue,
  ingestedAt: DuckDBTimestampValue,
  idKey: bigint,
): void {
  const d = e.deviceDetail;
  const loc = e.location;
  const g = e.enrichment.geo;
  const n = e.enrichment.network;
  const ua = e.enrichment.ua;
  const upn = e.userPrincipalName.toLowerCase();
  a.appendVarchar(tenant);
  a.appendVarchar(e.id);
  a.appendTimestamp(time);
  str(a, e.userId);
  a.appendVarchar(upn);
  str(a, e.userDisplayName);
  str(a, e.userType);
  str(a, e.appId);
  str(a, e.appDisplayName);
  str(a, e.resourceId);
  str(a, e.resourceDisplayName);
  str(a, e.ipAddress);
  str(a, e.clientAppUsed);
  a.appendBoolean(e.isInteractive);
  a.appendInteger(e.status.errorCode);
  str(a, e.status.failureReason);
  str(a, e.status.additionalDetails);
  a.appendVarchar(e.outcome);
  str(a, d?.deviceId);
  str(a, d?.displayName);
  str(a, d?.operatingSystem);
  str(a, d?.browser);
  bool(a, d?.isManaged);
  bool(a, d?.isCompliant);
  str(a, d?.trustType);
  str(a, e.userAgent);
  str(a, e.authenticationRequirement);
  str(a, e.mfaDetail?.authMethod);
  str(a, e.mfaDetail?.authDetail);
  str(a, e.conditionalAccessStatus);
  str(a, e.correlationId);
  str(a, e.source);
  str(a, loc?.city);
  str(a, loc?.state);
  str(a, loc?.countryOrRegion);
  dbl(a, loc?.geoCoordinates?.latitude);
  dbl(a, loc?.geoCoordinates?.longitude);
  str(a, g.city);
  str(a, g.state);
  str(a, g.countryCode);
  dbl(a, g.latitude);
  dbl(a, g.longitude);
  a.appendVarchar(g.precision);
  a.appendVarchar(g.source);
  a.appendDouble(g.accuracyRadiusKm);
  a.appendVarchar(n.scope);
  if (n.asn === undefined) a.appendNull();
  else a.appendBigInt(BigInt(n.asn));
  str(a, n.asOrg);
  a.appendVarchar(e.enrichment.ipTags.length === 0 ? '[]' : JSON.stringify(e.enrichment.ipTags.map(tagOnly)));
  str(a, ua.os);
  str(a, ua.osVersion);
  str(a, ua.browser);
  str(a, ua.browserVersion);
  a.appendVarchar(ua.deviceType);
  a.appendTimestamp(ingestedAt);
  str(a, upn === e.userPrincipalName ? undefined : e.userPrincipalName);
  a.appendUTinyInt(
    (d !== undefined ? PRESENT_DEVICE : 0) | (loc !== undefined ? PRESENT_LOCATION : 0) | (e.mfaDetail !== undefined ? PRESENT_MFA : 0),
  );
  a.appendUBigInt(idKey);
  a.endRow();
}

function tagOnly(t: IpTag): IpTag {
  return { list: t.list, category: t.category };
}

/** Sets key = value only when the column was not NULL, so absent fields stay absent. */
function put<T extends object>(target: T, key: string, v: unknown): void {
  if (v !== null && v !== undefined) (target as Record<string, unknown>)[key] = v;
}

function s(row: Row, col: string): string | undefined {
  const v = row[col];
  return typeof v === 'string' ? v : undefined;
}
function num(row: Row, col: string): number | undefined {
  const v = row[col];
  return typeof v === 'number' ? v : undefined;
}
function b(row: Row, col: string): boolean | undefined {
  const v = row[col];
  return typeof v === 'boolean' ? v : undefined;
}

/** A `signins` row (as DuckDb.all returns it) back to the EnrichedSignIn that was appended. */
export function signInFromRow(row: Row): EnrichedSignIn {
  const present = num(row, 'present') ?? 0;
  const status: EnrichedSignIn['status'] = { errorCode: num(row, 'error_code') ?? 0 };
  put(status, 'failureReason', s(row, 'failure_reason'));
  put(status, 'additionalDetails', s(row, 'status_details'));

  const geo: EnrichedSignIn['enrichment']['geo'] = {
    precision: s(row, 'geo_precision') as EnrichedSignIn['enrichment']['geo']['precision'],
    source: s(row, 'geo_source') as EnrichedSignIn['enrichment']['geo']['source'],
    accuracyRadiusKm: num(row, 'geo_accuracy_km') ?? 0,
  };
  put(geo, 'city', s(row, 'geo_city'));
  put(geo, 'state', s(row, 'geo_state'));
  put(geo, 'countryCode', s(row, 'geo_country'));
  put(geo, 'latitude', num(row, 'geo_lat'));
  put(geo, 'longitude', num(row, 'geo_lon'));
  const network: EnrichedSignIn['enrichment']['network'] = {
    scope: s(row, 'ip_scope') as EnrichedSignIn['enrichment']['network']['scope'],
  };
  put(network, 'asn', num(row, 'asn'));
  put(network, 'asOrg', s(row, 'as_org'));
  const ua: EnrichedSignIn['enrichment']['ua'] = {
    deviceType: s(row, 'ua_device_type') as EnrichedSignIn['enrichment']['ua']['deviceType'],
  };
  put(ua, 'os', s(row, 'ua_os'));
  put(ua, 'osVersion', s(row, 'ua_os_version'));
  put(ua, 'browser', s(row, 'ua_browser'));
  put(ua, 'browserVersion', s(row, 'ua_browser_version'));
  const tagsText = s(row, 'ip_tags');
  const ipTags = tagsText === undefined ? [] : (JSON.parse(tagsText) as IpTag[]);

  const e: EnrichedSignIn = {
    kind: 'signIn',
    id: s(row, 'id') ?? '',
    createdDateTime: s(row, 'time') ?? '',
    userPrincipalName: s(row, 'upn_given') ?? s(row, 'upn') ?? '',
    isInteractive: b(row, 'interactive') ?? false,
    status,
    outcome: s(row, 'outcome') as EnrichedSignIn['outcome'],
    enrichment: { geo, network, ipTags, ua },
  };
  put(e, 'userId', s(row, 'user_id'));
  put(e, 'userDisplayName', s(row, 'user_display'));
  put(e, 'userType', s(row, 'user_type'));
  put(e, 'appId', s(row, 'app_id'));
  put(e, 'appDisplayName', s(row, 'app_name'));
  put(e, 'resourceId', s(row, 'resource_id'));
  put(e, 'resourceDisplayName', s(row, 'resource_name'));
  put(e, 'ipAddress', s(row, 'ip'));
  put(e, 'clientAppUsed', s(row, 'client_app'));
  put(e, 'userAgent', s(row, 'user_agent'));
  put(e, 'authenticationRequirement', s(row, 'auth_requirement'));
  put(e, 'conditionalAccessStatus', s(row, 'ca_status'));
  put(e, 'correlationId', s(row, 'correlation_id'));
  put(e, 'source', s(row, 'source'));
  if ((present & PRESENT_DEVICE) !== 0) {
    const d: NonNullable<EnrichedSignIn['deviceDetail']> = {};
    put(d, 'deviceId', s(row, 'device_id'));
    put(d, 'displayName', s(row, 'device_name'));
    put(d, 'operatingSystem', s(row, 'device_os'));
    put(d, 'browser', s(row, 'device_browser'));
    put(d, 'isManaged', b(row, 'device_managed'));
    put(d, 'isCompliant', b(row, 'device_compliant'));
    put(d, 'trustType', s(row, 'device_trust'));
    e.deviceDetail = d;
  }
  if ((present & PRESENT_LOCATION) !== 0) {
    const loc: NonNullable<EnrichedSignIn['location']> = {};
    put(loc, 'city', s(row, 'given_city'));
    put(loc, 'state', s(row, 'given_state'));
    put(loc, 'countryOrRegion', s(row, 'given_country'));
    const lat = num(row, 'given_lat');
    const lon = num(row, 'given_lon');
    if (lat !== undefined && lon !== undefined) loc.geoCoordinates = { latitude: lat, longitude: lon };
    e.location = loc;
  }
  if ((present & PRESENT_MFA) !== 0) {
    const m: NonNullable<EnrichedSignIn['mfaDetail']> = {};
    put(m, 'authMethod', s(row, 'mfa_method'));
    put(m, 'authDetail', s(row, 'mfa_detail'));
    e.mfaDetail = m;
  }
  return e;
}
