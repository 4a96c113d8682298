import { describe, it, expect } from 'vitest';
import { createTenantService, isReportingEnabled } from './tenants.ts';
import { createMemoryControlStore } from './memory-control-store.ts';
import { GLOBAL_ADMIN_ROLE_TEMPLATE_ID } from '../schema/directory.ts';

async function setup() {
  const control = createMemoryControlStore();
  let now = new Date('2026-05-01T08:00:00Z');
  const svc = createTenantService(control, () => now);
  return { control, svc, setNow: (d: string) => (now = new Date(d)) };
}

describe('TenantService', () => {
  it('creates with defaults and refuses duplicates and bad ids', async () => {
    const { svc } = await setup();
    expect(await svc.create({ id: 'acme' })).toEqual({
      ok: true,
      tenant: { id: 'acme', name: 'acme', edition: 'free', rms: false, retentionDays: 30, createdAt: '2026-05-01T08:00:00.000Z' },
    });
    expect(await svc.create({ id: 'acme', edition: 'premium' })).toEqual({ ok: false, reason: 'exists' });
    for (const id of ['', 'Acme', '-x', 'a_b', 'x'.repeat(64)]) expect(await svc.create({ id })).toEqual({ ok: false, reason: 'invalidId' });
    const p = await svc.create({ id: 'p1', name: 'Premium Co', edition: 'premium', rms: true });
    expect(p.ok && p.tenant).toMatchObject({ name: 'Premium Co', edition: 'premium', rms: true });
    expect((await svc.list()).map((t) => t.id)).toEqual(['acme', 'p1']);
  });

  it('opts in only for a licensed global admin of that directory, recording who and when once', async () => {
    const { svc, control, setNow } = await setup();
    await svc.create({ id: 'acme' });
    expect(await svc.optIn('nope', 'a@x')).toEqual({ ok: false, reason: 'notFound' });
    expect(await svc.optIn('acme', 'admin@acme.example')).toEqual({ ok: false, reason: 'notGlobalAdmin' });
    await control.importDirectory('acme', {
      users: [
        { id: 'u1', userPrincipalName: 'admin@acme.example', userType: 'member', accountEnabled: true, assignedLicenses: ['e5'] },
        { id: 'u2', userPrincipalName: 'reader@acme.example', userType: 'member', accountEnabled: true, assignedLicenses: ['e5'] },
      ],
      roles: [{ id: 'r', displayName: 'Global Administrator', roleTemplateId: GLOBAL_ADMIN_ROLE_TEMPLATE_ID, memberIds: ['u1'] }],
    });
    expect(await svc.optIn('acme', 'reader@acme.example')).toEqual({ ok: false, reason: 'notGlobalAdmin' });
    expect(isReportingEnabled((await svc.get('acme'))!)).toBe(false);
    const r = await svc.optIn('acme', 'Admin@ACME.example');
    expect(r.ok && r.tenant).toMatchObject({ optedInAt: '2026-05-01T08:00:00.000Z', optedInBy: 'admin@acme.example' });
    setNow('2026-06-01T00:00:00Z');
    await svc.optIn('acme', 'admin@acme.example');
    expect(await svc.get('acme')).toMatchObject({ optedInAt: '2026-05-01T08:00:00.000Z', optedInBy: 'admin@acme.example' });
  });
});
