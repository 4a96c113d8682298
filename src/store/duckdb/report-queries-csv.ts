/**
 * CSV lines of a report made by DuckDB (the zip download's hot path): each row
 * comes back as one string, neutralised and quoted in SQL exactly as
 * src/reports/export/csv.ts csvLine does in JS, so JS no longer converts every
 * value of 75,000 rows. Only for column types whose text is the same in both
 * (strings, integers, booleans); other reports take the JS path.
 */
import type { DuckDb } from './database.ts';

/** Column types DuckDB writes as JS's String() would: text, integers, booleans. */
const SQL_TEXT_TYPES = new Set(['VARCHAR', 'TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'UTINYINT', 'USMALLINT', 'UINTEGER', 'BOOLEAN']);

const ident = (name: string): string => `"${name.replaceAll('"', '""')}"`;

/** One cell as csv.ts writes it: NULL empty, a formula-like text start gets an apostrophe, RFC 4180 quotes. */
function cellSql(col: string, type: string): string {
  const c = ident(col);
  if (type !== 'VARCHAR') return `coalesce(CAST(${c} AS VARCHAR), '')`;
  // csv.ts FORMULA_START is /^[=+\-@\t\r]/.
  const n = `CASE WHEN left(${c}, 1) IN ('=', '+', '-', '@', chr(9), chr(13)) THEN '''' || ${c} ELSE ${c} END`;
  return `coalesce(CASE WHEN regexp_matches(${c}, '[",\\r\\n]') THEN '"' || replace(${n}, '"', '""') || '"' ELSE ${n} END, '')`;
}

/**
 * The SELECT turning `ordered` (a query already in report order) into one
 * `line` column, or undefined when a column's type has no exact SQL text.
 * Columns the query lacks are empty cells, as a row without the key is in JS.
 */
export async function csvLineSql(db: DuckDb, ordered: string, params: Record<string, string>, columns: readonly string[]): Promise<string | undefined> {
  const described = await db.all<{ column_name: string; column_type: string }>(`DESCRIBE ${ordered}`, params);
  const types = new Map(described.map((d) => [d.column_name, d.column_type]));
  const cells: string[] = [];
  for (const col of columns) {
    const type = types.get(col);
    if (type === undefined) cells.push(`''`);
    else if (SQL_TEXT_TYPES.has(type)) cells.push(cellSql(col, type));
    else return undefined;
  }
  if (cells.length === 0) return undefined;
  // A projection keeps the subquery's order (DuckDB preserves it through projections).
  return `SELECT concat_ws(',', ${cells.join(', ')}) || chr(13) || chr(10) AS line FROM (${ordered})`;
}
