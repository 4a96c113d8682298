/**
 * The `webhook` connector: each action is a signed CloudEvents JSON request
 * POSTed to the admin's own automation (a SOAR playbook, a Logic App, a
 * script), which does the work in the IdP. Signed exactly as notification
 * webhooks are (X-Authlens-Signature: sha256=<HMAC-SHA256 of the body>, see
 * docs/notifications.md), delivered with the same SSRF rules, timeout and no
 * redirects. A 2xx answer means the automation accepted the request; a
 * refusal is reported by its status and the error words of a JSON answer,
 * never the raw body; there is no retry (the admin sees the failure and can press again).
 */
import type { BreachAction } from '../../schema/connectors.ts';
import { cloudEvent } from '../../notify/cloud-events.ts';
import { postWebhook } from '../../notify/webhook.ts';
import { idpErrorText, scrub } from './http.ts';
import type { ActionResult, ConnectorContext, ConnectorUser, IdpConnector } from './types.ts';

export const BREACH_ACTION_EVENT_TYPE = 'com.authlens.breachAction';

/** The `data` of the CloudEvent: what the automation needs to act, and who asked. */
export interface BreachActionEventData {
  readonly action: BreachAction;
  readonly user: { readonly userPrincipalName: string; readonly id?: string };
  readonly tenant: string;
  readonly requestedBy: string;
}

export function createWebhookConnector(cfg: { url: string; secret: string }, ctx: ConnectorContext): IdpConnector {
  async function send(action: BreachAction, user: ConnectorUser): Promise<ActionResult> {
    const data: BreachActionEventData = {
      action,
      user: { userPrincipalName: user.userPrincipalName, ...(user.directoryId !== undefined ? { id: user.directoryId } : {}) },
      tenant: ctx.tenant,
      requestedBy: ctx.requestedBy,
    };
    const body = JSON.stringify({ ...cloudEvent({ id: ctx.requestId, tenant: ctx.tenant, type: BREACH_ACTION_EVENT_TYPE, time: ctx.now().toISOString(), data }), subject: user.userPrincipalName });
    const out = await postWebhook(cfg.url, cfg.secret, body, {
      deliveryId: ctx.requestId,
      hosts: ctx.hosts,
      ...(ctx.fetch !== undefined ? { fetch: ctx.fetch } : {}),
      ...(ctx.timeoutMs !== undefined ? { timeoutMs: ctx.timeoutMs } : {}),
      // As for the IdPs: the error words of a JSON answer, never the raw body (it lands in the audit log every reports reader sees).
      refusalWords: (text) => {
        let json: unknown;
        try {
          json = JSON.parse(text) as unknown;
        } catch {
          return '';
        }
        const why = idpErrorText(json);
        return why === '' ? '' : `(${why})`;
      },
    });
    const host = new URL(cfg.url).host;
    return out.ok ? { ok: true, detail: `request accepted by the automation at ${host}` } : { ok: false, detail: scrub(`the automation at ${host} did not accept it: ${out.reason}`, [cfg.secret]) };
  }
  return {
    kind: 'webhook',
    resetPassword: (u) => send('resetPassword', u),
    requireMfa: (u) => send('requireMfa', u),
    revokeSessions: (u) => send('revokeSessions', u),
  };
}
