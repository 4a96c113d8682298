import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { describe, expect, it, onTestFinished, vi } from 'vitest';
import { CliError } from '../cli-error.ts';
import { register } from './simulate.ts';

function program(): Command {
  const p = new Command('authlens').option('--data-dir <dir>', '', './data').option('--json', '', false).exitOverride();
  register(p);
  return p;
}

describe('authlens simulate', () => {
  it('writes the documented files and prints the manifest with --json', async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'authlens-sim-cli-'));
    onTestFinished(() => fs.rmSync(out, { recursive: true, force: true }));
    const log = vi.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      await program().parseAsync(['--json', 'simulate', '--out', out, '--users', '60', '--days', '7', '--seed', '9', '--end', '2026-11-27T00:00:00Z'], { from: 'user' });
      const printed = JSON.parse(String(log.mock.calls[0]?.[0])) as { seed: number; range: { end: string }; counts: { events: number } };
      expect(printed.seed).toBe(9);
      expect(printed.range.end).toBe('2026-11-27T00:00:00.000Z');
      expect(printed.counts.events).toBeGreaterThan(0);
      for (const f of ['directory.json', 'events.ndjson', 'labels.ndjson', 'confounders.ndjson', 'leaks.csv', 'manifest.json', 'lists/demo-tor-exits.txt', 'lists/demo-botnet.txt', 'lists/corporate-egress.txt']) {
        expect(fs.existsSync(path.join(out, f)), f).toBe(true);
      }
    } finally {
      log.mockRestore();
    }
  });

  it.each([
    [['--users', 'many'], /--users must be a whole number/],
    [['--users', '5'], /users must be an integer from 50/],
    [['--days', '400'], /days must be an integer from 7 to 90/],
    [['--end', 'yesterday-ish'], /--end must be an ISO-8601 time/],
  ])('refuses %j with a one-line error', async (args, message) => {
    const err = await program()
      .parseAsync(['simulate', '--out', os.tmpdir(), ...args], { from: 'user' })
      .then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(CliError);
    expect((err as CliError).message).toMatch(message);
  });
});
