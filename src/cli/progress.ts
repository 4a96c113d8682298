/**
 * A one-line progress display on stderr (records/s, ETA, counts), redrawn at
 * most 10 times a second, and only when stderr is a terminal.
 */
export interface ProgressFigures {
  readonly records: number;
  readonly accepted: number;
  readonly duplicates: number;
  readonly rejected: number;
  readonly bytes: number;
}

export interface ProgressLine {
  update(p: ProgressFigures): void;
  done(): void;
}

function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const m = Math.floor(s / 60);
  return m >= 60 ? `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m` : `${m}:${String(s % 60).padStart(2, '0')}`;
}

/** Renders one progress line; exported for tests. */
export function renderProgress(p: ProgressFigures, elapsedMs: number, totalBytes: number | undefined): string {
  const secs = Math.max(elapsedMs / 1000, 0.001);
  const rate = p.records / secs;
  const share = totalBytes !== undefined && totalBytes > 0 ? Math.min(p.bytes / totalBytes, 1) : undefined;
  const eta = share !== undefined && share > 0 ? (secs / share) * (1 - share) : undefined;
  const width = 20;
  const bar =
    share !== undefined ? `[${'#'.repeat(Math.round(share * width)).padEnd(width, '.')}] ${(share * 100).toFixed(0).padStart(3)}% ` : '';
  return (
    `${bar}${p.records.toLocaleString('en-US')} records, ${Math.round(rate).toLocaleString('en-US')}/s, ` +
    `ETA ${eta === undefined ? '--:--' : formatDuration(eta)} | accepted ${p.accepted}, duplicates ${p.duplicates}, rejected ${p.rejected}`
  );
}

export function createProgressLine(
  stream: { write(chunk: string): unknown; isTTY?: boolean },
  totalBytes: number | undefined): ProgressLine {
  const started = Date.now();
  let last = 0;
  let drawn = false;
  const enabled = stream.isTTY === true;
  return {
    update(p) {
      const now = Date.now();
      if (!enabled || now - last < 100) return;
      last = now;
      drawn = true;
      stream.write(`\r\x1b[2K${renderProgress(p, now - started, totalBytes)}`);
    },
    done() {
      if (drawn) stream.write('\r\x1b[2K');
    },
  };
}
