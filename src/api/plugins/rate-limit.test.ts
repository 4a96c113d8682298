import { describe, it, expect } from 'vitest';
import { createRateLimiter } from './rate-limit.ts';

describe('createRateLimiter', () => {
  it('allows a burst of capacity, then refuses with a retry time, then refills', () => {
    let t = 0;
    const rl = createRateLimiter({ capacity: 3, refillPerSecond: 0.5 }, () => t);
    expect([rl.take('a'), rl.take('a'), rl.take('a')].every((r) => r.ok)).toBe(true);
    expect(rl.take('a')).toEqual({ ok: false, retryAfterSeconds: 2 });
    expect(rl.take('b').ok).toBe(true);
    t = 2000;
    expect(rl.take('a').ok).toBe(true);
    expect(rl.take('a').ok).toBe(false);
  });

  it('bounds memory by evicting the least recently used key', () => {
    let t = 0;
    const rl = createRateLimiter({ capacity: 1, refillPerSecond: 0 }, () => t, 2);
    expect(rl.take('a').ok).toBe(true);
    expect(rl.take('b').ok).toBe(true);
    expect(rl.take('c').ok).toBe(true); // evicts 'a'
    t = 1;
    expect(rl.take('a').ok).toBe(true);
    expect(rl.take('c').ok).toBe(false);
  });
});
