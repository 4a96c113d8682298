import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { Compile } from 'typebox/compile';
import { GLOBAL_ADMIN_ROLE_TEMPLATE_ID, SECURITY_ADMIN_ROLE_TEMPLATE_ID } from '../schema/directory.ts';
import type { Detection } from '../schema/detections.ts';
import { notificationRecipients } from './recipients.ts';
import { digestBoundary, isDigestDue } from './digest.ts';
import { retryDelayMs, MAX_ATTEMPTS } from './backoff.ts';
import { signBody, verifySignature } from './cloud-events.ts';
import { alertEmail, alertEventData, MAX_EVENT_ROWS, summarizeAlert, TOP_ROWS } from './alert-message.ts';
import { NotifySettings, severityAtLeast } from './settings.ts';
import { isSuppressed } from './notifier.ts';
import { isLinkLocal, postWebhook, webhookUrlProblem } from './webhook.ts';
import { loadConfig } from '../config/config.ts';

const det = (id: string, over: Partial<Detection> = {}): Detection => ({
  id,
  detector: 'D1',
  severity: 'high',
  detectedDateTime: '2026-03-04T09:00:00.000Z',
  userPrincipalName: 'bob@contoso.example',
  ipAddress: '198.51.100.7',
  evidence: {},
  logOnly: false,
  ...over,
});

describe('recipients', () => {
  it('global and security admins (mail, else UPN), enabled only, then extras, once each ignoring case', () => {
    const out = notificationRecipients(
      {
        users: [
          { id: '1', userPrincipalName: 'ga@x.example', mail: 'Boss@x.example', userType: 'member', accountEnabled: true, assignedLicenses: [] },
          { id: '2', userPrincipalName: 'sa@x.example', userType: 'member', accountEnabled: true, assignedLicenses: [] },
          { id: '3', userPrincipalName: 'off@x.example', userType: 'member', accountEnabled: false, assignedLicenses: [] },
          { id: '4', userPrincipalName: 'helpdesk@x.example', userType: 'member', accountEnabled: true, assignedLicenses: [] },
        ],
        groups: [],
        applications: [],
        roles: [
          { id: 'a', displayName: 'GA', roleTemplateId: GLOBAL_ADMIN_ROLE_TEMPLATE_ID, memberIds: ['1', '3'] },
          { id: 'b', displayName: 'SA', roleTemplateId: SECURITY_ADMIN_ROLE_TEMPLATE_ID, memberIds: ['2', '1'] },
          { id: 'c', displayName: 'Helpdesk', roleTemplateId: '729827e3-9c14-49f7-bb1b-9608f156bbb8', memberIds: ['4'] },
        ],
      },
      ['boss@X.example', 'soc@y.example', ' '],
    );
    expect(out).toEqual(['Boss@x.example', 'sa@x.example', 'soc@y.example']);
  });
});

describe('digest schedule', () => {
  it.each([
    ['2026-03-09T08:00:00.000Z', '2026-03-09T08:00:00.000Z'],
    ['2026-03-09T07:59:59.999Z', '2026-03-02T08:00:00.000Z'],
    ['2026-03-15T23:59:00.000Z', '2026-03-09T08:00:00.000Z'],
    ['2026-03-04T10:00:00.000Z', '2026-03-02T08:00:00.000Z'],
  ])('the boundary at %s is %s', (now, boundary) => {
    expect(digestBoundary(new Date(now)).toISOString()).toBe(boundary);
  });

  it('the boundary is a Monday 08:00 UTC within the last week, for any time', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 4_000_000_000_000 }), (ms) => {
        const b = digestBoundary(new Date(ms));
        expect(b.getUTCDay()).toBe(1);
        expect(b.getUTCHours()).toBe(8);
        expect(ms - b.getTime()).toBeGreaterThanOrEqual(0);
        expect(ms - b.getTime()).toBeLessThan(7 * 86_400_000);
      }),
    );
  });

  it('is due when nothing went out since the boundary', () => {
    const now = new Date('2026-03-09T09:00:00.000Z');
    expect(isDigestDue(undefined, now)).toBe(true);
    expect(isDigestDue('2026-03-09T07:00:00.000Z', now)).toBe(true);
    expect(isDigestDue('2026-03-09T08:00:00.000Z', now)).toBe(false);
  });
});

describe('backoff', () => {
  it('doubles from the base and is capped at six hours', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, 1000))).toEqual([1000, 2000, 4000, 8000]);
    expect(retryDelayMs(40)).toBe(6 * 3_600_000);
    expect(MAX_ATTEMPTS).toBeGreaterThan(1);
  });
});

