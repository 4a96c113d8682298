import { describe, it, expect } from 'vitest';
import { createUserAgentParser, parseUserAgentUncached } from './user-agent.ts';

describe('user agent parsing', () => {
  it.each([
    [
      'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36',
      { os: 'Windows', osVersion: '10', browser: 'Chrome', browserVersion: '120.0.0.0', deviceType: 'desktop' },
    ],
    [
      'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1',
      { os: 'iOS', osVersion: '17.1', browser: 'Mobile Safari', browserVersion: '17.1', deviceType: 'mobile' },
    ],
    [
      'Mozilla/5.0 (iPad; CPU OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/16.6 Mobile/15E148 Safari/604.1',
      { os: 'iOS', osVersion: '16.6', browser: 'Mobile Safari', browserVersion: '16.6', deviceType: 'tablet' },
    ],
    [
      'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0',
      { os: 'Linux', browser: 'Firefox', browserVersion: '121.0', deviceType: 'desktop' },
    ],
    [
      'Mozilla/5.0 (PlayStation 5 3.11) AppleWebKit/605.1.15 (KHTML, like Gecko)',
      { os: 'PlayStation', osVersion: '5', browser: 'WebKit', browserVersion: '605.1.15', deviceType: 'other' },
    ],
    ['', { deviceType: 'unknown' }],
    ['python-requests/2.31.0', { deviceType: 'unknown' }],
  ])('%s', (ua, expected) => {
    expect(createUserAgentParser().parse(ua)).toEqual(expected);
  });

  it('absent user agent is unknown', () => {
    expect(createUserAgentParser().parse(undefined)).toEqual({ deviceType: 'unknown' });
  });

  it('caches: the same string returns the same frozen object', () => {
    const p = createUserAgentParser(2);
    const ua = 'Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0';
    const a = p.parse(ua);
    expect(p.parse(ua)).toBe(a);
    expect(Object.isFrozen(a)).toBe(true);
    expect(a).toEqual(parseUserAgentUncached(ua));
  });
});
