#!/usr/bin/env node
// Entry for the `authlens` bin: runs the TypeScript CLI through tsx's loader,
// so a fresh clone needs no build step.
import { register } from 'tsx/esm/api';

register();
// `authlens ... | head`: a reader that stops early is not an error. A running
// server (it listens for SIGTERM) shuts down as on SIGTERM instead of exiting
// on the spot, so server.json and the store close with it (`start 2>&1 | tee`
// ended by Ctrl-C: the shutdown message itself meets the closed pipe).
let outputGone = false;
const onOutputError = (err) => {
  if (err.code !== 'EPIPE') throw err;
  if (outputGone) return;
  outputGone = true;
  if (process.listenerCount('SIGTERM') > 0) process.emit('SIGTERM', 'SIGTERM');
  else process.exit(process.exitCode ?? 0);
};
process.stdout.on('error', onOutputError);
process.stderr.on('error', onOutputError);
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