describe('signatures', () => {
  it('matches a known HMAC-SHA256 (RFC 4231 test case 2)', () => {
    expect(signBody('what do ya want for nothing?', 'Jefe')).toBe('sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });

  it('verifies only the exact body with the same secret', () => {
    fc.assert(
      fc.property(fc.string(), fc.string({ minLength: 1 }), fc.string(), (body, secret, other) => {
        expect(verifySignature(body, secret, signBody(body, secret))).toBe(true);
        if (other !== body) expect(verifySignature(other, secret, signBody(body, secret))).toBe(false);
        expect(verifySignature(body, secret, undefined)).toBe(false);
      }),
    );
  });
});

describe('alert message', () => {
  it('counts per detector and keeps the most severe, newest rows first', () => {
    const many = Array.from({ length: 30 }, (_, i) => det(`d${i}`, { severity: i % 3 === 0 ? 'high' : 'low', detector: i % 2 === 0 ? 'D1' : 'D4', detectedDateTime: new Date(Date.UTC(2026, 2, 4, 0, i)).toISOString() }));
    const s = summarizeAlert('acme', many);
    expect(s.total).toBe(30);
    expect(s.bySeverity).toEqual({ low: 20, medium: 0, high: 10 });
    expect(s.byDetector.map((d) => [d.detector, d.count])).toEqual([['D1', 15], ['D4', 15]]);
    expect(s.top).toHaveLength(TOP_ROWS);
    expect(s.top[0]?.id).toBe('d27');
    expect(s.top.slice(0, 10).every((d) => d.severity === 'high')).toBe(true);
    expect(alertEmail(s, 'Acme').text).toContain(`The ${TOP_ROWS} most severe (newest first):`);
    expect(alertEmail(summarizeAlert('acme', [det('x', { severity: 'medium' })]), 'Acme').subject).toBe('[authlens] 1 new medium-severity detection in Acme');
  });

  it('says in which report each detector is found: MFA fatigue and brute force, which have none of their own, per user', () => {
    const s = summarizeAlert('acme', [det('a', { detector: 'mfa-fatigue' }), det('b', { detector: 'brute-force' }), det('c', { detector: 'D3' })]);
    const text = alertEmail(s, 'Acme').text;
    expect(text).toContain('  mfa-fatigue  MFA fatigue: 1  (report users-with-anomalous-signin-activity)\n');
    expect(text).toContain('  brute-force  Brute force against one user: 1  (report users-with-anomalous-signin-activity)\n');
    expect(text).toContain('  D3  Sign-ins from multiple geographies: 1  (report signins-from-multiple-geographies)\n');
  });

  it('caps the rows of a webhook event, keeping the most severe and saying how many were left out', () => {
    const all = Array.from({ length: MAX_EVENT_ROWS + 7 }, (_, i) => det(`d${i}`, { severity: i < 3 ? 'high' : 'low' }));
    const data = alertEventData(summarizeAlert('acme', all), all) as { total: number; omitted: number; detections: { id: string; severity: string }[] };
    expect(data.total).toBe(MAX_EVENT_ROWS + 7);
    expect(data.omitted).toBe(7);
    expect(data.detections).toHaveLength(MAX_EVENT_ROWS);
    expect(data.detections.slice(0, 3).map((d) => d.id)).toEqual(['d0', 'd1', 'd2']);
  });

  it('never lets a tenant name or user break the subject line', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (name, upn) => {
        const { subject } = alertEmail(summarizeAlert('acme', [det('x', { userPrincipalName: upn })]), name);
        expect(subject).not.toMatch(/[\r\n]/);
        expect(subject.length).toBeLessThanOrEqual(200);
      }),
    );
  });
});

describe('settings', () => {
  const check = Compile(NotifySettings);
  it('accepts sane settings and refuses bad ones with the field', () => {
    expect(check.Check({ minSeverity: 'medium', extraRecipients: ['soc@x.example'], batchMinutes: 15, weeklyDigest: true })).toBe(true);
    for (const [bad, path] of [
      [{ minSeverity: 'urgent', extraRecipients: [], batchMinutes: 15, weeklyDigest: true }, '/minSeverity'],
      [{ minSeverity: 'high', extraRecipients: ['not an address'], batchMinutes: 15, weeklyDigest: true }, '/extraRecipients/0'],
      [{ minSeverity: 'high', extraRecipients: ['a@b.example\r\nBcc: x@evil.example'], batchMinutes: 15, weeklyDigest: true }, '/extraRecipients/0'],
      [{ minSeverity: 'high', extraRecipients: [], batchMinutes: 0, weeklyDigest: true }, '/batchMinutes'],
    ] as const) {
      expect(check.Check(bad)).toBe(false);
      expect(check.Errors(bad).map((e) => e.instancePath)).toContain(path);
    }
  });

  it('judges any JSON value without throwing', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        // Valid exactly when there is nothing to report, and a refusal always names a reason.
        const errors = check.Errors(v);
        expect(check.Check(v)).toBe(errors.length === 0);
        for (const e of errors) expect(e.message.length).toBeGreaterThan(0);
      }),
    );
  });

  it('orders severities', () => {
    expect(severityAtLeast('high', 'medium')).toBe(true);
    expect(severityAtLeast('low', 'medium')).toBe(false);
    expect(severityAtLeast('medium', 'medium')).toBe(true);
  });
});

