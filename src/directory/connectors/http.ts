/**
 * HTTP for the IdP connectors: Node's fetch with a timeout, no redirects (a
 * redirect could carry a bearer token elsewhere), and the webhooks' SSRF
 * rules (never link-local; private and loopback only when the operator allows
 * them) checked against the resolved address right before each request.
 * Failures come back as words an admin can act on, never a secret.
 */
import { hostRefusal, type WebhookHosts } from '../../notify/webhook.ts';

export const CONNECTOR_TIMEOUT_MS = 10_000;

export interface HttpOptions {
  readonly hosts: WebhookHosts;
  readonly fetch?: typeof fetch;
  readonly timeoutMs?: number;
  /** Values that must never appear in a reason (the connector's secret, a token). */
  readonly secrets: readonly string[];
}

export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

export type HttpAnswer = { readonly ok: true; readonly status: number; readonly json: unknown } | { readonly ok: false; readonly reason: string };

/**
 * The forms a secret can take in an answer that echoes the request: as sent
 * in an OAuth form body (client_secret=...), in a URL, and inside a JSON string.
 */
function secretForms(secret: string): string[] {
  return [...new Set([secret, formBody({ s: secret }).slice(2), encodeURIComponent(secret), JSON.stringify(secret).slice(1, -1)])].sort((a, b) => b.length - a.length);
}

/** Removes every secret (as sent, form- or URL-encoded, JSON-escaped) from a text and bounds it to one short line. */
export function scrub(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of secrets) if (s.length >= 4) for (const form of secretForms(s)) out = out.split(form).join('[redacted]');
  return out.replace(/\s+/g, ' ').trim().slice(0, 300);
}

/** The error words IdPs put in JSON bodies (OAuth, Keycloak, Okta, Graph), without the rest of the body. */
export function idpErrorText(body: unknown): string {
  if (typeof body !== 'object' || body === null) return '';
  const b = body as Record<string, unknown>;
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  const graph = typeof b.error === 'object' && b.error !== null ? (b.error as Record<string, unknown>) : undefined;
  const parts = [
    str(b.error),
    str(b.error_description),
    str(b.errorMessage),
    str(b.errorCode),
    str(b.errorSummary),
    str(graph?.code),
    str(graph?.message),
  ].filter((x): x is string => x !== undefined);
  return [...new Set(parts)].join(': ');
}

/** One request. 2xx: ok with the parsed JSON body (undefined when none); otherwise the reason in words. */
export async function idpRequest(req: HttpRequest, opts: HttpOptions): Promise<HttpAnswer> {
  const doFetch = opts.fetch ?? fetch;
  const timeoutMs = opts.timeoutMs ?? CONNECTOR_TIMEOUT_MS;
  let url: URL;
  try {
    url = new URL(req.url);
  } catch {
    return { ok: false, reason: 'the configured URL is not valid' };
  }
  try {
    const refused = await hostRefusal(url, opts.hosts);
    if (refused !== undefined && !refused.ok) return { ok: false, reason: refused.reason };
    const res = await doFetch(url, {
      method: req.method,
      headers: { 'user-agent': 'authlens-connector/1', accept: 'application/json', ...req.headers },
      ...(req.body !== undefined ? { body: req.body } : {}),
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    const text = await res.text().catch(() => '');
    let json: unknown;
    try {
      json = text === '' ? undefined : (JSON.parse(text) as unknown);
    } catch {
      json = undefined;
    }
    if (res.status >= 200 && res.status < 300) return { ok: true, status: res.status, json };
    const why = idpErrorText(json);
    return { ok: false, reason: scrub(`HTTP ${res.status}${why !== '' ? ` (${why})` : ''}`, opts.secrets) };
  } catch (err) {
    const e = err as { name?: unknown; message?: unknown; cause?: { code?: unknown } };
    if (e.name === 'TimeoutError') return { ok: false, reason: `no answer within ${timeoutMs} ms` };
    const code = typeof e.cause?.code === 'string' ? ` (${e.cause.code})` : '';
    return { ok: false, reason: scrub(`cannot reach ${url.host}${code}`, opts.secrets) };
  }
}

/** POST of an HTML form (OAuth token requests). */
export function formBody(fields: Readonly<Record<string, string>>): string {
  return new URLSearchParams(fields).toString();
}

/** An OAuth 2.0 client-credentials token from `tokenUrl`, or the reason it was refused. */
export async function clientCredentialsToken(
  tokenUrl: string,
  fields: Readonly<Record<string, string>>,
  opts: HttpOptions,
): Promise<{ ok: true; token: string } | { ok: false; reason: string }> {
  const r = await idpRequest({ method: 'POST', url: tokenUrl, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: formBody({ grant_type: 'client_credentials', ...fields }) }, opts);
  if (!r.ok) return { ok: false, reason: `token request failed: ${r.reason}` };
  const token = typeof r.json === 'object' && r.json !== null ? (r.json as Record<string, unknown>).access_token : undefined;
  if (typeof token !== 'string' || token === '') return { ok: false, reason: 'the token endpoint answered without an access_token' };
  return { ok: true, token };
}
