/**
 * For CLI tests of commands that need only the store (and the detection
 * stores): a stand-in for ../runtime.ts that opens the data dir's DuckDB store
 * without loading GeoIP and ASN data. Use it as
 *   vi.mock('../runtime.ts', async () => (await import('../../test/helpers/cli-store-runtime.ts')).storeOnlyRuntimeModule());
 */
import { loadConfig } from '../../src/config/config.ts';
import { openDuckDbStore } from '../../src/store/duckdb/open.ts';
import { createDetectStores } from '../../src/store/duckdb/detect-stores.ts';

export function storeOnlyRuntimeModule(): { withRuntime<R>(dataDir: string, fn: (rt: never) => Promise<R>): Promise<R> } {
  return {
    async withRuntime<R>(dataDir: string, fn: (rt: never) => Promise<R>): Promise<R> {
      const store = await openDuckDbStore({ dataDir });
      try {
        // A partial runtime: the commands under test touch only these members.
        const rt = { store, detect: createDetectStores(store.db), config: loadConfig({ dataDir }, {}) };
        return await fn(rt as never);
      } finally {
        await store.close();
      }
    },
  };
}
