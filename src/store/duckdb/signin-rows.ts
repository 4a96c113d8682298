/**
 * EnrichedSignIn <-> a row of `signins` (migrations 001 and 003), losslessly:
 * getEvent must give back exactly what appendEvents was given.
 */
import type { DuckDBTimestampValue, DuckDBAppender } from '@duckdb/node-api';
import type { EnrichedSignIn, IpTag } from '../../schema/enrichment.ts';

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
  'ingested_at', 'upn_given', 'present', 'id_key', 'shared_ip_directories',
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
export { str as appendVarcharOrNull, dbl as appendDoubleOrNull };

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
  const shared = e.enrichment.sharedReputation;
  if (shared === undefined) a.appendNull();
  else a.appendInteger(shared.otherDirectories);
  a.endRow();
}

function tagOnly(t: IpTag): IpTag {
  return { list: t.list, category: t.category };
}

/**
 * A SELECT expression turning a `signins` row (alias `s`) into the JSON text
 * of the EnrichedSignIn, NULLs included (signInFromJson drops them). Reading
 * one string per row instead of ~50 values is what makes scans fast: every
 * value crossing from DuckDB to JS costs a native call.
 */
export const SIGNIN_JSON_SQL = `json_object(
  'kind', 'signIn',
  'id', s.id,
  'createdDateTime', strftime(s.time, '%Y-%m-%dT%H:%M:%S.%gZ'),
  'userId', s.user_id,
  'userPrincipalName', coalesce(s.upn_given, s.upn),
  'userDisplayName', s.user_display,
  'userType', s.user_type,
  'appId', s.app_id,
  'appDisplayName', s.app_name,
  'resourceId', s.resource_id,
  'resourceDisplayName', s.resource_name,
  'ipAddress', s.ip,
  'clientAppUsed', s.client_app,
  'isInteractive', s.interactive,
  'status', json_object('errorCode', s.error_code, 'failureReason', s.failure_reason, 'additionalDetails', s.status_details),
  'outcome', s.outcome,
  'deviceDetail', CASE WHEN s.present & ${PRESENT_DEVICE} <> 0 THEN json_object(
    'deviceId', s.device_id, 'displayName', s.device_name, 'operatingSystem', s.device_os,
    'browser', s.device_browser, 'isManaged', s.device_managed, 'isCompliant', s.device_compliant,
    'trustType', s.device_trust) END,
  'userAgent', s.user_agent,
  'location', CASE WHEN s.present & ${PRESENT_LOCATION} <> 0 THEN json_object(
    'city', s.given_city, 'state', s.given_state, 'countryOrRegion', s.given_country,
    'geoCoordinates', CASE WHEN s.given_lat IS NOT NULL AND s.given_lon IS NOT NULL
      THEN json_object('latitude', s.given_lat, 'longitude', s.given_lon) END) END,
  'authenticationRequirement', s.auth_requirement,
  'mfaDetail', CASE WHEN s.present & ${PRESENT_MFA} <> 0 THEN json_object(
    'authMethod', s.mfa_method, 'authDetail', s.mfa_detail) END,
  'conditionalAccessStatus', s.ca_status,
  'correlationId', s.correlation_id,
  'source', s.source,
  'enrichment', json_object(
    'geo', json_object('city', s.geo_city, 'state', s.geo_state, 'countryCode', s.geo_country,
      'latitude', s.geo_lat, 'longitude', s.geo_lon, 'precision', s.geo_precision,
      'source', s.geo_source, 'accuracyRadiusKm', s.geo_accuracy_km),
    'network', json_object('scope', s.ip_scope, 'asn', s.asn, 'asOrg', s.as_org),
    'ipTags', json(coalesce(s.ip_tags, '[]')),
    'ua', json_object('os', s.ua_os, 'osVersion', s.ua_os_version, 'browser', s.ua_browser,
      'browserVersion', s.ua_browser_version, 'deviceType', s.ua_device_type),
    'sharedReputation', CASE WHEN s.shared_ip_directories IS NOT NULL THEN json_object('otherDirectories', s.shared_ip_directories) END))`;

/** NULL columns become absent keys, as they were before the append (a JSON.parse reviver is several times slower). */
function dropNulls(o: Record<string, unknown>): void {
  for (const k in o) {
    const v = o[k];
    if (v === null) delete o[k];
    else if (typeof v === 'object' && !Array.isArray(v)) dropNulls(v as Record<string, unknown>);
  }
}

/** The text SIGNIN_JSON_SQL produced, back to the EnrichedSignIn that was appended. */
export function signInFromJson(text: string): EnrichedSignIn {
  const o = JSON.parse(text) as Record<string, unknown>;
  dropNulls(o);
  return o as EnrichedSignIn;
}