describe('suppressions', () => {
  const sup = (kind: 'user' | 'ip' | 'cidr' | 'detector' | 'country', value: string, over = {}) => ({ id: 's', kind, value, reason: 'r', createdAt: '2026-01-01T00:00:00.000Z', createdBy: 'a', ...over });
  it.each([
    [sup('user', 'BOB@contoso.example'), true],
    [sup('ip', '198.51.100.7'), true],
    [sup('cidr', '198.51.100.0/24'), true],
    [sup('cidr', '2001:db8::/32'), false],
    [sup('detector', 'D1'), true],
    [sup('detector', 'D2'), false],
    [sup('user', 'bob@contoso.example', { expiresAt: '2026-03-01T00:00:00.000Z' }), false],
    [sup('user', 'bob@contoso.example', { removedAt: '2026-02-01T00:00:00.000Z' }), false],
    [sup('country', 'NL'), false],
  ])('%j -> %s', (s, expected) => {
    expect(isSuppressed(det('a'), [s], '2026-03-04T10:00:00.000Z')).toBe(expected);
  });
});

describe('webhook URLs', () => {
  it.each([
    ['https://hooks.slack.example/T0/B0/x', undefined],
    ['http://127.0.0.1:9000/hook', undefined],
    ['ftp://x.example/', 'only http and https URLs are allowed'],
    ['https://user:pw@x.example/', 'credentials in the URL are not allowed (a URL is stored and shown in clear); a secret goes in its own field'],
    ['not a url', 'not a URL'],
  ])('%s', (url, problem) => {
    expect(webhookUrlProblem(url)).toBe(problem);
  });

  it.each(['http://127.0.0.1:9000/', 'http://localhost/x', 'https://[::1]/', 'https://10.1.2.3/', 'http://[fd00::1]/'])(
    '%s is refused when only public hosts are allowed',
    (url) => {
      expect(webhookUrlProblem(url, 'public')).toMatch(/authlens calls public addresses only/);
    },
  );

  it.each(['http://169.254.169.254/latest/meta-data/iam/', 'http://[fe80::1]/', 'http://[::ffff:169.254.169.254]/', 'http://[febf::a]/x'])(
    '%s (link-local: cloud metadata) is refused even when the operator allows private hosts',
    (url) => {
      expect(webhookUrlProblem(url, 'any')).toMatch(/authlens never calls link-local addresses/);
    },
  );

  it('tells link-local addresses from their neighbours', () => {
    expect(['169.254.0.1', '169.253.255.255', '169.255.0.1', 'fe80::1', 'fec0::1', 'fe7f::1', '::ffff:169.254.1.1', 'not an ip'].map(isLinkLocal)).toEqual([
      true, false, false, true, false, false, true, false,
    ]);
  });

  it('refuses at delivery a name that resolves to a link-local address, even when private hosts are allowed', async () => {
    let fetched = false;
    const out = await postWebhook('http://[fe80::2]:8080/hook', 'secret', '{}', {
      deliveryId: 'd1',
      hosts: 'any',
      fetch: async () => {
        fetched = true;
        return new Response('');
      },
    });
    expect(fetched).toBe(false);
    expect(out).toMatchObject({ ok: false, permanent: true, reason: expect.stringContaining('link-local') });
  });

  it('a public literal address or a name passes the creation check', () => {
    expect(webhookUrlProblem('https://8.8.8.8/hook', 'public')).toBeUndefined();
    expect(webhookUrlProblem('https://siem.example/ingest', 'public')).toBeUndefined();
  });
});

describe('SMTP configuration', () => {
  it('takes smtp:// and smtps:// URLs and refuses anything else at start', () => {
    expect(loadConfig({}, { AUTHLENS_SMTP_URL: 'smtp://u:p@mail.example:587', AUTHLENS_MAIL_FROM: 'x@y.example' })).toMatchObject({ smtpUrl: 'smtp://u:p@mail.example:587', mailFrom: 'x@y.example' });
    expect(loadConfig({}, {}).smtpUrl).toBeUndefined();
    expect(loadConfig({}, { AUTHLENS_SMTP_URL: '' }).smtpUrl).toBeUndefined();
    for (const bad of ['mail.example:25', 'http://mail.example', 'smtp//x']) {
      expect(() => loadConfig({}, { AUTHLENS_SMTP_URL: bad })).toThrow(/AUTHLENS_SMTP_URL/);
    }
  });
});
