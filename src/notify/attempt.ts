/** The outcome of one delivery attempt: sent, worth retrying, or not (the receiver refused for good). */
export type AttemptOutcome =
  | { readonly ok: true }
  | { readonly ok: false; readonly permanent: boolean; readonly reason: string };

/** Shown to admins: one line, bounded. */
export function reasonText(s: string): string {
  return s.replace(/\s+/g, ' ').trim().slice(0, 500);
}
