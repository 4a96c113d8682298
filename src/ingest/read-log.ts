/**
 * Server log framing: a JBoss / WildFly / Quarkus log as Keycloak writes it
 * (`[date ]time LEVEL [category] (thread) message`). Only the lines of the
 * `org.keycloak.events` category (the jboss-logging event listener) are
 * records; the rest of a server log (start-up, deployments, stack traces) is
 * not input and is skipped, not rejected line by line. A log with no event
 * line at all gets one rejection that says why, so an admin who fed the wrong
 * file is not told "0 accepted" and nothing else. See docs/formats/keycloak.md.
 */
import type { RawRecord } from './raw-record.ts';

/**
 * The start of a log entry: optional ISO-like date, time of day with
 * milliseconds, optional offset, a level, then the `[category]`.
 */
const LOG_ENTRY = /^\s*(?:\d{4}-\d{2}-\d{2}[T ])?\d{2}:\d{2}:\d{2}(?:[.,]\d{1,9})?(?:Z|[+-]\d{2}:?\d{2})?\s+(?:TRACE|DEBUG|INFO|WARN|WARNING|ERROR|FATAL|SEVERE)\s+\[/;

/** The logger category of Keycloak's jboss-logging event listener. */
const EVENT_CATEGORY = '[org.keycloak.events]';

/** True when a line starts like a JBoss/Quarkus log entry (decides the framing of the whole input). */
export function isLogEntryLine(line: string): boolean {
  return LOG_ENTRY.test(line);
}

/** Collects the event lines of a server log and counts the others. */
export class LogLines {
  private events = 0;
  private skipped = 0;

  /** One line of the log (without its newline). */
  push(out: RawRecord[], text: string, line: number): void {
    if (text.includes(EVENT_CATEGORY) && LOG_ENTRY.test(text)) {
      this.events++;
      out.push({ ok: true, line, shape: 'text', value: text.endsWith('\r') ? text.slice(0, -1) : text });
    } else if (text.trim() !== '') this.skipped++;
  }

  /** The one rejection for a log that held no event at all, or undefined. */
  end(lastLine: number): RawRecord | undefined {
    if (this.events > 0) return undefined;
    return {
      ok: false,
      line: Math.max(1, lastLine),
      field: '',
      reason:
        `server log with no Keycloak event line: ${this.skipped} log lines read, none from the ${EVENT_CATEGORY} category ` +
        '(enable the jboss-logging event listener; it logs errors at WARN and successes at DEBUG unless its success-level is raised)',
    };
  }
}
