/**
 * Running reports: the gates (report exists, opt-in, edition, filters, range),
 * then the three ways out the seed and SPEC 5 describe: the portal view (1000
 * newest rows with the total), the download (zip of one CSV of the 75,000
 * newest rows) and the API (paged, no cap), plus streaming exports without cap.
 */
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import type { ReportEdition, ReportFilters, ReportId, ReportRow, ReportSection } from '../schema/reports.ts';
import { REPORT_FILTER_NAMES } from '../schema/reports.ts';
import type { Tenant } from '../schema/tenants.ts';
import type { ControlStore, ReportQueries, ReportQuerySpec, TimeRange } from '../store/ports.ts';
import { DEFAULT_NOISE_CLIENTS, findReport, REPORT_CATALOG, withJsonValues, type ReportColumn, type ReportDefinition } from './catalog.ts';
import { lockedMessage, REPORTING_NOT_ENABLED, reportAvailable, reportingEnabled } from './editions.ts';
import { csvChunks, csvChunksFromText, ndjsonChunks, zipOneFile, type CsvOptions } from './export/encode.ts';
import { resolveRange } from './interval.ts';

/** The seed: "Up to 1000 events will be shown". */
export const PORTAL_MAX_ROWS = 1000;
/** The seed: "Up to 75,000 events will be included in the downloaded file". */
export const DOWNLOAD_MAX_ROWS = 75_000;
export const API_DEFAULT_PAGE = 1000;
export const API_MAX_PAGE = 100_000;

export type ReportErrorCode = 'notFound' | 'reportingNotEnabled' | 'editionRequired' | 'invalidRequest';
export interface ReportFailure {
  readonly ok: false;
  readonly code: ReportErrorCode;
  readonly message: string;
  readonly field?: string;
  /** editionRequired: the edition that includes the report. */
  readonly needs?: ReportEdition;
}
export type ReportResult<T> = ({ readonly ok: true } & T) | ReportFailure;

export interface ReportRunRequest {
  readonly tenant: string;
  readonly report: string;
  readonly interval?: string;
  readonly from?: string;
  readonly to?: string;
  readonly filters?: ReportFilters;
}

export interface PreparedReport {
  readonly tenant: Tenant;
  readonly def: ReportDefinition;
  readonly spec: ReportQuerySpec;
}

export interface CatalogEntry {
  readonly id: ReportId;
  readonly section: ReportSection;
  readonly title: string;
  readonly description: string;
  readonly edition: ReportEdition;
  readonly locked: boolean;
  /** When locked: what the report's API answers with (names the edition it needs). */
  readonly lockedMessage?: string;
  readonly filters: readonly string[];
  readonly requiresUser: boolean;
  readonly requiresApp: boolean;
  readonly columns: readonly ReportColumn[];
}

export interface ReportView {
  readonly report: ReportId;
  readonly range: TimeRange;
  readonly total: number;
  readonly offset: number;
  readonly rows: ReportRow[];
  /** More rows exist than were returned (portal: beyond the 1000 cap; API: further pages). */
  readonly truncated: boolean;
}

export interface ReportFile {
  readonly fileName: string;
  readonly contentType: string;
  readonly body: AsyncIterable<Uint8Array>;
}

export interface ReportServiceDeps {
  readonly queries: ReportQueries;
  readonly control: Pick<ControlStore, 'getTenant'>;
  readonly now?: () => Date;
  /** user-activity background-noise clients (default DEFAULT_NOISE_CLIENTS). */
  readonly noiseClients?: readonly string[];
}

