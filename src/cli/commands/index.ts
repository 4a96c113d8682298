import type { Command } from 'commander';
import type { CommandContext } from '../command-context.ts';
import { register as start } from './start.ts';
import { register as tenant } from './tenant.ts';
import { register as directory } from './directory.ts';
import { register as ingest } from './ingest.ts';
import { register as lists } from './lists.ts';
import { register as leaks } from './leaks.ts';
import { register as reports } from './reports.ts';
import { register as report } from './report.ts';
import { register as backtest } from './backtest.ts';
import { register as incidents } from './incidents.ts';
import { register as simulate } from './simulate.ts';
import { register as keys } from './keys.ts';
import { register as portalUsers } from './portal-users.ts';

/** Every command, in the order `authlens --help` lists them. */
export const COMMANDS: ReadonlyArray<(program: Command, ctx: CommandContext) => void> = [
  start,
  tenant,
  directory,
  ingest,
  lists,
  leaks,
  reports,
  report,
  backtest,
  incidents,
  simulate,
  keys,
  portalUsers,
];
