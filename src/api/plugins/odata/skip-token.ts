/**
 * Opaque, tamper-proof $skiptoken: base64url(JSON payload) '.' base64url(HMAC-SHA256).
 * The payload binds the tenant, the resource, the normalised query and the
 * keyset position, so a token can neither be edited nor replayed against
 * another tenant, resource or filter.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { GraphPosition, GraphResource } from '../../../schema/graph-query.ts';

export interface SkipTokenPayload {
  readonly tenant: string;
  readonly resource: GraphResource;
  /** normaliseQuery() of the request that produced the page. */
  readonly query: string;
  readonly after: GraphPosition;
}

const VERSION = 1;

function mac(key: Uint8Array, body: string): Buffer {
  return createHmac('sha256', key).update(body).digest();
}

export function signSkipToken(key: Uint8Array, p: SkipTokenPayload): string {
  const body = Buffer.from(JSON.stringify([VERSION, p.tenant, p.resource, p.query, p.after.time, p.after.id])).toString('base64url');
  return `${body}.${mac(key, body).toString('base64url')}`;
}

/** The payload, or undefined when the token is malformed or its signature does not match. */
export function verifySkipToken(key: Uint8Array, token: string): SkipTokenPayload | undefined {
  const dot = token.indexOf('.');
  if (dot <= 0 || token.length > 16384) return undefined;
  const body = token.slice(0, dot);
  const given = Buffer.from(token.slice(dot + 1), 'base64url');
  const expected = mac(key, body);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
  if (!Array.isArray(parsed) || parsed.length !== 6 || parsed[0] !== VERSION) return undefined;
  const [, tenant, resource, query, time, id] = parsed as unknown[];
  if (typeof tenant !== 'string' || typeof resource !== 'string' || typeof query !== 'string' || typeof time !== 'string' || typeof id !== 'string') {
    return undefined;
  }
  return { tenant, resource: resource as GraphResource, query, after: { time, id } };
}
