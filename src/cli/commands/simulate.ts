/**
 * `authlens simulate --out DIR [--users N] [--days D] [--seed S] [--end ISO]`:
 * writes the demo directory, a month of traffic and the attack labels
 * (docs/simulator.md).
 */
import { makeOutputDirectory, userPath } from '../input-files.ts';
import type { Command } from 'commander';
import { simulate, validateOptions, writeSimulation } from '../../sim/index.ts';
import { CliError } from '../cli-error.ts';
import { globalOptions } from '../global-options.ts';

interface SimulateFlags {
  out: string;
  users: string;
  days: string;
  seed: string;
  end?: string;
}

function integer(name: string, raw: string): number {
  if (!/^\d+$/.test(raw.trim())) throw new CliError(`--${name} must be a whole number, got "${raw}"`);
  return Number(raw);
}

export function register(program: Command): void {
  program
    .command('simulate')
    .description('write a demo directory, a month of sign-ins and activity, and labelled attacks')
    .requiredOption('--out <dir>', 'output directory (created; files in it are overwritten)')
    .option('--users <n>', 'directory size', '2000')
    .option('--days <d>', 'days of traffic', '30')
    .option('--seed <s>', 'random seed: the same seed gives the same bytes', '1')
    .option('--end <iso>', 'end of the traffic (exclusive), ISO-8601; default now')
    .action((flags: SimulateFlags, cmd: Command) => {
      const { json } = globalOptions(cmd);
      const end = flags.end === undefined ? new Date() : new Date(flags.end);
      if (Number.isNaN(end.getTime())) throw new CliError(`--end must be an ISO-8601 time, got "${flags.end ?? ''}"`);
      const options = {
        users: integer('users', flags.users),
        days: integer('days', flags.days),
        seed: integer('seed', flags.seed),
        end,
      };
      const problem = validateOptions(options);
      if (problem !== undefined) throw new CliError(problem);
      makeOutputDirectory(flags.out);
      const started = performance.now();
      const manifest = writeSimulation(simulate(options), userPath(flags.out));
      const seconds = (performance.now() - started) / 1000;
      if (json) {
        console.log(JSON.stringify(manifest));
        return;
      }
      const c = manifest.counts;
      console.log(`wrote ${userPath(flags.out)} in ${seconds.toFixed(1)} s`);
      console.log(`  range       ${manifest.range.start} .. ${manifest.range.end}`);
      console.log(`  directory   ${c.directory.users} users, ${c.directory.groups} groups, ${c.directory.applications} apps, ${c.directory.roles} roles`);
      console.log(`  events      ${c.events ?? 0} (${Object.entries(c.byKind ?? {}).map(([k, n]) => `${k} ${n}`).join(', ')})`);
      console.log(`  labels      ${c.labels} attack labels, ${c.confounders} confounders, ${c.leaks} leak records`);
    });
}
