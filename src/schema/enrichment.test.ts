import { describe, expect, it } from 'vitest';
import { Compile } from 'typebox/compile';
import { EnrichedSignIn } from './enrichment.ts';

const check = Compile(EnrichedSignIn);
const signIn = {
  kind: 'signIn',
  id: 's1',
  createdDateTime: '2026-11-20T09:00:00.000Z',
  userPrincipalName: 'alice@contoso.example',
  isInteractive: true,
  status: { errorCode: 0 },
  outcome: 'success',
} as const;
const enrichment = {
  geo: { precision: 'none', source: 'none', accuracyRadiusKm: 0 },
  network: { scope: 'none' },
  ipTags: [],
  ua: { deviceType: 'unknown' },
} as const;

describe('EnrichedSignIn', () => {
  it('accepts a sign-in with its enrichment', () => {
    expect(check.Check({ ...signIn, enrichment })).toBe(true);
  });
  it('refuses one without enrichment, and unknown properties', () => {
    expect(check.Check(signIn)).toBe(false);
    expect(check.Check({ ...signIn, enrichment, extra: 1 })).toBe(false);
  });
});
