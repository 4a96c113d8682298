/** Posts one signed CloudEvent to a webhook; any non-2xx answer or timeout is worth a retry. */
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { classifyIp } from '../enrich/ip-scope.ts';
import { parseIp } from '../schema/ip.ts';
import { reasonText, type AttemptOutcome } from './attempt.ts';
import { SIGNATURE_HEADER, signBody } from './cloud-events.ts';

export const WEBHOOK_TIMEOUT_MS = 10_000;

/** Which hosts webhooks may reach: the internet only (default), or any (AUTHLENS_WEBHOOK_ALLOW_PRIVATE=1, for on-premises receivers). */
export type WebhookHosts = 'public' | 'any';

// Webhooks and IdP connectors share these rules: the words name neither.
const PRIVATE_HINT = 'authlens calls public addresses only (the operator may allow private ones with AUTHLENS_WEBHOOK_ALLOW_PRIVATE=1)';
const LINK_LOCAL_HINT = 'authlens never calls link-local addresses (where clouds serve instance metadata and credentials), even with AUTHLENS_WEBHOOK_ALLOW_PRIVATE=1';

/** 169.254.0.0/16 and fe80::/10, IPv4-mapped forms included: 169.254.169.254 answers with a cloud instance's credentials. */
export function isLinkLocal(address: string): boolean {
  const p = parseIp(address);
  if (p === undefined) return false;
  if (p.version === 4) return p.canonical.startsWith('169.254.');
  return /^fe[89ab][0-9a-f]:/.test(p.canonical);
}

/**
 * Only http(s) URLs without credentials in them (the secret is what
 * authenticates); with `hosts: 'public'`, no literal private address or
 * localhost (names are resolved and checked again at every delivery).
 */
export function webhookUrlProblem(raw: string, hosts: WebhookHosts = 'any'): string | undefined {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return 'not a URL';
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return 'only http and https URLs are allowed';
  if (u.username !== '' || u.password !== '') return 'credentials in the URL are not allowed (a URL is stored and shown in clear); a secret goes in its own field';
  const host = u.hostname.replace(/^\[|\]$/g, '');
  if (isLinkLocal(host)) return `${u.hostname}: ${LINK_LOCAL_HINT}`;
  if (hosts === 'public') {
    if (host === 'localhost' || host.endsWith('.localhost') || (isIP(host) !== 0 && classifyIp(host) !== 'public')) return `${u.hostname}: ${PRIVATE_HINT}`;
  }
  return undefined;
}

/**
 * Resolves the host right before posting: a tenant's URL must not make the
 * server reach its own network (cloud metadata, admin ports) and read the
 * answer back through the stored reason. Undefined when it may go. The IdP
 * connectors (src/directory/connectors) check their URLs with it too.
 */
export async function hostRefusal(url: URL, hosts: WebhookHosts): Promise<AttemptOutcome | undefined> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const addresses = isIP(host) !== 0 ? [host] : (await lookup(host, { all: true, verbatim: true }).catch(() => [])).map((a) => a.address);
  if (addresses.length === 0) return { ok: false, permanent: false, reason: `cannot resolve ${url.hostname}` };
  if (addresses.some(isLinkLocal)) return { ok: false, permanent: true, reason: `${url.hostname} is a link-local address; ${LINK_LOCAL_HINT}` };
  if (hosts === 'public' && addresses.some((a) => classifyIp(a) !== 'public')) {
    return { ok: false, permanent: true, reason: `${url.hostname} is not a public address; ${PRIVATE_HINT}` };
  }
  return undefined;
}

export async function postWebhook(
  url: string,
  secret: string,
  body: string,
  opts: {
    readonly fetch?: typeof fetch;
    readonly timeoutMs?: number;
    readonly deliveryId: string;
    readonly hosts?: WebhookHosts;
    /** What of a refusal's body goes into the reason (default: its first 200 characters). */
    readonly refusalWords?: (body: string) => string;
  },
): Promise<AttemptOutcome> {
  const doFetch = opts.fetch ?? fetch;
  try {
    const refused = await hostRefusal(new URL(url), opts.hosts ?? 'public');
    if (refused !== undefined) return refused;
    const res = await doFetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/cloudevents+json; charset=utf-8',
        [SIGNATURE_HEADER]: signBody(body, secret),
        'x-authlens-delivery': opts.deliveryId,
        'user-agent': 'authlens-webhooks/1',
      },
      body,
      // A redirect could carry the signed body somewhere the admin did not configure.
      redirect: 'manual',
      signal: AbortSignal.timeout(opts.timeoutMs ?? WEBHOOK_TIMEOUT_MS),
    });
    if (res.status >= 200 && res.status < 300) {
      await res.body?.cancel();
      return { ok: true };
    }
    const answer = await res.text().catch(() => '');
    const text = opts.refusalWords !== undefined ? opts.refusalWords(answer) : answer.slice(0, 200);
    return { ok: false, permanent: false, reason: reasonText(`HTTP ${res.status} ${text}`) };
  } catch (err) {
    const e = err as { name?: unknown; message?: unknown; cause?: { code?: unknown } };
    const why = e.name === 'TimeoutError' ? `no answer within ${opts.timeoutMs ?? WEBHOOK_TIMEOUT_MS} ms` : `${String(e.message ?? err)}${typeof e.cause?.code === 'string' ? ` (${e.cause.code})` : ''}`;
    return { ok: false, permanent: false, reason: reasonText(why) };
  }
}
