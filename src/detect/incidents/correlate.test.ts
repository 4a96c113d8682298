import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DETECTOR_IDS, SEVERITIES, type Detection } from '../../schema/detections.ts';
import type { DirectoryAudit } from '../../schema/events.ts';
import type { IncidentStatusChange } from '../../schema/incidents.ts';
import { correlateIncidents, followUpQuery, incidentId, INCIDENT_DEFAULTS } from './correlate.ts';

const T0 = Date.parse('2026-11-10T08:00:00.000Z');
const at = (minutes: number): string => new Date(T0 + minutes * 60_000).toISOString();

const det = (id: string, minutes: number, d: Partial<Detection> & Pick<Detection, 'detector'>): Detection => ({
  id,
  severity: 'medium',
  detectedDateTime: at(minutes),
  evidence: {},
  logOnly: false,
  ...d,
});
const spray = (id: string, minutes: number, upn: string, outcome = 'credentialFailure'): Detection =>
  det(id, minutes, { detector: 'D4', ipAddress: '203.0.113.7', userPrincipalName: upn, signInId: `s-${id}`, severity: outcome === 'success' ? 'high' : 'medium', evidence: { outcome } });
const VIC = { userPrincipalName: 'vic@contoso.example', displayName: 'Vic Tim', type: 'User' };
const GROUP = { displayName: 'Finance Approvers', type: 'Group' };
const audit = (id: string, minutes: number, upn: string, activity: string, category = 'UserManagement', targetResources: DirectoryAudit['targetResources'] = [GROUP]): DirectoryAudit => ({
  kind: 'directoryAudit',
  id,
  activityDateTime: at(minutes),
  category,
  activityDisplayName: activity,
  result: 'success',
  initiatedBy: { user: { userPrincipalName: upn, ipAddress: '203.0.113.7' } },
  targetResources,
  additionalDetails: [],
});

