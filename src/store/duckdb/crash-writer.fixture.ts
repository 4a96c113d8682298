/**
 * Child process for the crash test (crash.test.ts): opens the store in
 * argv[2], prints "ready <pid>", then appends batches of argv[3] sign-ins
 * forever, printing "ack <batch>" only after appendEvents resolved. The test
 * kills it with SIGKILL at an arbitrary point.
 */
import { minimalSignIn } from '../contract/fixtures.ts';
import { openDuckDbStore } from './open.ts';

const dataDir = process.argv[2];
const batchSize = Number(process.argv[3] ?? 1000);
if (dataDir === undefined) throw new Error('usage: crash-writer.fixture.ts DATA_DIR [BATCH_SIZE]');

/** The events of batch b: ids are deterministic so the parent can re-create them (crash.test.ts does). */
function crashBatch(b: number, size: number) {
  return Array.from({ length: size }, (_, i) => minimalSignIn(b * size + i, { id: `crash-${b}-${i}` }));
}

const store = await openDuckDbStore({ dataDir });
process.stdout.write(`ready ${process.pid}\n`);
for (let b = 0; ; b++) {
  await store.events.appendEvents('crash', crashBatch(b, batchSize));
  process.stdout.write(`ack ${b}\n`);
}
