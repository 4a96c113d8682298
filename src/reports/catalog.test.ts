import { describe, expect, it } from 'vitest';
import { REPORT_IDS } from '../schema/reports.ts';
import type { Edition } from '../schema/tenants.ts';
import { catalogSummary, findReport, REPORT_CATALOG } from './catalog.ts';
import { lockedMessage, reportAvailable, reportingEnabled } from './editions.ts';

// The seed's "Report editions" table, row by row: [title, free, basic, premium] ("rms" = "RMS Only").
const SEED_TABLE: [string, boolean, boolean, boolean | 'rms'][] = [
  ['Sign ins from unknown sources', true, true, true],
  ['Sign ins after multiple failures', true, true, true],
  ['Sign ins from multiple geographies', true, true, true],
  ['Sign ins from IP addresses with suspicious activity', false, false, true],
  ['Sign ins from possibly infected devices', false, false, true],
  ['Irregular sign in activity', false, false, true],
  ['Users with anomalous sign in activity', false, false, true],
  ['Users with leaked credentials', false, false, true],
  ['Audit report', true, true, true],
  ['Password reset activity', false, false, true],
  ['Password reset registration activity', false, false, true],
  ['Self service groups activity', false, false, true],
  ['Application usage', false, false, true],
  ['Account provisioning activity', true, true, true],
  ['Password rollover status', false, false, true],
  ['Account provisioning errors', true, true, true],
  ['RMS usage', false, false, 'rms'],
  ['Most active RMS users', false, false, 'rms'],
  ['RMS device usage', false, false, 'rms'],
  ['RMS enabled application usage', false, false, 'rms'],
];

const tenant = (edition: Edition, rms = false) => ({ edition, rms });

describe('catalog', () => {
  it('holds exactly the 24 report ids of SPEC 10, in order, once each', () => {
    expect(REPORT_CATALOG.map((r) => r.id)).toEqual([...REPORT_IDS]);
    expect(REPORT_IDS).toHaveLength(24);
  });

  it('prints exactly {id, section, title, edition} for reports --json', () => {
    for (const entry of catalogSummary()) expect(Object.keys(entry)).toEqual(['id', 'section', 'title', 'edition']);
    expect(catalogSummary()[0]).toEqual({
      id: 'signins-from-unknown-sources',
      section: 'anomalous activity',
      title: 'Sign ins from unknown sources',
      edition: 'free',
    });
  });

  it('every column name is unique within its report and user reports require a user', () => {
    for (const r of REPORT_CATALOG) expect(new Set(r.columns.map((c) => c.name)).size, r.id).toBe(r.columns.length);
    expect(REPORT_CATALOG.filter((r) => r.requiresUser).map((r) => r.id)).toEqual(['user-devices', 'user-activity']);
    expect(REPORT_CATALOG.filter((r) => r.requiresApp).map((r) => r.id)).toEqual(['application-usage-detailed']);
  });

  it('sign-in anomaly rows carry the SPEC 10 fields', () => {
    const required = ['signInId', 'createdDateTime', 'userPrincipalName', 'ipAddress', 'location', 'severity', 'detection', 'evidence'];
    for (const r of REPORT_CATALOG.filter((x) => x.section === 'anomalous activity' && !x.id.startsWith('users-'))) {
      expect(r.columns.map((c) => c.name), r.id).toEqual(expect.arrayContaining(required));
    }
    for (const id of ['users-with-anomalous-signin-activity', 'users-with-leaked-credentials']) {
      expect(findReport(id)?.columns.map((c) => c.name)).toEqual(expect.arrayContaining(['userPrincipalName', 'riskLevel', 'detections']));
    }
  });
});

describe('edition matrix, exactly as the seed’s table', () => {
  it.each(SEED_TABLE)('%s', (title, free, basic, premium) => {
    const def = REPORT_CATALOG.find((r) => r.title === title);
    expect(def, title).toBeDefined();
    if (def === undefined) return;
    expect(reportAvailable(tenant('free', true), def).ok).toBe(free);
    expect(reportAvailable(tenant('basic', true), def).ok).toBe(basic);
    if (premium === 'rms') {
      expect(def.edition).toBe('rms');
      expect(reportAvailable(tenant('premium', false), def)).toEqual({ ok: false, locked: true, needs: 'rms' });
      expect(reportAvailable(tenant('premium', true), def).ok).toBe(true);
    } else {
      expect(reportAvailable(tenant('premium'), def).ok).toBe(premium);
      expect(def.edition).toBe(free ? 'free' : 'premium');
    }
  });

  it('reports the seed’s table leaves out follow their family', () => {
    expect(findReport('application-usage-detailed')?.edition).toBe('premium');
    expect(findReport('application-dashboard')?.edition).toBe('premium');
    expect(findReport('user-devices')?.edition).toBe('free');
    expect(findReport('user-activity')?.edition).toBe('free');
  });

  it('a locked report names the edition it needs', () => {
    const def = findReport('rms-usage');
    if (def === undefined) throw new Error('rms-usage missing');
    expect(lockedMessage(def, 'rms')).toBe("the report 'rms-usage' (RMS usage) needs the Premium edition with the Rights Management (RMS) add-on");
    expect(reportAvailable(tenant('free'), { edition: 'premium' })).toEqual({ ok: false, locked: true, needs: 'premium' });
  });

  it('opt-in gate', () => {
    expect(reportingEnabled({})).toBe(false);
    expect(reportingEnabled({ optedInAt: '2026-11-01T00:00:00.000Z' })).toBe(true);
  });
});
