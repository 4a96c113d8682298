import { describe, expect, it } from 'vitest';
import { ENTRA_ERROR_OUTCOMES, entraOutcome } from './entra-error-codes.ts';
import { SIGN_IN_OUTCOMES } from '../schema/events.ts';

describe('entraOutcome', () => {
  it.each([
    [0, 'success'],
    [50126, 'credentialFailure'],
    [50034, 'credentialFailure'],
    [50074, 'interrupted'],
    [50076, 'interrupted'],
    [50079, 'interrupted'],
    [50072, 'interrupted'],
    [50158, 'interrupted'],
    [50125, 'interrupted'],
    [50140, 'interrupted'],
    [65001, 'interrupted'],
    [50055, 'interrupted'],
    [500121, 'mfaDenied'],
    [50088, 'mfaDenied'],
    [50053, 'blocked'],
    [53003, 'blocked'],
    [530032, 'blocked'],
    [50057, 'disabled'],
    [12345, 'other'],
    [-1, 'other'],
  ])('%i -> %s', (code, outcome) => {
    expect(entraOutcome(code)).toBe(outcome);
  });

  it('maps only to outcomes of the schema', () => {
    for (const o of Object.values(ENTRA_ERROR_OUTCOMES)) expect(SIGN_IN_OUTCOMES).toContain(o);
  });
});
