/** CSV for spreadsheets: RFC 4180 quoting, UTF-8 BOM, and cells neutralised against formula injection. */
import type { ReportCell } from '../../schema/reports.ts';

export const BOM = '\uFEFF';

// A spreadsheet treats a cell starting with one of these as a formula (OWASP CSV injection).
const FORMULA_START = /^[=+\-@\t\r]/;

/** Text cells that a spreadsheet would run as a formula get a leading apostrophe; numbers stay numbers. */
export function neutralise(cell: ReportCell): string {
  if (cell === null) return '';
  if (typeof cell === 'number' || typeof cell === 'boolean') return String(cell);
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

function quote(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function csvLine(cells: readonly ReportCell[]): string {
  return cells.map((c) => quote(neutralise(c))).join(',') + '\r\n';
}

/** Parses one CSV line back into cells (tests and tooling; expects the quoting csvLine writes). */
export function parseCsvLine(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  let cur = '';
  let quoted = false;
  while (i < line.length) {
    const ch = line[i] ?? '';
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i += 2;
        continue;
      }
      if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
    i++;
  }
  out.push(cur);
  return out;
}
