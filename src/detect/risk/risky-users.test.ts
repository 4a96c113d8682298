import { describe, it, expect } from 'vitest';
import { aggregateRiskyUsers } from './risky-users.ts';
import type { Detection } from '../../schema/detections.ts';
import type { RiskyUserRecord } from '../../schema/risk.ts';

const det = (id: string, detector: Detection['detector'], severity: Detection['severity'], upn: string, at: string, evidence: Record<string, unknown> = {}): Detection => ({
  id,
  detector,
  severity,
  detectedDateTime: at,
  userPrincipalName: upn,
  signInId: `s-${id}`,
  evidence,
  logOnly: false,
});

describe('D7 risky users', () => {
  const ds = [
    det('1', 'D2', 'low', 'a@x', '2026-11-02T08:00:00.000Z'),
    det('2', 'D6', 'medium', 'b@x', '2026-11-02T08:00:00.000Z'),
    det('3', 'D3', 'medium', 'c@x', '2026-11-02T08:00:00.000Z'),
    det('4', 'D6', 'medium', 'c@x', '2026-11-03T08:00:00.000Z'),
    det('5', 'D8', 'medium', 'c@x', '2026-11-03T09:00:00.000Z'),
    det('6', 'D4', 'medium', 'd@x', '2026-11-02T08:00:00.000Z', { outcome: 'credentialFailure' }),
    det('7', 'D4', 'high', 'e@x', '2026-11-02T08:00:00.000Z', { outcome: 'success' }),
    { ...det('8', 'D1', 'high', 'f@x', '2026-11-02T08:00:00.000Z'), logOnly: true },
  ];

  it('aggregates levels from severities with the contributing detections; spray targets and log-only do not count', () => {
    const r = aggregateRiskyUsers(ds);
    expect(r.map((u) => [u.userPrincipalName, u.riskLevel, u.riskState])).toEqual([
      ['c@x', 'high', 'atRisk'],
      ['e@x', 'high', 'atRisk'],
      ['b@x', 'medium', 'atRisk'],
      ['a@x', 'low', 'atRisk'],
    ]);
    expect(r[0]?.contributing.map((c) => c.id)).toEqual(['3', '4', '5']);
  });

  it('dismissed clears detections before it; confirmedCompromised stays high', () => {
    const states = new Map<string, RiskyUserRecord>([
      ['c@x', { userKey: 'c@x', userPrincipalName: 'c@x', state: 'dismissed', stateAt: '2026-11-03T08:30:00.000Z', updatedBy: 'admin' }],
      ['z@x', { userKey: 'z@x', userPrincipalName: 'z@x', state: 'confirmedCompromised', stateAt: '2026-11-01T00:00:00.000Z', updatedBy: 'admin' }],
    ]);
    const r = aggregateRiskyUsers(ds, states);
    const c = r.find((u) => u.userKey === 'c@x');
    expect(c?.contributing.map((x) => x.id)).toEqual(['5']);
    expect(c?.riskLevel).toBe('medium');
    expect(r.find((u) => u.userKey === 'z@x')).toMatchObject({ riskLevel: 'high', riskState: 'confirmedCompromised' });
  });
});

describe('D7 and leaks', () => {
  it('a leak alone does not list a user; with an anomalous sign-in it raises the level', () => {
    const leak: Detection = { id: 'L', detector: 'D8', severity: 'medium', detectedDateTime: '2026-11-01T00:00:00.000Z', userPrincipalName: 'g@x', evidence: {}, logOnly: false };
    expect(aggregateRiskyUsers([leak])).toEqual([]);
    const withSignIn = aggregateRiskyUsers([leak, det('9', 'D2', 'low', 'g@x', '2026-11-02T08:00:00.000Z')]);
    expect(withSignIn.map((u) => [u.userPrincipalName, u.riskLevel])).toEqual([['g@x', 'medium']]);
  });
});

describe('D7 across sources with and without the user id', () => {
  // An Entra sign-in or a leak match carries the directory id; a native or other IdP's record may carry only the UPN.
  const idByUpn = new Map([['g@x', 'id-g']]);
  const leak: Detection = { id: 'L', detector: 'D8', severity: 'medium', detectedDateTime: '2026-11-01T00:00:00.000Z', userId: 'ID-G', userPrincipalName: 'g@x', evidence: {}, logOnly: false };
  const tor = det('9', 'D1', 'high', 'G@x', '2026-11-02T08:00:00.000Z', { outcome: 'success' });

  it('one directory user is one risky user: the UPN-only detection joins the one with the id', () => {
    expect(aggregateRiskyUsers([leak, tor], new Map(), idByUpn).map((u) => [u.userKey, u.riskLevel, u.contributing.map((c) => c.id)])).toEqual([['id-g', 'high', ['L', '9']]]);
  });

  it("a state recorded under the UPN follows the user to the directory id; the later state wins", () => {
    const byUpn: RiskyUserRecord = { userKey: 'g@x', userPrincipalName: 'g@x', state: 'dismissed', stateAt: '2026-11-03T00:00:00.000Z', updatedBy: 'admin' };
    expect(aggregateRiskyUsers([leak, tor], new Map([['g@x', byUpn]]), idByUpn)).toEqual([]);
    const older: RiskyUserRecord = { ...byUpn, userKey: 'id-g', state: 'confirmedCompromised', stateAt: '2026-11-01T12:00:00.000Z' };
    expect(aggregateRiskyUsers([leak, tor], new Map([['id-g', older], ['g@x', byUpn]]), idByUpn)).toEqual([]);
  });

  it('without the directory mapping the two stay apart (a UPN outside the directory)', () => {
    expect(aggregateRiskyUsers([leak, tor]).map((u) => u.userKey)).toEqual(['g@x']);
  });
});
