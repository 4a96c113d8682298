import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { detectFormat, parseIpList } from './formats.ts';
import { v4Cidr, v6Cidr } from './test-arbitraries.ts';

const lines = (...l: string[]) => `${l.join('\n')}\n`;

describe('format detection', () => {
  it.each([
    ['plain', lines('1.2.3.4', '5.6.7.0/24'), ''],
    ['plain', lines('# Tor bulk exit list', '1.2.3.4', '2001:db8::1'), ''],
    ['firehol', lines('#', '# feodo', '#', '# ipv4 hash:ip ipset', '#', '1.2.3.4'), ''],
    ['firehol', lines('1.2.3.0/24'), 'https://example.test/firehol_level1.netset'],
    ['spamhaus-drop', lines('; Spamhaus DROP List 2024/01/01', '1.10.16.0/20 ; SBL256894', '1.19.0.0/16 ; SBL434604'), ''],
    ['spamhaus-drop-json', lines('{"cidr":"1.10.16.0/20","sblid":"SBL256894","rir":"apnic"}', '{"type":"metadata","timestamp":1700000000,"size":2,"records":1}'), ''],
    ['tor-exit-addresses', lines('ExitNode 0011BD2485AD45D984EC4159C88FC066E5E3300E', 'Published 2024-02-26 12:00:00', 'ExitAddress 162.247.74.201 2024-02-26 12:05:00'), ''],
    ['feodo-csv', lines('# abuse.ch', '# "first_seen_utc","dst_ip","dst_port","c2_status","last_online","malware"', '"2021-01-17 07:30:05","67.213.75.205","443","online","2024-01-01","Heodo"'), ''],
    ['ipsum', lines('# IPsum', '1.2.3.4\t10', '5.6.7.8\t3'), ''],
  ] as const)('%s', (format, text, name) => {
    expect(detectFormat(text.split('\n'), name)).toBe(format);
    expect(parseIpList(text, { sourceName: name }).format).toBe(format);
  });
});

