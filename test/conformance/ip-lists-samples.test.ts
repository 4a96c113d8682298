/**
 * Every real IP list in ../shared/samples/ip-intel loads with the expected
 * format and exact counts, and known members and non-members answer right.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it, expect } from 'vitest';
import { parseIpList, type IpListFormat } from '../../src/enrich/ip-lists/formats.ts';
import { createCidrSet } from '../../src/enrich/ip-lists/cidr-set.ts';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const samples = path.resolve(repoRoot, '../shared/samples/ip-intel');
const read = (rel: string): string => readFileSync(path.join(samples, rel), 'utf8');

interface Case {
  readonly file: string;
  readonly format: IpListFormat;
  readonly v4: number;
  readonly v6: number;
  readonly intervalsV4?: number;
  readonly members: readonly string[];
  readonly nonMembers: readonly string[];
}

const CASES: readonly Case[] = [
  {
    file: 'secops-institute-tor/tor-exit-nodes.lst',
    format: 'plain',
    v4: 1127,
    v6: 619,
    // The list spells IPv6 in full with leading zeros; lookups use any spelling.
    members: ['101.99.92.179', '102.130.113.9', '2001:470:1:908::9001', '2001:620:20d0::19'],
    nonMembers: ['101.99.92.180', '8.8.8.8', '2001:470:1:908::9002'],
  },
  {
    file: 'firehol-blocklist-ipsets/feodo.ipset',
    format: 'firehol',
    v4: 235,
    v6: 0,
    members: ['2.50.11.28', '5.39.222.172'],
    nonMembers: ['2.50.11.29', '1.1.1.1', '2001:db8::1'],
  },
  {
    file: 'firehol-blocklist-ipsets/botscout_1d.ipset',
    format: 'firehol',
    v4: 768,
    v6: 0,
    members: ['1.20.179.83', '1.20.207.131'],
    nonMembers: ['1.20.179.84', '9.9.9.9'],
  },
  {
    file: 'stamparm-ipsum/ipsum_top2000.txt',
    format: 'ipsum',
    v4: 2000,
    v6: 0,
    members: ['77.90.185.20', '2.57.122.53'],
    nonMembers: ['77.90.185.21'],
  },
  {
    file: 'x4bnet-vpn/ipv4.txt',
    format: 'plain',
    v4: 10862,
    v6: 0,
    // The file has 102.129.235.32/31 then .35/32: .34 falls in the gap.
    members: ['2.26.157.0', '2.26.157.255', '2.27.227.255', '102.129.235.33', '102.129.235.35'],
    nonMembers: ['2.26.158.0', '2.26.156.255', '102.129.235.34'],
  },
  ...[3, 4, 5, 6, 7, 8].map(
    (n): Case => ({
      file: `stamparm-ipsum/levels/${n}.txt`,
      format: 'plain',
      v4: { 3: 14217, 4: 5354, 5: 1413, 6: 318, 7: 70, 8: 23 }[n] ?? -1,
      v6: 0,
      members: ['77.90.185.20'],
      nonMembers: ['127.0.0.1'],
    }),
  ),
];

describe('IP list samples', () => {
  it.each(CASES)('$file: detected as $format, $v4 IPv4 + $v6 IPv6 entries, no rejects', (c) => {
    const parsed = parseIpList(read(c.file), { sourceName: c.file });
    expect(parsed.format).toBe(c.format);
    expect(parsed.rejected).toEqual([]);
    expect([parsed.v4, parsed.v6]).toEqual([c.v4, c.v6]);
    const set = createCidrSet(parsed.ranges);
    for (const ip of c.members) expect(set.hasText(ip), ip).toBe(true);
    for (const ip of c.nonMembers) expect(set.hasText(ip), ip).toBe(false);
  });

  it('every entry of every sample is a member of its own set', () => {
    for (const c of CASES) {
      const text = read(c.file);
      const set = createCidrSet(parseIpList(text, { sourceName: c.file }).ranges);
      for (const line of text.split('\n')) {
        const token = line.split(/[\s#]/)[0] ?? '';
        if (token === '') continue;
        expect(set.hasText(token.split('/')[0] ?? ''), `${c.file}: ${token}`).toBe(true);
      }
    }
  });

  // ipsum_top2000 filtered at level N must equal levels/N.txt for every N the top 2000 fully covers.
  it.each([5, 6, 7, 8])('ipsum top2000 with min count %i matches levels/%i.txt exactly', (n) => {
    const top = parseIpList(read('stamparm-ipsum/ipsum_top2000.txt'), { minCount: n });
    const level = parseIpList(read(`stamparm-ipsum/levels/${n}.txt`));
    const ips = (p: typeof top) => p.ranges.map((r) => String(r.start)).sort();
    expect(top.v4).toBe(level.v4);
    expect(top.skipped).toBe(2000 - level.v4);
    expect(ips(top)).toEqual(ips(level));
  });
});
