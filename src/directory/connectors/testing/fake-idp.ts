/**
 * A real HTTP server on 127.0.0.1 port 0 standing in for an IdP in tests: it
 * records every request exactly (method, path with query, headers, body) and
 * answers from a table of routes. Not a test itself.
 */
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

export interface FakeAnswer {
  readonly status: number;
  readonly json?: unknown;
}

export interface FakeIdp {
  readonly url: string;
  readonly requests: RecordedRequest[];
  /** `METHOD /path?query` -> answer; unknown routes answer 404. */
  readonly routes: Map<string, FakeAnswer>;
  close(): Promise<void>;
}

export async function startFakeIdp(routes: Record<string, FakeAnswer> = {}): Promise<FakeIdp> {
  const requests: RecordedRequest[] = [];
  const table = new Map(Object.entries(routes));
  const server = createServer((req, res) => {
    const parts: Buffer[] = [];
    req.on('data', (c: Buffer) => parts.push(c));
    req.on('end', () => {
      const path = req.url ?? '/';
      requests.push({ method: req.method ?? '', path, headers: req.headers, body: Buffer.concat(parts).toString('utf8') });
      const answer = table.get(`${req.method} ${path}`) ?? { status: 404, json: { error: 'not_found' } };
      if (answer.json === undefined) res.writeHead(answer.status).end();
      else res.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.json));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    routes: table,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