describe('parsers', () => {
  it('plain: comments, blank lines, CRLF, BOM, IPv6, and bad lines with numbers and reasons', () => {
    const p = parseIpList('\uFEFF# header\r\n1.2.3.4\r\n\r\n10.0.0.0/8 # inline\r\n; semi\r\n2001:DB8::/32\r\nbogus\r\n1.2.3.0/33\r\n1.2.3.4 5.6.7.8\r\n');
    expect([p.format, p.v4, p.v6]).toEqual(['plain', 2, 1]);
    expect(p.rejected).toEqual([
      { line: 7, reason: 'not an IP address: bogus' },
      { line: 8, reason: 'bad prefix length /33 for IPv4' },
      { line: 9, reason: 'unexpected text after address: 1.2.3.4 5.6.7.8' },
    ]);
    expect(p.rejectedCount).toBe(3);
  });

  it('spamhaus DROP text keeps the CIDR and drops the SBL reference', () => {
    const p = parseIpList(lines('; Last-Modified: x', '1.10.16.0/20 ; SBL256894', '2a06:e480::/29 ; SBL301771'));
    expect(p.ranges).toEqual([
      { version: 4, start: 17436672, end: 17436672 + 4095 },
      { version: 6, start: 0x2a06e480n << 96n, end: (0x2a06e480n << 96n) | ((1n << 99n) - 1n) },
    ]);
  });

  it('spamhaus JSON lines: metadata skipped, malformed lines rejected', () => {
    const p = parseIpList(lines('{"cidr":"1.10.16.0/20","sblid":"SBL1"}', '{"sblid":"SBL2"}', '{oops', '{"type":"metadata","records":3}'), {
      format: 'spamhaus-drop-json',
    });
    expect([p.v4, p.skipped]).toEqual([1, 1]);
    expect(p.rejected).toEqual([
      { line: 2, reason: 'missing field cidr' },
      { line: 3, reason: 'not a JSON object' },
    ]);
  });

  it('tor exit-addresses: only ExitAddress lines count', () => {
    const p = parseIpList(lines('ExitNode AAAA', 'Published 2024-02-26 12:00:00', 'LastStatus 2024-02-26 13:00:00', 'ExitAddress 162.247.74.201 2024-02-26 12:05:00', 'ExitAddress 2001:db8::5 2024-02-26 12:05:00', 'ExitAddress 999.1.1.1 x'));
    expect([p.format, p.v4, p.v6]).toEqual(['tor-exit-addresses', 1, 1]);
    expect(p.rejected).toEqual([{ line: 6, reason: 'not an IP address: 999.1.1.1' }]);
  });

  it('feodo CSV: finds dst_ip by header, quoted or not', () => {
    const p = parseIpList(lines('# x', 'first_seen_utc,port,dst_ip', '2021-01-17 07:30:05,443,67.213.75.205', '2021-01-17 07:30:05,443,'));
    expect([p.format, p.v4]).toEqual(['feodo-csv', 1]);
    expect(p.ranges[0]).toEqual({ version: 4, start: 1138052045, end: 1138052045 });
    expect(p.rejected).toEqual([{ line: 4, reason: 'no dst_ip in column 3' }]);
  });

  it('ipsum: min count filters, bad counts rejected', () => {
    const text = lines('# IP\tnumber', '1.1.1.1\t10', '2.2.2.2\t3', '3.3.3.3\tx');
    expect(parseIpList(text, { format: 'ipsum' }).v4).toBe(2);
    const p = parseIpList(text, { format: 'ipsum', minCount: 5 });
    expect([p.v4, p.skipped]).toEqual([1, 1]);
    expect(p.rejected).toEqual([{ line: 4, reason: 'count is not a number: x' }]);
  });

  it('keeps only the first 1000 rejected lines but counts all', () => {
    const p = parseIpList(Array.from({ length: 1500 }, (_, i) => `bad${i}`).join('\n'));
    expect([p.rejected.length, p.rejectedCount]).toEqual([1000, 1500]);
  });
});

describe('parser properties', () => {
  it('any mix of valid CIDRs, comments and junk: valid ones accepted, junk rejected at its line, never a throw', () => {
    const junk = fc.stringMatching(/^[g-z!@$%^&*]{1,12}$/);
    const item = fc.oneof(
      v4Cidr.map((c) => ({ kind: 'v4' as const, line: c.text })),
      v6Cidr.map((c) => ({ kind: 'v6' as const, line: c.text })),
      fc.string({ maxLength: 20 }).map((s) => ({ kind: 'comment' as const, line: `# ${s.replace(/[\r\n]/g, ' ')}` })),
      junk.map((s) => ({ kind: 'junk' as const, line: s })),
    );
    fc.assert(
      fc.property(fc.array(item, { maxLength: 60 }), (items) => {
        const p = parseIpList(items.map((i) => i.line).join('\n'), { format: 'plain' });
        expect(p.v4).toBe(items.filter((i) => i.kind === 'v4').length);
        expect(p.v6).toBe(items.filter((i) => i.kind === 'v6').length);
        expect(p.rejected.map((r) => r.line)).toEqual(items.flatMap((i, n) => (i.kind === 'junk' ? [n + 1] : [])));
      }),
    );
  });

  it('arbitrary text never throws in any format and line numbers stay in range', () => {
    const formats = ['plain', 'firehol', 'spamhaus-drop', 'spamhaus-drop-json', 'tor-exit-addresses', 'feodo-csv', 'ipsum'] as const;
    fc.assert(
      fc.property(fc.string({ maxLength: 400 }), fc.constantFrom(undefined, ...formats), (text, format) => {
        const p = parseIpList(text, format === undefined ? {} : { format });
        const count = text.split(/\r?\n/).length;
        for (const r of p.rejected) expect(r.line >= 1 && r.line <= count).toBe(true);
        expect(p.ranges.length).toBe(p.v4 + p.v6);
      }),
    );
  });
});
