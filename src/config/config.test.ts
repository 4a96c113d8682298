import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('reads the environment, lets overrides win and resolves the data dir', () => {
    const c = loadConfig({ port: 9000 }, { AUTHLENS_PORT: '8081', AUTHLENS_DATA_DIR: 'rel/dir', AUTHLENS_ADMIN_PASSWORD: 'twelve chars' });
    expect(c.port).toBe(9000);
    expect(c.dataDir).toBe(path.resolve('rel/dir'));
    expect(c.adminPassword).toBe('twelve chars');
    expect(loadConfig({}, {}).adminPassword).toBeUndefined();
  });

  it.each([
    [{ AUTHLENS_ADMIN_PASSWORD: 'short' }, 'AUTHLENS_ADMIN_PASSWORD needs at least 12 characters'],
    [{ AUTHLENS_PORT: '-1' }, 'AUTHLENS_PORT must be a non-negative integer, got "-1"'],
    [{ AUTHLENS_TLS_CERT: 'c.pem' }, 'AUTHLENS_TLS_CERT and AUTHLENS_TLS_KEY go together'],
    [{ AUTHLENS_SMTP_URL: 'http://x' }, 'AUTHLENS_SMTP_URL must look like smtp://user:pass@host:port or smtps://user:pass@host:port'],
  ])('refuses %j with a message naming the variable', (env, message) => {
    expect(() => loadConfig({}, env)).toThrow(message);
  });
});
