/**
 * The identity check against a big table: fills `signins` with N copies of
 * one row (SQL, not the Appender, so filling is quick), then times 50k-row
 * appends of new and of already-stored sign-ins. Not run by the tests.
 *
 *   node --import tsx bench/store-append-large.ts [rows=5000000]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDuckDbStore } from '../src/store/duckdb/open.ts';
import { fullSignIn } from '../src/store/contract/fixtures.ts';
const dir = mkdtempSync(path.join(tmpdir(), 'scale-'));
const store = await openDuckDbStore({ dataDir: dir });
const N = Number(process.argv[2] ?? 5_000_000);
await store.events.appendEvents('bench', [fullSignIn(0, { id: 'seed' })]);
let t0 = performance.now();
// Copies of the seed row with new ids: a big table without paying the Appender for it.
await store.db.run(`INSERT INTO signins SELECT s.* REPLACE ('gen-' || r.range AS id, md5_number_lower('gen-' || r.range) AS id_key, s.time + to_seconds(r.range) AS time) FROM signins s, range(${N}) r WHERE s.id = 'seed'`);
await store.db.run('CHECKPOINT');
console.log(`filled ${N} rows in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
for (let b = 0; b < 3; b++) {
  const batch = Array.from({ length: 50000 }, (_, i) => fullSignIn(i, { id: `new-${b}-${i}` }));
  t0 = performance.now(); const c0 = process.cpuUsage();
  const r = await store.events.appendEvents('bench', batch);
  const cpu = process.cpuUsage(c0);
  console.log(`50k new into ${N}: ${(performance.now() - t0).toFixed(0)} ms wall, ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms CPU, inserted ${r.inserted.filter(Boolean).length}`);
}
const dupes = Array.from({ length: 50000 }, (_, i) => fullSignIn(i, { id: `gen-${i * 97}` }));
t0 = performance.now();
const r = await store.events.appendEvents('bench', dupes);
console.log(`50k duplicates into ${N}: ${(performance.now() - t0).toFixed(0)} ms, inserted ${r.inserted.filter(Boolean).length}`);
await store.close();
rmSync(dir, { recursive: true, force: true });
