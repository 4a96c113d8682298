/**
 * `authlens start [--port 8080] [--host 127.0.0.1] [--tls-cert F --tls-key F]`:
 * serve API and portal; a new data dir gets the demo tenant.
 */
import type { Command } from 'commander';
import { loadConfig } from '../../config/config.ts';
import { startServer } from '../../main.ts';
import { CliError } from '../cli-error.ts';
import { globalOptions } from '../global-options.ts';
import { cliIo } from '../io.ts';
import type { CommandContext } from '../command-context.ts';

interface StartFlags {
  readonly port?: string;
  readonly host?: string;
  readonly tlsCert?: string;
  readonly tlsKey?: string;
  readonly demo: boolean;
}

export function register(program: Command, ctx: CommandContext): void {
  program
    .command('start')
    .description('serve the API and portal; a new data dir gets the demo tenant')
    .option('--port <port>', 'port to listen on (default 8080, AUTHLENS_PORT)')
    .option('--host <host>', 'address to listen on (default 127.0.0.1, AUTHLENS_HOST)')
    .option('--tls-cert <file>', 'PEM certificate: serve HTTPS')
    .option('--tls-key <file>', 'PEM private key of --tls-cert')
    .option('--no-demo', 'do not create the demo tenant in a new data dir')
    .action(async (flags: StartFlags, cmd: Command) => {
      const g = globalOptions(cmd);
      const io = cliIo();
      if ((flags.tlsCert === undefined) !== (flags.tlsKey === undefined)) {
        throw new CliError('--tls-cert and --tls-key go together');
      }
      const port = flags.port === undefined ? undefined : Number(flags.port);
      if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65535)) {
        throw new CliError('--port must be a port number (0-65535)');
      }
      const config = loadConfig({
        dataDir: g.dataDir,
        ...(port !== undefined ? { port } : {}),
        ...(flags.host !== undefined ? { host: flags.host } : {}),
        ...(flags.tlsCert !== undefined && flags.tlsKey !== undefined
          ? { tls: { certFile: flags.tlsCert, keyFile: flags.tlsKey } }
          : {}),
        ...(flags.demo ? {} : { demo: false }),
      });
      const server = await startServer(config, { log: (line) => io.stderr.write(`${line}\n`), runCli: ctx.runCliCaptured });
      if (g.json) io.stdout.write(`${JSON.stringify({ url: server.url })}\n`);
      await new Promise<void>((resolve) => {
        const stop = (signal: string): void => {
          io.stderr.write(`authlens: ${signal}, shutting down\n`);
          server.close().then(resolve, (err: unknown) => {
            io.stderr.write(`authlens: shutdown failed: ${String(err)}\n`);
            resolve();
          });
        };
        process.once('SIGINT', () => stop('SIGINT'));
        process.once('SIGTERM', () => stop('SIGTERM'));
        // The terminal closed (tmux or ssh gone): shut down cleanly too, so server.json goes with the server.
        process.once('SIGHUP', () => stop('SIGHUP'));
      });
    });
}
