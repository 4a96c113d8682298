import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it, expect, beforeAll, afterAll, vi } from 'vitest';
import { runCliCaptured } from '../main.ts';
import { GLOBAL_ADMIN_ROLE_TEMPLATE_ID } from '../../schema/directory.ts';

// These commands touch only the control store: the runtime is the DuckDB store alone, so
// the test does not load GeoIP databases it never uses.
vi.mock('../runtime.ts', async () => (await import('../../../test/helpers/cli-store-runtime.ts')).storeOnlyRuntimeModule());

// The composition root loads enrichment data at import; nothing here needs it.
vi.mock('../../app.ts', () => ({}));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'authlens-cli-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function cli(...argv: string[]) {
  return runCliCaptured(['--data-dir', dir, ...argv]);
}

describe('tenant, directory and keys commands', () => {
  it('create a tenant, refuse opt-in before the directory says who is admin, then opt in and make keys', async () => {
    const created = await cli('--json', 'tenant', 'create', 'acme', '--name', 'Acme', '--edition', 'premium', '--rms', '--admin', 'admin@acme.example');
    expect(created.exitCode).toBe(0);
    const t = JSON.parse(created.stdout) as { id: string; edition: string; rms: boolean; admin: { oneTimePassword: string } };
    expect(t).toMatchObject({ id: 'acme', edition: 'premium', rms: true });
    expect(t.admin.oneTimePassword.length).toBeGreaterThan(20);
    expect((await cli('tenant', 'create', 'acme')).exitCode).toBe(1);
    expect((await cli('tenant', 'create', 'Bad_Id')).stderr).toContain('invalid tenant id');
    expect((await cli('tenant', 'create', 'x', '--edition', 'gold')).stderr).toContain('--edition must be one of');

    const refused = await cli('tenant', 'opt-in', 'acme', '--by', 'admin@acme.example');
    expect(refused.exitCode).toBe(1);
    expect(refused.stderr).toContain('not a licensed global admin');

    const users = path.join(dir, 'users.json');
    const roles = path.join(dir, 'roles.json');
    await writeFile(users, JSON.stringify({ '@odata.context': 'https://graph.microsoft.com/v1.0/$metadata#users', value: [
      { id: 'u1', userPrincipalName: 'admin@acme.example', userType: 'Member', accountEnabled: true, assignedLicenses: [{ skuId: 'e5', disabledPlans: [] }] },
    ] }));
    await writeFile(roles, JSON.stringify({ value: [{ id: 'r1', displayName: 'Global Administrator', roleTemplateId: GLOBAL_ADMIN_ROLE_TEMPLATE_ID, members: [{ id: 'u1' }] }] }));
    const imported = await cli('--json', 'directory', 'import', '--tenant', 'acme', users, roles);
    expect(imported.exitCode).toBe(0);
    expect(JSON.parse(imported.stdout)).toEqual({ tenant: 'acme', detected: ['graph:users', 'graph:roles'], users: 1, groups: 0, applications: 0, roles: 1 });

    const bad = path.join(dir, 'bad.json');
    await writeFile(bad, '{"value":[{"id":"u9"}]}');
    const badImport = await cli('directory', 'import', '--tenant', 'acme', bad);
    expect(badImport.exitCode).toBe(1);
    expect(badImport.stderr).toContain('nothing imported');
    const cut = path.join(dir, 'cut.json');
    await writeFile(cut, '{"users": [\n  {"id": "u1"},\n  {"id": "u2"');
    const cutImport = await cli('directory', 'import', '--tenant', 'acme', cut);
    expect([cutImport.exitCode, cutImport.stderr.trim()]).toEqual([1, `authlens: ${cut}: not valid JSON at line 3, column 14: unexpected end of input inside an object`]);

    const opted = await cli('tenant', 'opt-in', 'acme', '--by', 'ADMIN@acme.example');
    expect(opted.exitCode).toBe(0);
    expect(opted.stdout).toContain('reporting enabled for acme');

    const key = await cli('--json', 'keys', 'create', '--tenant', 'acme', '--role', 'reports-reader');
    expect(key.exitCode).toBe(0);
    const k = JSON.parse(key.stdout) as Record<string, string>;
    expect(Object.keys(k)).toEqual(['key', 'id', 'role', 'tenant']);
    expect(k).toMatchObject({ role: 'reports-reader', tenant: 'acme' });
    expect(k.key).toMatch(/^al_[0-9a-f]{16}_/);
    expect((await cli('keys', 'create', '--tenant', 'nope', '--role', 'global-admin')).stderr).toContain("tenant 'nope' does not exist");

    const listed = await cli('--json', 'keys', 'list', '--tenant', 'acme');
    expect(listed.stdout).not.toContain(k.key ?? 'x');
    expect((JSON.parse(listed.stdout) as Array<{ id: string }>).map((x) => x.id)).toEqual([k.id]);
    expect((await cli('keys', 'revoke', '--tenant', 'acme', k.id ?? '')).exitCode).toBe(0);
    expect((await cli('keys', 'revoke', '--tenant', 'other', k.id ?? '')).exitCode).toBe(1);
    const after = JSON.parse((await cli('--json', 'keys', 'list', '--tenant', 'acme')).stdout) as Array<{ revokedAt?: string }>;
    expect(after[0]?.revokedAt).toBeDefined();

    const list = await cli('--json', 'tenant', 'list');
    expect((JSON.parse(list.stdout) as Array<{ id: string; optedInBy?: string }>).find((x) => x.id === 'acme')?.optedInBy).toBe('admin@acme.example');
  }, 60_000);

  it('portal-users set creates a user or resets a password, list shows who can sign in', async () => {
    expect((await cli('tenant', 'create', 'initech')).exitCode).toBe(0);
    expect((await cli('portal-users', 'list', '--tenant', 'initech')).stdout).toContain('no portal users in initech');
    const made = await cli('--json', 'portal-users', 'set', '--tenant', 'initech', '--upn', 'peter@initech.example');
    expect(made.exitCode).toBe(0);
    const first = JSON.parse(made.stdout) as { upn: string; role: string; created: boolean; oneTimePassword: string };
    expect(first).toMatchObject({ upn: 'peter@initech.example', role: 'global-admin', created: true });
    const reset = JSON.parse((await cli('--json', 'portal-users', 'set', '--tenant', 'initech', '--upn', 'PETER@initech.example', '--role', 'reports-reader')).stdout) as typeof first;
    expect(reset).toMatchObject({ upn: 'peter@initech.example', role: 'reports-reader', created: false });
    expect(reset.oneTimePassword).not.toBe(first.oneTimePassword);
    const listed = JSON.parse((await cli('--json', 'portal-users', 'list', '--tenant', 'initech')).stdout) as unknown[];
    expect(listed).toEqual([{ upn: 'peter@initech.example', role: 'reports-reader', createdAt: expect.any(String), mustChangePassword: true }]);
    expect(JSON.stringify(listed)).not.toContain('scrypt');
    expect((await cli('portal-users', 'set', '--tenant', 'nope', '--upn', 'a@b')).stderr).toContain("tenant 'nope' does not exist");
    expect((await cli('portal-users', 'set', '--tenant', 'initech', '--upn', 'a@b', '--role', 'owner')).stderr).toContain('--role must be one of');
    // Other tenants' users stay out of the list.
    expect((await cli('--json', 'portal-users', 'list', '--tenant', 'acme')).stdout).not.toContain('peter@');
  });
});
