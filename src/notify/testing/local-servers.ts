/** Real servers on 127.0.0.1 port 0 for the notification tests: SMTP (smtp-server) and HTTP webhooks. */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  readonly from: string;
  readonly to: string[];
  readonly raw: string;
  readonly user: string | undefined;
}

/** Per message: undefined accepts; [code, text] answers with that SMTP reply to DATA. */
export type SmtpReply = undefined | readonly [number, string];

export interface LocalSmtp {
  readonly port: number;
  readonly received: ReceivedMail[];
  close(): Promise<void>;
}

export async function startSmtp(opts: { user?: string; pass?: string; replies?: SmtpReply[] } = {}): Promise<LocalSmtp> {
  const received: ReceivedMail[] = [];
  const replies = [...(opts.replies ?? [])];
  const server = new SMTPServer({
    // Plain loopback: no certificate to trust, so STARTTLS is off and AUTH is allowed without TLS.
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authOptional: opts.user === undefined,
    logger: false,
    onAuth(auth, _session, cb) {
      if (auth.username === opts.user && auth.password === opts.pass) cb(null, { user: auth.username });
      else cb(Object.assign(new Error('invalid credentials'), { responseCode: 535 }));
    },
    onData(stream, session, cb) {
      const parts: Buffer[] = [];
      stream.on('data', (c: Buffer) => parts.push(c));
      stream.on('end', () => {
        const reply = replies.shift();
        if (reply !== undefined) {
          cb(Object.assign(new Error(reply[1]), { responseCode: reply[0] }));
          return;
        }
        const from = session.envelope.mailFrom;
        received.push({
          from: from === false ? '' : from.address,
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(parts).toString('utf8'),
          user: typeof session.user === 'string' ? session.user : undefined,
        });
        cb();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return { port, received, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

export interface ReceivedHook {
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface LocalHook {
  readonly url: string;
  readonly received: ReceivedHook[];
  close(): Promise<void>;
}

/** Answers each request with the next status (then 200); 0 means never answer (a timeout). */
export async function startHook(statuses: number[] = []): Promise<LocalHook> {
  const received: ReceivedHook[] = [];
  const queue = [...statuses];
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(parts).toString('utf8') });
      const status = queue.shift() ?? 200;
      if (status === 0) return;
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status === 200 ? 'ok' : 'receiver trouble');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
