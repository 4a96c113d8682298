/**
 * The wiring in app.ts, end to end: ingest sign-ins into a real runtime,
 * its detections reach the outbox, and one tick emails the tenant's admins
 * over a real SMTP server.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../config/config.ts';
import { openRuntime, type Runtime } from '../app.ts';
import { GLOBAL_ADMIN_ROLE_TEMPLATE_ID } from '../schema/directory.ts';
import { startSmtp, type LocalSmtp } from './testing/local-servers.ts';

let dir: string | undefined;
let rt: Runtime | undefined;
let smtp: LocalSmtp | undefined;
afterEach(async () => {
  await rt?.close();
  await smtp?.close();
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  rt = smtp = dir = undefined;
});

/** 25 failed sign-ins then a success for one user: D2 at high severity (highAt 20 by default). */
function attack(): Buffer {
  // Recent events: older ones are history and are not alerted on.
  const t0 = Date.now() - 3 * 3_600_000;
  const lines = Array.from({ length: 26 }, (_, i) =>
    JSON.stringify({
      kind: 'signIn',
      id: `si-${i}`,
      createdDateTime: new Date(t0 + i * 60_000).toISOString(),
      userPrincipalName: 'victim@contoso.example',
      isInteractive: true,
      status: i < 25 ? { errorCode: 50126, failureReason: 'bad password' } : { errorCode: 0 },
      outcome: i < 25 ? 'credentialFailure' : 'success',
      ipAddress: '203.0.113.50',
    }),
  );
  return Buffer.from(lines.join('\n') + '\n');
}

describe('runtime wiring', () => {
  it('a high detection from ingest becomes one email to the directory admins', async () => {
    smtp = await startSmtp();
    dir = await mkdtemp(path.join(tmpdir(), 'authlens-notify-'));
    rt = await openRuntime(
      loadConfig({ dataDir: dir, demo: false, logLevel: 'silent', smtpUrl: `smtp://127.0.0.1:${smtp.port}`, mailFrom: 'alerts@authlens.example' }, {}),
    );
    await rt.store.control.createTenant({ id: 'acme', name: 'Contoso', edition: 'premium', rms: false, retentionDays: 3650, createdAt: '2026-01-01T00:00:00.000Z' });
    await rt.store.control.updateTenant('acme', { optedInAt: '2026-01-02T00:00:00.000Z', optedInBy: 'ga@contoso.example' });
    await rt.store.control.importDirectory('acme', {
      users: [{ id: 'g', userPrincipalName: 'ga@contoso.example', userType: 'member', accountEnabled: true, assignedLicenses: [] }],
      groups: [],
      applications: [],
      roles: [{ id: 'r', displayName: 'Global Administrator', roleTemplateId: GLOBAL_ADMIN_ROLE_TEMPLATE_ID, memberIds: ['g'] }],
    });
    const summary = await rt.ingest('acme', attack(), { format: 'native' });
    expect(summary.accepted).toBe(26);
    await rt.flushDetections('acme');
    const queued = await rt.store.db.one<{ n: number }>("SELECT count(*)::INTEGER AS n FROM notify_outbox WHERE tenant = 'acme'");
    expect(queued?.n).toBeGreaterThanOrEqual(1);
    const tick = await rt.notify.tick();
    expect(tick.alerts).toBe(1);
    expect(smtp.received).toHaveLength(1);
    expect(smtp.received[0]?.to).toEqual(['ga@contoso.example']);
    expect(smtp.received[0]?.raw).toContain('victim@contoso.example');
    expect(smtp.received[0]?.raw).toMatch(/Subject: \[authlens\] \d+ new high-severity detections? in Contoso/);
  }, 60_000);
});
