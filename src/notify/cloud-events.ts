/** CloudEvents 1.0 structured-mode JSON and the HMAC-SHA256 signature webhooks carry. */
import { createHmac, timingSafeEqual } from 'node:crypto';

export const DETECTION_EVENT_TYPE = 'com.authlens.detection';
export const DIGEST_EVENT_TYPE = 'com.authlens.digest';
export const TEST_EVENT_TYPE = 'com.authlens.test';
export const SIGNATURE_HEADER = 'x-authlens-signature';

export interface CloudEvent<T> {
  readonly specversion: '1.0';
  readonly id: string;
  readonly source: string;
  readonly type: string;
  readonly subject?: string;
  readonly time: string;
  readonly datacontenttype: 'application/json';
  readonly data: T;
}

export function cloudEvent<T>(e: { id: string; tenant: string; type: string; time: string; data: T }): CloudEvent<T> {
  return {
    specversion: '1.0',
    id: e.id,
    source: `/authlens/tenants/${e.tenant}`,
    type: e.type,
    subject: e.tenant,
    time: e.time,
    datacontenttype: 'application/json',
    data: e.data,
  };
}

/** The header value: `sha256=<hex HMAC of the exact body bytes>`. */
export function signBody(body: string, secret: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** What a receiver does (docs/notifications.md): recompute and compare in constant time. */
export function verifySignature(body: string, secret: string, header: string | undefined): boolean {
  if (header === undefined) return false;
  const want = Buffer.from(signBody(body, secret));
  const got = Buffer.from(header);
  return want.length === got.length && timingSafeEqual(want, got);
}