export const EXPORT_FORMATS = ['csv', 'ndjson', 'parquet'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

const fail = (code: ReportErrorCode, message: string, extra: Partial<ReportFailure> = {}): ReportFailure => ({
  ok: false,
  code,
  message,
  ...extra,
});

function stamp(iso: string): string {
  return iso.slice(0, 16).replaceAll(':', '').replace('T', '-');
}

export function createReportService(deps: ReportServiceDeps) {
  const now = deps.now ?? (() => new Date());
  const noiseClients = deps.noiseClients ?? DEFAULT_NOISE_CLIENTS;

  async function tenantOf(id: string): Promise<ReportResult<{ tenant: Tenant }>> {
    const tenant = await deps.control.getTenant(id);
    if (tenant === undefined) return fail('notFound', `tenant '${id}' not found`);
    return { ok: true, tenant };
  }

  async function prepare(req: ReportRunRequest): Promise<ReportResult<PreparedReport>> {
    const t = await tenantOf(req.tenant);
    if (!t.ok) return t;
    const def = findReport(req.report);
    if (def === undefined) return fail('notFound', `no report '${req.report}'; authlens reports lists them`);
    if (!reportingEnabled(t.tenant)) return fail('reportingNotEnabled', REPORTING_NOT_ENABLED);
    const avail = reportAvailable(t.tenant, def);
    if (!avail.ok) return fail('editionRequired', lockedMessage(def, avail.needs), { needs: avail.needs });
    const filters: Record<string, string> = {};
    for (const name of REPORT_FILTER_NAMES) {
      const v = req.filters?.[name];
      if (v === undefined || v === '') continue;
      if (!def.filters.includes(name)) {
        return fail('invalidRequest', `the report '${def.id}' takes no '${name}' filter (it takes: ${def.filters.join(', ') || 'none'})`, { field: name });
      }
      filters[name] = v;
    }
    if (def.requiresApp && filters.app === undefined) {
      return fail('invalidRequest', `the report '${def.id}' shows one application over time: give app (its name or id)`, { field: 'app' });
    }
    if (def.requiresUser && filters.user === undefined) {
      return fail('invalidRequest', `the report '${def.id}' is about one user: give user (a UPN)`, { field: 'user' });
    }
    const at = now();
    const range = resolveRange(req, at, t.tenant.retentionDays);
    if (!range.ok) return fail('invalidRequest', range.reason, { field: range.field });
    return {
      ok: true,
      tenant: t.tenant,
      def,
      spec: { report: def.id, range: range.range, filters, noiseClients, now: at.toISOString() },
    };
  }

  /**
   * A report's CSV (BOM, header, rows, optional trailer): the lines made by the
   * store when it offers them for this report (ReportQueries.csvText; 566 ->
   * 383 ms for the 75,000-row audit zip), else each streamed row through
   * csvLine (reports with non-integer numbers: DuckDB and JS print them
   * differently). Both give the same bytes (service.test.ts).
   */
  async function csvOf(p: PreparedReport, opts: CsvOptions, limit?: number): Promise<AsyncIterable<Uint8Array>> {
    const text = await deps.queries.csvText?.(p.tenant.id, p.spec, p.def.columns.map((c) => c.name), limit);
    return text !== undefined ? csvChunksFromText(text, opts) : csvChunks(deps.queries.stream(p.tenant.id, p.spec, limit), opts);
  }

  return {
    prepare,

    /** The catalog with each report's lock state for this tenant. */
    async list(tenantId: string): Promise<ReportResult<{ reportingEnabled: boolean; reports: CatalogEntry[] }>> {
      const t = await tenantOf(tenantId);
      if (!t.ok) return t;
      return {
        ok: true,
        reportingEnabled: reportingEnabled(t.tenant),
        reports: REPORT_CATALOG.map((r) => {
          const avail = reportAvailable(t.tenant, r);
          return {
            id: r.id,
            section: r.section,
            title: r.title,
            description: r.description,
            edition: r.edition,
            locked: !avail.ok,
            ...(avail.ok ? {} : { lockedMessage: lockedMessage(r, avail.needs) }),
            filters: r.filters,
            requiresUser: r.requiresUser,
            requiresApp: r.requiresApp,
            columns: r.columns,
          };
        }),
      };
    },

    /** portal: the 1000 newest rows and the total; otherwise one API page (no cap). */
    async view(
      req: ReportRunRequest,
      window: { readonly portal: boolean; readonly offset?: number; readonly limit?: number },
    ): Promise<ReportResult<ReportView>> {
      const p = await prepare(req);
      if (!p.ok) return p;
      const offset = window.portal ? 0 : Math.max(0, window.offset ?? 0);
      const limit = window.portal ? PORTAL_MAX_ROWS : Math.min(API_MAX_PAGE, Math.max(1, window.limit ?? API_DEFAULT_PAGE));
      const page = await deps.queries.page(p.tenant.id, p.spec, { offset, limit });
      return {
        ok: true,
        report: p.def.id,
        range: p.spec.range,
        total: page.total,
        offset,
        rows: page.rows,
        truncated: offset + page.rows.length < page.total,
      };
    },

    /** The seed's download: a .zip holding `<id>.csv` of the newest 75,000 rows, a last line when rows were cut. */
    async download(req: ReportRunRequest, cap = DOWNLOAD_MAX_ROWS): Promise<ReportResult<ReportFile & { total: number }>> {
      const p = await prepare(req);
      if (!p.ok) return p;
      const { total } = await deps.queries.page(p.tenant.id, p.spec, { offset: 0, limit: 0 });
      const trailer = (): string | undefined =>
        total > cap
          ? `Truncated: this file holds the newest ${cap.toLocaleString('en-US')} of ${total.toLocaleString('en-US')} rows; use the export API for all of them.`
          : undefined;
      const csv = await csvOf(p, { columns: p.def.columns, trailer }, cap);
      return {
        ok: true,
        total,
        fileName: `${p.def.id}_${stamp(p.spec.range.from)}_${stamp(p.spec.range.to)}.zip`,
        contentType: 'application/zip',
        body: zipOneFile(`${p.def.id}.csv`, csv),
      };
    },

    /** Beyond the seed: the whole report or range, no cap, constant memory. */
    async export(req: ReportRunRequest, format: ExportFormat): Promise<ReportResult<ReportFile>> {
      const p = await prepare(req);
      if (!p.ok) return p;
      const base = `${p.def.id}_${stamp(p.spec.range.from)}_${stamp(p.spec.range.to)}`;
      if (format === 'csv') {
        const body = await csvOf(p, { columns: p.def.columns });
        return { ok: true, fileName: `${base}.csv`, contentType: 'text/csv; charset=utf-8', body };
      }
      if (format === 'ndjson') {
        return { ok: true, fileName: `${base}.ndjson`, contentType: 'application/x-ndjson', body: ndjsonChunks(deps.queries.stream(p.tenant.id, p.spec), (row) => withJsonValues(p.def.id, row)) };
      }
      const file = path.join(tmpdir(), `authlens-${randomUUID()}.parquet`);
      await deps.queries.exportParquet(p.tenant.id, p.spec, file);
      async function* body(): AsyncIterable<Uint8Array> {
        try {
          for await (const chunk of createReadStream(file)) yield chunk as Buffer;
        } finally {
          await rm(file, { force: true });
        }
      }
      return { ok: true, fileName: `${base}.parquet`, contentType: 'application/vnd.apache.parquet', body: body() };
    },
  };
}

export type ReportService = ReturnType<typeof createReportService>;
