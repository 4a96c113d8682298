import { describe, it, expect } from 'vitest';
import { createCidrSet } from './cidr-set.ts';
import { parseIpList } from './formats.ts';
import { createIpListRegistry } from './registry.ts';

const set = (...cidrs: string[]) => createCidrSet(parseIpList(cidrs.join('\n')).ranges);

describe('IpListRegistry', () => {
  it('a tenant sees global lists and its own, never another tenant\'s', () => {
    const r = createIpListRegistry();
    r.replace({ scope: 'global', name: 'tor', category: 'anonymizer', set: set('1.1.1.1') });
    r.replace({ scope: { tenant: 'acme' }, name: 'corp', category: 'trusted', set: set('1.1.1.0/24', '2001:db8::/32') });
    r.replace({ scope: { tenant: 'globex' }, name: 'bad', category: 'malicious', set: set('1.1.1.1') });
    expect(r.lookup('acme', '1.1.1.1')).toEqual([
      { list: 'tor', category: 'anonymizer' },
      { list: 'corp', category: 'trusted' },
    ]);
    expect(r.lookup('globex', '1.1.1.1')).toEqual([
      { list: 'tor', category: 'anonymizer' },
      { list: 'bad', category: 'malicious' },
    ]);
    expect(r.lookup('initech', '1.1.1.1')).toEqual([{ list: 'tor', category: 'anonymizer' }]);
    expect(r.lookup('globex', '2001:db8::1')).toEqual([]);
    expect(r.lookup('acme', '2001:db8::1')).toEqual([{ list: 'corp', category: 'trusted' }]);
  });

  it('a tenant called "global" does not see or shadow the global scope', () => {
    const r = createIpListRegistry();
    r.replace({ scope: { tenant: 'global' }, name: 'x', category: 'malicious', set: set('9.9.9.9') });
    expect(r.lookup('other', '9.9.9.9')).toEqual([]);
    expect(r.lookup('global', '9.9.9.9')).toEqual([{ list: 'x', category: 'malicious' }]);
  });

  it('replace swaps a list by (scope, name); remove drops it', () => {
    const r = createIpListRegistry();
    r.replace({ scope: 'global', name: 'l', category: 'botnet', set: set('5.5.5.5') });
    r.replace({ scope: 'global', name: 'l', category: 'malicious', set: set('6.6.6.6') });
    expect(r.lists()).toHaveLength(1);
    expect(r.lookup('t', '5.5.5.5')).toEqual([]);
    expect(r.lookup('t', '6.6.6.6')).toEqual([{ list: 'l', category: 'malicious' }]);
    expect(r.remove('global', 'l')).toBe(true);
    expect(r.remove('global', 'l')).toBe(false);
    expect(r.lookup('t', '6.6.6.6')).toEqual([]);
  });

  it('invalid IPs match nothing', () => {
    const r = createIpListRegistry();
    r.replace({ scope: 'global', name: 'all', category: 'malicious', set: set('0.0.0.0/0', '::/0') });
    expect(r.lookup('t', 'not-an-ip')).toEqual([]);
  });
});
