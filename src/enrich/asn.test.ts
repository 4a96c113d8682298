import { describe, it, expect, beforeAll } from 'vitest';
import { createAsnTable, lookupAsnText, sharedAsnTable, type AsnTable } from './asn.ts';

describe('bundled ASN table', () => {
  let table: AsnTable;
  beforeAll(async () => {
    table = await sharedAsnTable();
  });

  it('holds the shipped ranges of both families', () => {
    expect(table.v4Ranges).toBeGreaterThan(300_000);
    expect(table.v6Ranges).toBeGreaterThan(50_000);
  });

  it.each([
    ['1.1.1.1', 13335, 'Cloudflare, Inc.'],
    ['1.0.0.1', 13335, 'Cloudflare, Inc.'],
    ['8.8.8.8', 15169, 'Google LLC'],
    ['2606:4700:4700::1111', 13335, 'Cloudflare, Inc.'],
    ['2001:4860:4860::8888', 15169, 'Google LLC'],
    ['::ffff:1.1.1.1', 13335, 'Cloudflare, Inc.'],
  ])('%s -> AS%i %s', (ip, asn, org) => {
    expect(lookupAsnText(table, ip)).toEqual({ asn, org });
  });

  it.each(['10.0.0.1', '192.168.1.1', '255.255.255.255', 'fe80::1', 'nonsense'])('%s has no ASN', (ip) => {
    expect(lookupAsnText(table, ip)).toBeUndefined();
  });
});

describe('createAsnTable', () => {
  const table = createAsnTable(
    {
      starts: Uint32Array.from([10, 20, 40]),
      ends: Uint32Array.from([15, 30, 40]),
      asns: Uint32Array.from([1, 2, 3]),
      orgIds: Uint32Array.from([0, 1, 0]),
    },
    {
      startHi: BigUint64Array.from([1n, 2n]),
      startLo: BigUint64Array.from([5n, 0n]),
      endHi: BigUint64Array.from([1n, 3n]),
      endLo: BigUint64Array.from([9n, 0n]),
      asns: Uint32Array.from([7, 8]),
      orgIds: Uint32Array.from([1, 0]),
    },
    ['A', 'B'],
  );
  it.each([
    [9, undefined],
    [10, 1],
    [15, 1],
    [16, undefined],
    [20, 2],
    [30, 2],
    [31, undefined],
    [40, 3],
    [41, undefined],
  ])('IPv4 boundary %i -> %s', (v4, asn) => {
    expect(table.lookup({ version: 4, v4 })?.asn).toBe(asn);
  });
  it.each([
    [1n, 4n, undefined],
    [1n, 5n, 7],
    [1n, 9n, 7],
    [1n, 10n, undefined],
    [2n, 123n, 8],
    [3n, 0n, 8],
    [3n, 1n, undefined],
  ])('IPv6 boundary %s:%s -> %s', (hi, lo, asn) => {
    expect(table.lookup({ version: 6, hi, lo })?.asn).toBe(asn);
  });
});
