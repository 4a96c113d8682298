import { describe, expect, it } from 'vitest';
import { DataDirLockedError, lockHolderPid } from './errors.ts';

describe('lock errors', () => {
  it.each([
    ['IO Error: Could not set lock on file "/d/authlens.duckdb": Conflicting lock is held in /usr/bin/node (PID 8211). See also https://duckdb.org/docs/stable/connect/concurrency', 8211],
    ['IO Error: Could not set lock on file "/d/authlens.duckdb": Resource temporarily unavailable', undefined],
    ['IO Error: Cannot open file "/d/authlens.duckdb": Permission denied', null],
    ['Catalog Error: Table with name x does not exist!', null],
  ])('reads the holder from %j', (message, pid) => {
    expect(lockHolderPid(message)).toBe(pid);
  });

  it('names the directory, and the pid only when known', () => {
    expect(new DataDirLockedError('/srv/data', 42).message).toBe(
      'the data directory /srv/data is in use by another authlens process (pid 42); stop it, use its API, or pass another --data-dir',
    );
    const unknown = new DataDirLockedError('/srv/data', undefined);
    expect(unknown.message).not.toContain('pid');
    expect(unknown.name).toBe('DataDirLockedError');
    expect(unknown).toBeInstanceOf(Error);
  });
});
