/**
 * What the tests that speak TLS to a real client need: a self-signed
 * certificate for localhost and 127.0.0.1 (openssl, a Debian package CI
 * installs), and a TypeScript child process whose standard output is one JSON
 * answer (a client library run in a process of its own, trusting that
 * certificate through NODE_EXTRA_CA_CERTS).
 */
import { execFileSync, spawn } from 'node:child_process';
import path from 'node:path';

/** Writes cert.pem and key.pem into `dir` (valid one day) and returns their paths. */
export function selfSignedLocalhost(dir: string): { readonly cert: string; readonly key: string } {
  const cert = path.join(dir, 'cert.pem');
  const key = path.join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=localhost',
    '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1', '-keyout', key, '-out', cert], { stdio: 'ignore' });
  return { cert, key };
}

/** Runs `script` with tsx in `cwd` and `env` added to this process's, and parses what it printed as JSON; rejects with its stderr on a non-zero exit. */
export function runJsonChild<T>(script: string, cwd: string, env: Record<string, string>): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${path.basename(script)} exited ${code}: ${err}`));
      else resolve(JSON.parse(out) as T);
    });
  });
}
