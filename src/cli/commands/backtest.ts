/**
 * `authlens backtest DETECTOR --tenant ID [--set key=value ...] [--interval 30d]`:
 * runs one detector with other parameters over stored history and prints
 * added / removed / unchanged versus the live detections, with examples.
 * Writes nothing.
 */
import type { Command } from 'commander';
import { DETECTOR_IDS, type Detection, type DetectorId } from '../../schema/detections.ts';
import { backtest } from '../../detect/backtest.ts';
import { describeSettingsErrors, type TenantDetectorSettings } from '../../detect/engine/settings.ts';
import { CliError } from '../cli-error.ts';
import { globalOptions } from '../global-options.ts';
import { withRuntime } from '../runtime.ts';
import { cliIo } from '../io.ts';

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseInterval(text: string): number | undefined {
  const m = /^(\d{1,4})([mhd])$/.exec(text.trim());
  if (m === null || m[1] === undefined || m[2] === undefined) return undefined;
  const n = Number(m[1]) * (UNIT_MS[m[2]] ?? 0);
  return n > 0 ? n : undefined;
}

const EXAMPLES = 5;

function line(d: Detection): string {
  return `  ${d.detectedDateTime}  ${d.severity.padEnd(6)}  ${d.userPrincipalName ?? '-'}  ${d.ipAddress ?? '-'}  ${d.signInId ?? ''}`;
}

export function register(program: Command): void {
  program
    .command('backtest')
    .description('run a detector with other parameters over stored history and compare with live detections (writes nothing)')
    .argument('<detector>', `detector id: ${DETECTOR_IDS.join(', ')}`)
    .requiredOption('--tenant <id>', 'tenant')
    .option('--set <key=value>', 'parameter override (repeatable); also logOnly=true|false', (v: string, prev: string[]) => [...prev, v], [] as string[])
    .option('--interval <span>', 'how far back: e.g. 24h, 7d, 30d', '30d')
    .action(async (detectorArg: string, opts: { tenant: string; set: string[]; interval: string }, cmd: Command) => {
      const g = globalOptions(cmd);
      const io = cliIo();
      const detector = DETECTOR_IDS.find((d) => d === detectorArg) as DetectorId | undefined;
      if (detector === undefined) throw new CliError(`unknown detector ${detectorArg}; one of ${DETECTOR_IDS.join(', ')}`);
      const span = parseInterval(opts.interval);
      if (span === undefined) throw new CliError(`--interval must look like 24h, 7d or 30d, got "${opts.interval}"`);
      const result = await withRuntime(g.dataDir, async (rt) => {
        if ((await rt.store.control.getTenant(opts.tenant)) === undefined) throw new CliError(`tenant '${opts.tenant}' does not exist`);
        const to = Date.now();
        const stored = (await rt.detect.settings.getSettings(opts.tenant)) as TenantDetectorSettings;
        return backtest({
          detector,
          stored,
          overrides: opts.set,
          range: { from: new Date(to - span).toISOString(), to: new Date(to + 1).toISOString() },
          latenessMs: rt.config.latenessMs,
          scan: (r) => rt.store.events.scanSignIns(opts.tenant, r),
          live: (r) => rt.store.detections.listDetections(opts.tenant, r),
        });
      });
      if ('errors' in result) {
        throw new CliError(describeSettingsErrors(result.errors));
      }
      if (g.json) {
        io.stdout.write(
          `${JSON.stringify({
            detector: result.detector,
            range: result.range,
            signInsScanned: result.signInsScanned,
            added: result.added.length,
            removed: result.removed.length,
            unchanged: result.unchanged.length,
            examples: { added: result.added.slice(0, EXAMPLES), removed: result.removed.slice(0, EXAMPLES) },
          })}\n`,
        );
        return;
      }
      io.stdout.write(`backtest ${result.detector} ${result.range.from} .. ${result.range.to}: ${result.signInsScanned} sign-ins scanned\n`);
      io.stdout.write(`added ${result.added.length}, removed ${result.removed.length}, unchanged ${result.unchanged.length}\n`);
      for (const [name, list] of [['added', result.added], ['removed', result.removed]] as const) {
        if (list.length === 0) continue;
        io.stdout.write(`${name} (first ${Math.min(EXAMPLES, list.length)}):\n`);
        for (const d of list.slice(0, EXAMPLES)) io.stdout.write(`${line(d)}\n`);
      }
    });
}
