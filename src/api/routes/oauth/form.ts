/**
 * application/x-www-form-urlencoded bodies of the token endpoint (RFC 6749
 * §4.4.2, appendix B). Decoding is the WHATWG one (URLSearchParams: `+` is a
 * space, percent escapes are UTF-8, a broken escape stays as written); on top
 * of it RFC 6749 §3.2: a parameter sent without a value counts as omitted, and
 * none may appear twice. Never throws: bad input is an answer.
 */
export type FormResult =
  | { readonly ok: true; readonly params: Readonly<Record<string, string>> }
  | { readonly ok: false; readonly reason: string };

/** Names are echoed in errors; cut so a hostile body cannot fill the answer. */
function shown(name: string): string {
  return name.length > 40 ? `${name.slice(0, 40)}...` : name;
}

export function parseForm(body: string): FormResult {
  const seen = new Map<string, string>();
  for (const [name, value] of new URLSearchParams(body)) {
    if (name === '') continue;
    if (seen.has(name)) return { ok: false, reason: `parameter '${shown(name)}' is given more than once` };
    seen.set(name, value);
  }
  // Emptiness is judged after the duplicate check: `a=&a=x` is still two a's.
  return { ok: true, params: Object.fromEntries([...seen].filter(([, v]) => v !== '')) };
}

/** The form-urlencoding of one value (RFC 6749 §2.3.1 asks it of client_id and client_secret inside HTTP Basic). */
export function formDecode(s: string): string | undefined {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return undefined;
  }
}
