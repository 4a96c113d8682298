#!/usr/bin/env node
// Entry for the `authlens` bin: runs the TypeScript CLI through tsx's loader,
// so a fresh clone needs no build step.
import { register } from 'tsx/esm/api';

register();
// `authlens ... | head`: a reader that stops early is not an error.
process.stdout.on('error', (err) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw err;
});
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
