/**
 * `authlens report ID --tenant ID [--interval 24h|7d|30d | --from ISO --to ISO]
 * [--user UPN] [--format table|json|csv] [--out FILE]` (SPEC 10). The table
 * shows the seed's portal view (the 1000 newest rows and the total); json and
 * csv hold every row, streamed.
 */
import { once } from 'node:events';
import type { Command } from 'commander';
import { findReport, withJsonValues } from '../../reports/catalog.ts';
import { createReportService, type ReportFailure, type ReportRunRequest } from '../../reports/service.ts';
import type { ReportRow } from '../../schema/reports.ts';
import { CliError } from '../cli-error.ts';
import { globalOptions } from '../global-options.ts';
import { cliIo } from '../io.ts';
import { withRuntime } from '../runtime.ts';
import { openOutputFile } from '../input-files.ts';

interface ReportFlags {
  tenant: string;
  interval?: string;
  from?: string;
  to?: string;
  user?: string;
  app?: string;
  category?: string;
  activity?: string;
  initiator?: string;
  target?: string;
  result?: string;
  format?: string;
  out?: string;
}

const FORMATS = ['table', 'json', 'csv'] as const;
type Format = (typeof FORMATS)[number];

function failure(f: ReportFailure, tenant: string): CliError {
  const hint = f.code === 'reportingNotEnabled' ? ` (authlens tenant opt-in ${tenant} --by UPN)` : f.field !== undefined ? ` (--${f.field})` : '';
  return new CliError(`${f.message}${hint}`);
}

/** A plain aligned table; cells are cut at 60 characters so one long value does not wreck it. */
export function renderTable(columns: readonly string[], rows: readonly ReportRow[]): string {
  const text = (v: ReportRow[string] | undefined): string => {
    const s = v === null || v === undefined ? '' : String(v).replace(/[\r\n\t]+/g, ' ');
    return s.length > 60 ? `${s.slice(0, 59)}…` : s;
  };
  const cells = rows.map((r) => columns.map((c) => text(r[c])));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]?.length ?? 0)));
  const line = (vals: readonly string[]): string => vals.map((v, i) => v.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return [line(columns), ...cells.map(line)].join('\n') + '\n';
}

export function register(program: Command): void {
  program
    .command('report')
    .description('run one report (authlens reports lists them)')
    .argument('<id>', 'report id')
    .requiredOption('--tenant <id>', 'tenant')
    .option('--interval <interval>', '24h | 7d | 30d (default 7d)')
    .option('--from <iso>', 'custom range start, within retention')
    .option('--to <iso>', 'custom range end (exclusive; default now)')
    .option('--user <upn>', 'user (required by user-devices and user-activity)')
    .option('--app <name>', 'application filter')
    .option('--category <name>', 'audit category filter')
    .option('--activity <text>', 'activity filter (substring)')
    .option('--initiator <text>', 'initiator filter (substring)')
    .option('--target <text>', 'target filter (substring)')
    .option('--result <value>', 'result / status filter')
    .option('--format <format>', 'table | json | csv (default table; --json means json)')
    .option('--out <file>', 'write to FILE instead of standard output')
    .action(async (id: string, flags: ReportFlags, cmd: Command) => {
      const g = globalOptions(cmd);
      const io = cliIo();
      const format = (flags.format ?? (g.json ? 'json' : 'table')) as Format;
      if (!FORMATS.includes(format)) throw new CliError(`--format must be one of ${FORMATS.join(', ')}`);
      const def = findReport(id);
      if (def === undefined) throw new CliError(`no report '${id}'; authlens reports lists them`);
      const req: ReportRunRequest = {
        tenant: flags.tenant,
        report: id,
        interval: flags.interval,
        from: flags.from,
        to: flags.to,
        filters: {
          user: flags.user,
          app: flags.app,
          category: flags.category,
          activity: flags.activity,
          initiator: flags.initiator,
          target: flags.target,
          result: flags.result,
        },
      };
      await withRuntime(g.dataDir, async (rt) => {
        const queries = rt.store.reports;
        if (queries === undefined) throw new CliError('this store has no report queries');
        const service = createReportService({ queries, control: rt.store.control });
        const file = flags.out === undefined ? undefined : await openOutputFile(flags.out);
        const write = async (chunk: string | Uint8Array): Promise<void> => {
          if (file === undefined) io.stdout.write(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
          else if (!file.stream.write(chunk)) await once(file.stream, 'drain');
        };
        try {
          if (format === 'table') {
            const v = await service.view(req, { portal: true });
            if (!v.ok) throw failure(v, flags.tenant);
            await write(renderTable(def.columns.map((c) => c.name), v.rows));
            io.stderr.write(`${def.title}: ${v.rows.length} of ${v.total} rows, ${v.range.from} to ${v.range.to}${v.truncated ? ' (the newest 1000; --format csv or json for all)' : ''}\n`);
          } else if (format === 'csv') {
            const r = await service.export(req, 'csv');
            if (!r.ok) throw failure(r, flags.tenant);
            for await (const chunk of r.body) await write(chunk);
          } else {
            const p = await service.prepare(req);
            if (!p.ok) throw failure(p, flags.tenant);
            // A JSON array written as rows arrive, so a month of sign-ins never sits in memory.
            let first = true;
            await write('[');
            for await (const batch of queries.stream(p.tenant.id, p.spec)) {
              let text = '';
              for (const row of batch) {
                text += `${first ? '' : ','}\n${JSON.stringify(withJsonValues(def.id, row))}`;
                first = false;
              }
              await write(text);
            }
            await write(first ? ']\n' : '\n]\n');
          }
        } finally {
          await file?.close();
        }
      });
    });
}