describe('correlateIncidents', () => {
  it('makes a spray, its success and the victim\'s MFA and group changes one high incident with a timeline', () => {
    const detections = [
      spray('a', 0, 'ann@contoso.example'),
      spray('b', 1, 'bob@contoso.example'),
      spray('c', 2, 'cat@contoso.example'),
      spray('v', 5, 'vic@contoso.example', 'success'),
    ];
    const audits = [
      audit('au1', 20, 'vic@contoso.example', 'User registered security info', 'UserManagement', [VIC]),
      // What was changed is named: the group, not the user added to it.
      audit('au2', 30, 'vic@contoso.example', 'Add member to group', 'GroupManagement', [VIC, GROUP]),
      audit('au3', 31, 'vic@contoso.example', 'Update user'), // not a follow-up kind
      audit('au4', 40, 'ann@contoso.example', 'User registered security info'), // ann did not get in
      audit('au5', 5 + 24 * 60 + 1, 'vic@contoso.example', 'Add member to role'), // after the window
    ];
    const q = followUpQuery(detections);
    expect(q).toEqual({ upns: ['vic@contoso.example'], from: at(5), to: new Date(Date.parse(at(5)) + INCIDENT_DEFAULTS.followUpWindowMs + 1).toISOString() });
    const [incident, ...rest] = correlateIncidents(detections, audits);
    expect(rest).toEqual([]);
    expect(incident).toEqual({
      id: incidentId('a'),
      title: 'Password attack from 203.0.113.7 against 4 users; vic@contoso.example signed in, then 2 directory changes',
      severity: 'high',
      status: 'new',
      firstDateTime: at(0),
      lastDateTime: at(30),
      compromisedUsers: ['vic@contoso.example'],
      userPrincipalNames: ['ann@contoso.example', 'bob@contoso.example', 'cat@contoso.example', 'vic@contoso.example'],
      userCount: 4,
      ipAddresses: ['203.0.113.7'],
      ipCount: 1,
      detectors: { D4: 4 },
      detectionCount: 4,
      directoryChanges: 2,
      timeline: [
        {
          kind: 'detections',
          dateTime: at(0),
          endDateTime: at(2),
          summary: '3 failed sign-ins flagged as sign-in from an IP address with suspicious activity from 203.0.113.7, aimed at 3 users',
          detector: 'D4',
          severity: 'medium',
          count: 3,
          users: 3,
          ipAddress: '203.0.113.7',
        },
        {
          kind: 'detection',
          dateTime: at(5),
          summary: 'Sign-in from an IP address with suspicious activity by vic@contoso.example from 203.0.113.7',
          detector: 'D4',
          severity: 'high',
          detectionId: 'v',
          signInId: 's-v',
          userPrincipalName: 'vic@contoso.example',
          ipAddress: '203.0.113.7',
        },
        {
          kind: 'directoryChange',
          dateTime: at(20),
          summary: 'User registered security info (Vic Tim) by vic@contoso.example; MFA method registered or changed after a suspicious sign-in',
          userPrincipalName: 'vic@contoso.example',
          ipAddress: '203.0.113.7',
          auditId: 'au1',
          activity: 'User registered security info',
          category: 'UserManagement',
          result: 'success',
          followUp: 'mfaMethodChange',
        },
        {
          kind: 'directoryChange',
          dateTime: at(30),
          summary: 'Add member to group (Finance Approvers) by vic@contoso.example; group or role membership changed after a suspicious sign-in',
          userPrincipalName: 'vic@contoso.example',
          ipAddress: '203.0.113.7',
          auditId: 'au2',
          activity: 'Add member to group',
          category: 'GroupManagement',
          result: 'success',
          followUp: 'groupOrRoleChange',
        },
      ],
    });
  });

  it('keeps a spray target\'s own later detection out: failed attempts do not link by user', () => {
    const detections = [
      spray('a', 0, 'ann@contoso.example'),
      spray('b', 1, 'bob@contoso.example'),
      det('travel', 300, { detector: 'D3', userPrincipalName: 'ann@contoso.example', ipAddress: '198.51.100.9', severity: 'high' }),
    ];
    const incidents = correlateIncidents(detections, []);
    expect(incidents.map((i) => [i.detectionCount, i.detectors])).toEqual([[2, { D4: 2 }]]);
  });

  it.each([
    ['one user, two detectors a day apart', [det('x', 0, { detector: 'D3', userPrincipalName: 'u@c.example' }), det('y', 24 * 60, { detector: 'D6', userPrincipalName: 'U@C.example' })], [2]],
    ['one user, more than the link window apart', [det('x', 0, { detector: 'D3', userPrincipalName: 'u@c.example' }), det('y', 24 * 60 + 1, { detector: 'D6', userPrincipalName: 'u@c.example' })], []],
    ['a chain of close ones is one incident however long', [0, 20, 40, 60].map((h) => det(`c${h}`, h * 60, { detector: 'D6', userPrincipalName: 'u@c.example' })), [4]],
    ['a lone detection is not an incident', [det('x', 0, { detector: 'D3', userPrincipalName: 'u@c.example' })], []],
    ['log-only and D7 take no part', [det('x', 0, { detector: 'D3', userPrincipalName: 'u@c.example' }), det('y', 1, { detector: 'D6', userPrincipalName: 'u@c.example', logOnly: true }), det('z', 2, { detector: 'D7', userPrincipalName: 'u@c.example' })], []],
    ['two Tor sign-ins of two users from one exit are not linked', [det('x', 0, { detector: 'D1', userPrincipalName: 'a@c.example', ipAddress: '192.0.2.1', evidence: { outcome: 'success' } }), det('y', 5, { detector: 'D1', userPrincipalName: 'b@c.example', ipAddress: '192.0.2.1', evidence: { outcome: 'success' } })], []],
    ['brute force then the success after it', [det('bf', 0, { detector: 'brute-force', userPrincipalName: 'u@c.example', ipAddress: '192.0.2.5', evidence: { stage: 'threshold' } }), det('d2', 3, { detector: 'D2', userPrincipalName: 'u@c.example', ipAddress: '192.0.2.5', severity: 'high' })], [2]],
    ['a leak joins the same user\'s suspicious sign-in', [det('leak', 0, { detector: 'D8', userPrincipalName: 'u@c.example' }), det('d6', 60, { detector: 'D6', userPrincipalName: 'u@c.example' })], [2]],
  ] as const)('%s', (_name, detections, sizes) => {
    expect(correlateIncidents(detections, []).map((i) => i.detectionCount)).toEqual(sizes);
  });

  it('names a spray or a hostile IP by D4\'s reason, counting the users it failed against before it was flagged', () => {
    const flagged = (id: string, minutes: number, upn: string, reason: string, distinctUsersFailed: number): Detection =>
      det(id, minutes, { detector: 'D4', ipAddress: '198.51.100.4', userPrincipalName: upn, evidence: { outcome: 'credentialFailure', reason, distinctUsersFailed } });
    expect(correlateIncidents([flagged('a', 0, 'a@c.example', 'passwordSpray', 10), flagged('b', 1, 'b@c.example', 'passwordSpray', 11)], []).map((i) => i.title)).toEqual(['Password spray from 198.51.100.4 against 11 users']);
    expect(correlateIncidents([flagged('a', 0, 'a@c.example', 'hostileIp', 1), flagged('b', 1, 'b@c.example', 'hostileIp', 1)], []).map((i) => i.title)).toEqual(['Repeated failed sign-ins from 198.51.100.4 against 2 users']);
  });

  it('says that an IP flagged only by the shared reputation was seen attacking other directories, not this one', () => {
    const shared = (id: string, minutes: number, upn: string, outcome: string): Detection =>
      det(id, minutes, { detector: 'D4', ipAddress: '45.155.205.17', userPrincipalName: upn, severity: outcome === 'success' ? 'high' : 'medium', evidence: { reason: 'sharedReputation', otherDirectories: 2, outcome } });
    const [one] = correlateIncidents([shared('a', 0, 'a@c.example', 'success'), shared('b', 1, 'b@c.example', 'credentialFailure'), shared('c', 2, 'c@c.example', 'credentialFailure')], []);
    expect(one?.title).toBe('Sign-ins of 3 users from 45.155.205.17, an IP seen attacking 2 other directories; a@c.example signed in');
    expect(one?.timeline.map((e) => e.summary)).toEqual([
      'Sign-in from an IP address with suspicious activity by a@c.example from 45.155.205.17, an IP seen attacking 2 other directories',
      '2 failed sign-ins flagged as sign-in from an IP address with suspicious activity from 45.155.205.17, an IP seen attacking 2 other directories, aimed at 2 users',
    ]);
  });

  it('names each kind of incident in its title', () => {
    const bf = [det('bf', 0, { detector: 'brute-force', userPrincipalName: 'u@c.example', ipAddress: '192.0.2.5', evidence: { stage: 'threshold' } }), det('bf2', 3, { detector: 'brute-force', userPrincipalName: 'u@c.example', ipAddress: '192.0.2.5', evidence: { stage: 'successAfter' } })];
    const mfa = [det('m1', 0, { detector: 'mfa-fatigue', userPrincipalName: 'm@c.example', evidence: { stage: 'prompts' } }), det('m2', 2, { detector: 'mfa-fatigue', userPrincipalName: 'm@c.example', evidence: { stage: 'approvedAfter' } })];
    const other = [det('o1', 0, { detector: 'D3', userPrincipalName: 'o@c.example' }), det('o2', 2, { detector: 'D6', userPrincipalName: 'o@c.example' })];
    expect(correlateIncidents(bf, []).map((i) => i.title)).toEqual(['Brute force against u@c.example from 192.0.2.5, then a sign-in']);
    expect(correlateIncidents(mfa, []).map((i) => i.title)).toEqual(['MFA fatigue against m@c.example, then a sign-in']);
    expect(correlateIncidents(other, []).map((i) => i.title)).toEqual(['Suspicious activity of o@c.example: sign-in from an impossible distance (travel), irregular sign-in']);
  });

  it('makes one detection and a directory change after it an incident, and places each change once', () => {
    const d3 = det('x', 0, { detector: 'D3', userPrincipalName: 'u@c.example', severity: 'medium' });
    const change = audit('au', 10, 'U@C.example', 'Consent to application');
    const [one, ...rest] = correlateIncidents([d3], [change, change]);
    expect(rest).toEqual([]);
    expect([one?.severity, one?.directoryChanges, one?.timeline.map((e) => e.followUp ?? e.detector)]).toEqual(['high', 1, ['D3', 'appConsent']]);
    // A change before the sign-in is not a consequence of it.
    expect(correlateIncidents([d3], [audit('before', -1, 'u@c.example', 'Consent to application')])).toEqual([]);
  });

  it('shows the admin\'s status, and a resolved incident with later activity as new again', () => {
    const detections = [det('x', 0, { detector: 'D3', userPrincipalName: 'u@c.example' }), det('y', 5, { detector: 'D6', userPrincipalName: 'u@c.example' })];
    const id = incidentId('x');
    const change = (to: IncidentStatusChange['to'], minutes: number): Map<string, IncidentStatusChange> => new Map([[id, { incidentId: id, to, by: 'admin@c.example', at: at(minutes) }]]);
    expect(correlateIncidents(detections, [], change('active', 10))[0]?.status).toBe('active');
    expect(correlateIncidents(detections, [], change('resolved', 10))[0]?.status).toBe('resolved');
    expect(correlateIncidents(detections, [], change('resolved', 3))[0]?.status).toBe('new');
  });

  const detectionArb = fc.record({
    id: fc.uuid(),
    detector: fc.constantFrom(...DETECTOR_IDS),
    severity: fc.constantFrom(...SEVERITIES),
    minutes: fc.integer({ min: 0, max: 5 * 24 * 60 }),
    user: fc.option(fc.constantFrom('a@c.example', 'b@c.example', 'c@c.example', 'd@c.example'), { nil: undefined }),
    ip: fc.option(fc.constantFrom('192.0.2.1', '192.0.2.2', '2001:db8::1'), { nil: undefined }),
    outcome: fc.constantFrom('success', 'credentialFailure', undefined),
    stage: fc.constantFrom('threshold', 'successAfter', 'prompts', 'approvedAfter', undefined),
    logOnly: fc.boolean(),
  });

  it('puts every usable detection in at most one incident, and accounts for all of them in the counts and timeline (property)', () => {
    fc.assert(
      fc.property(fc.uniqueArray(detectionArb, { selector: (d) => d.id, maxLength: 60 }), (raw) => {
        const detections = raw.map((r) =>
          det(r.id, r.minutes, {
            detector: r.detector,
            severity: r.severity,
            logOnly: r.logOnly,
            ...(r.user !== undefined ? { userPrincipalName: r.user } : {}),
            ...(r.ip !== undefined ? { ipAddress: r.ip } : {}),
            evidence: { ...(r.outcome !== undefined ? { outcome: r.outcome } : {}), ...(r.stage !== undefined ? { stage: r.stage } : {}) },
          }),
        );
        const incidents = correlateIncidents(detections, []);
        const usable = detections.filter((d) => !d.logOnly && d.detector !== 'D7').length;
        const total = incidents.reduce((n, i) => n + i.detectionCount, 0);
        expect(total).toBeLessThanOrEqual(usable);
        expect(new Set(incidents.map((i) => i.id)).size).toBe(incidents.length);
        for (const i of incidents) {
          expect(i.detectionCount).toBeGreaterThanOrEqual(2);
          expect(Object.values(i.detectors).reduce((n, c) => n + c, 0)).toBe(i.detectionCount);
          expect(i.timeline.reduce((n, e) => n + (e.count ?? 1), 0)).toBe(i.detectionCount);
          expect(i.firstDateTime <= i.lastDateTime).toBe(true);
          expect([...i.timeline.map((e) => e.dateTime)]).toEqual([...i.timeline.map((e) => e.dateTime)].sort());
        }
        // Same input in another order: the same incidents.
        expect(correlateIncidents([...detections].reverse(), [])).toEqual(incidents);
      }),
    );
  });
});
