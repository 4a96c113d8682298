import { describe, expect, it, vi } from 'vitest';
import type { Command } from 'commander';
import { buildProgram, runCliCaptured } from './main.ts';

// The composition root loads GeoIP and ASN data at import; help never needs them.
vi.mock('../app.ts', () => ({}));

/** Every command path of the program: [], ['tenant'], ['tenant', 'create'], ... */
function commandPaths(cmd: Command, prefix: readonly string[] = []): string[][] {
  return [[...prefix], ...cmd.commands.filter((c) => c.name() !== 'help').flatMap((c) => commandPaths(c, [...prefix, c.name()]))];
}

describe('authlens --help', () => {
  // Captured runs wrap to 80 columns, as commander does for a terminal of that width.
  it.each(commandPaths(buildProgram()).map((p) => [p.join(' ') || '(program)', p] as const))('%s --help fits an 80-column terminal', async (_name, argv) => {
    const r = await runCliCaptured([...argv, '--help']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout.split('\n').filter((l) => l.length > 80)).toEqual([]);
  });
});
