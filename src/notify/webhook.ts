/** Posts one signed CloudEvent to a webhook; any non-2xx answer or timeout is worth a retry. */
import { reasonText, type AttemptOutcome } from './attempt.ts';
import { SIGNATURE_HEADER, signBody } from './cloud-events.ts';

export const WEBHOOK_TIMEOUT_MS = 10_000;

/** Only http(s) URLs without credentials in them (the secret is what authenticates). */
export function webhookUrlProblem(raw: string): string | undefined {
  let u: URL;
  try {
    u = new URL(raw);
  } catch {
    return 'not a URL';
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return 'only http and https URLs are allowed';
  if (u.username !== '' || u.password !== '') return 'credentials in the URL are not allowed; the signature authenticates the sender';
  return undefined;
}

export async function postWebhook(
  url: string,
  secret: string,
  body: string,
  opts: { readonly fetch?: typeof fetch; readonly timeoutMs?: number; readonly deliveryId: string },
): Promise<AttemptOutcome> {
  const doFetch = opts.fetch ?? fetch;
  try {
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
    const text = (await res.text().catch(() => '')).slice(0, 200);
    return { ok: false, permanent: false, reason: reasonText(`HTTP ${res.status} ${text}`) };
  } catch (err) {
    const e = err as { name?: unknown; message?: unknown; cause?: { code?: unknown } };
    const why = e.name === 'TimeoutError' ? `no answer within ${opts.timeoutMs ?? WEBHOOK_TIMEOUT_MS} ms` : `${String(e.message ?? err)}${typeof e.cause?.code === 'string' ? ` (${e.cause.code})` : ''}`;
    return { ok: false, permanent: false, reason: reasonText(why) };
  }
}
