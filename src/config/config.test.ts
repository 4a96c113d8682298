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
    [{}, { enabled: false, windowMs: 86_400_000, maxIps: 50_000 }],
    [{ AUTHLENS_SHARED_IP_REPUTATION: '0' }, { enabled: false, windowMs: 86_400_000, maxIps: 50_000 }],
    [{ AUTHLENS_SHARED_IP_REPUTATION: '1' }, { enabled: true, windowMs: 86_400_000, maxIps: 50_000 }],
    [
      { AUTHLENS_SHARED_IP_REPUTATION: '1', AUTHLENS_SHARED_IP_REPUTATION_HOURS: '6', AUTHLENS_SHARED_IP_REPUTATION_MAX_IPS: '1000' },
      { enabled: true, windowMs: 6 * 3_600_000, maxIps: 1000 },
    ],
  ])('shared IP reputation is off unless the operator sets it: %j', (env, expected) => {
    expect(loadConfig({}, env).sharedIpReputation).toEqual(expected);
  });

  it.each([
    [{ AUTHLENS_ADMIN_PASSWORD: 'short' }, 'AUTHLENS_ADMIN_PASSWORD needs at least 12 characters'],
    [{ AUTHLENS_PORT: '-1' }, 'AUTHLENS_PORT must be a non-negative integer, got "-1"'],
    [{ AUTHLENS_TLS_CERT: 'c.pem' }, 'AUTHLENS_TLS_CERT and AUTHLENS_TLS_KEY go together'],
    [{ AUTHLENS_SMTP_URL: 'http://x' }, 'AUTHLENS_SMTP_URL must look like smtp://user:pass@host:port or smtps://user:pass@host:port'],
    [{ AUTHLENS_SHARED_IP_REPUTATION: 'true' }, 'AUTHLENS_SHARED_IP_REPUTATION must be 1 (on) or 0 (off), got "true"'],
    [{ AUTHLENS_SHARED_IP_REPUTATION: '1', AUTHLENS_SHARED_IP_REPUTATION_HOURS: '0' }, 'AUTHLENS_SHARED_IP_REPUTATION_HOURS must be between 1 and 720, got "0"'],
    [{ AUTHLENS_SHARED_IP_REPUTATION_MAX_IPS: '0' }, 'AUTHLENS_SHARED_IP_REPUTATION_MAX_IPS must be at least 1'],
  ])('refuses %j with a message naming the variable', (env, message) => {
    expect(() => loadConfig({}, env)).toThrow(message);
  });
});
