/**
 * Email over real SMTP (nodemailer). The transport comes from
 * AUTHLENS_SMTP_URL (smtp://user:pass@host:port, smtps:// for implicit TLS);
 * a 5xx reply is final, a 4xx reply or a network failure is retried.
 */
import nodemailer from 'nodemailer';
import { reasonText, type AttemptOutcome } from './attempt.ts';

export interface EmailMessage {
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
}

export interface Mailer {
  send(msg: EmailMessage): Promise<AttemptOutcome>;
  close(): void;
}

export interface SmtpOptions {
  readonly url: string;
  readonly from: string;
  /** Connection, greeting and socket timeout, ms (default 15 s). */
  readonly timeoutMs?: number;
}

/** Never lets the SMTP password reach a stored reason. */
function redact(text: string, url: URL): string {
  const pass = decodeURIComponent(url.password);
  return pass === '' ? text : text.split(pass).join('[redacted]');
}

export function createSmtpMailer(opts: SmtpOptions): Mailer {
  const url = new URL(opts.url);
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') throw new Error('AUTHLENS_SMTP_URL must start with smtp:// or smtps://');
  const secure = url.protocol === 'smtps:';
  const timeout = opts.timeoutMs ?? 15_000;
  const transport = nodemailer.createTransport({
    host: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port !== '' ? Number(url.port) : secure ? 465 : 587,
    secure,
    ...(url.username !== '' ? { auth: { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } } : {}),
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
  });
  return {
    async send(msg) {
      try {
        await transport.sendMail({ from: opts.from, to: [...msg.to], subject: msg.subject, text: msg.text });
        return { ok: true };
      } catch (err) {
        const e = err as { responseCode?: unknown; response?: unknown; message?: unknown };
        const code = typeof e.responseCode === 'number' ? e.responseCode : undefined;
        const text = typeof e.response === 'string' ? e.response : String(e.message ?? err);
        return { ok: false, permanent: code !== undefined && code >= 500, reason: reasonText(redact(text, url)) };
      }
    },
    close() {
      transport.close();
    },
  };
}
