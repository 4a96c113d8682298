/**
 * Input strings that name Object.prototype's members ("constructor",
 * "__proto__", ...) reach the adapters' lookup tables as keys. They must read
 * as unknown values, never as the prototype's functions (a thrown TypeError
 * here escaped the pipeline as an infrastructure failure).
 */
import { describe, expect, it } from 'vitest';
import type { RawRecord } from '../raw-record.ts';
import type { AdaptResult } from './adapt-result.ts';
import { adaptAuth0 } from './auth0.ts';
import { adaptKeycloak } from './keycloak.ts';
import { adaptOcsf } from './ocsf.ts';
import { adaptOkta } from './okta.ts';

const PROTOTYPE_KEYS = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'];
const json = (value: Record<string, unknown>): Extract<RawRecord, { ok: true }> => ({ ok: true, line: 1, shape: 'json', value });
const T = 1767225600000;

const cases: readonly (readonly [string, (k: string) => AdaptResult, (r: AdaptResult) => void])[] = [
  [
    'an Auth0 log type',
    (k) => adaptAuth0(json({ log_id: '1', date: '2026-01-01T00:00:00Z', type: k, user_name: 'a@b.example' })),
    (r) => expect(r).toMatchObject({ ok: false, field: '/type', reason: expect.stringContaining('is not mapped') }),
  ],
  [
    'a Keycloak error',
    (k) => adaptKeycloak(json({ id: 'x', time: T, type: 'LOGIN_ERROR', realmId: 'r', userId: 'u', error: k, details: { username: 'a' } })),
    (r) => expect(r).toMatchObject({ ok: true, event: { kind: 'signIn', outcome: 'other', status: { errorCode: 1999 } } }),
  ],
  [
    'a Keycloak admin operation and resource path',
    (k) => adaptKeycloak(json({ id: 'y', time: T, realmId: 'r', operationType: k, resourceType: 'USER', resourcePath: `${k}/1/users/2`, authDetails: { realmId: 'r', userId: 'u' } })),
    (r) => {
      expect(r.ok).toBe(true);
      if (r.ok && r.event.kind === 'directoryAudit') {
        expect(typeof r.event.operationType).toBe('string');
        for (const t of r.event.targetResources ?? []) expect(typeof t.type === 'string' || t.type === undefined).toBe(true);
      }
    },
  ],
  [
    'an OCSF status code',
    (k) => adaptOcsf(json({ class_uid: 3002, category_uid: 3, activity_id: 1, status_id: 2, status_code: k, time: T, user: { name: 'a' }, metadata: { uid: 'm' } })),
    (r) => expect(r).toMatchObject({ ok: true, event: { kind: 'signIn', outcome: 'other' } }),
  ],
  [
    'an Okta event type and outcome reason',
    (k) => adaptOkta(json({ uuid: 'o', published: '2026-01-01T00:00:00Z', eventType: k, actor: { alternateId: 'a@b.example', type: 'User' }, outcome: { result: 'FAILURE', reason: k } })),
    (r) => expect(r).toMatchObject({ ok: true, event: { kind: 'directoryAudit' } }),
  ],
];

describe('names of Object.prototype members in input', () => {
  for (const [what, adapt, check] of cases) {
    it.each(PROTOTYPE_KEYS)(`as ${what} ("%s") read as an unknown value`, (k) => {
      const r = adapt(k);
      check(r);
    });
  }
});
