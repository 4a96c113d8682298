import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadOrCreateSecret, openSecret, sealSecret } from './secrets.ts';

const KEY = new Uint8Array(32).fill(7);
const OTHER = new Uint8Array(32).fill(8);

describe('sealed secrets', () => {
  it('opens what it sealed, under the same key and context only', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.string({ minLength: 1, maxLength: 40 }), (plain, ctx) => {
        const sealed = sealSecret(KEY, plain, ctx);
        expect(openSecret(KEY, sealed, ctx)).toBe(plain);
        expect(openSecret(OTHER, sealed, ctx)).toBeUndefined();
        expect(openSecret(KEY, sealed, `${ctx}x`)).toBeUndefined();
      }),
      { numRuns: 200 },
    );
  });

  it('refuses altered and malformed values', () => {
    const sealed = sealSecret(KEY, 'okta-api-token', 't1');
    expect(sealed).not.toContain('okta');
    // Change the second-to-last character (its 6 bits all count, unlike the last one's) to another one, whatever it was.
    const at = sealed.length - 2;
    const flipped = sealed.slice(0, at) + (sealed[at] === 'A' ? 'B' : 'A') + sealed.slice(at + 1);
    expect(flipped).not.toBe(sealed);
    expect(openSecret(KEY, flipped, 't1')).toBeUndefined();
    for (const bad of ['', 'v1..', 'v2.AAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAAAA', 'plain text']) expect(openSecret(KEY, bad, 't1')).toBeUndefined();
    // A fresh IV each time: the same secret never seals to the same text.
    expect(sealSecret(KEY, 'x', 't1')).not.toBe(sealSecret(KEY, 'x', 't1'));
  });

  it('keeps its key file in the data dir, readable by the owner only', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'authlens-secrets-'));
    try {
      const a = await loadOrCreateSecret(dir, 'connector.key');
      expect(await loadOrCreateSecret(dir, 'connector.key')).toEqual(a);
      expect((await stat(path.join(dir, 'connector.key'))).mode & 0o777).toBe(0o600);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
