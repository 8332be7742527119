// Child process of crash.test.ts: writes as fast as it can and prints `<key> <revision>` for
// every write whose promise resolved, until the parent kills it with SIGKILL.
import { openLevelStore } from '../../src/storage/leveldb/level-store.js';

const [dir, tag = 'run'] = process.argv.slice(2);
if (!dir) throw new Error('usage: crash-writer.ts <dir> [tag]');

const WORKERS = 16;
const MAX_WRITES_PER_WORKER = 5_000; // a bound in case the parent never kills us
// Stop on our own if orphaned; the parent kills us long before this.
setTimeout(() => process.exit(3), 20_000).unref();

const store = await openLevelStore({ path: dir });
const padding = 'x'.repeat(256);

async function worker(w: number): Promise<void> {
  for (let i = 0; i < MAX_WRITES_PER_WORKER; i++) {
    const key = `/registry/pods/${tag}/w${w}-${i}`;
    const kv = await store.create(key, { w, i, padding });
    // Writes to a pipe are synchronous on Linux: once this returns, the parent can read it.
    process.stdout.write(`${key} ${kv.modRevision}\n`);
  }
}

await Promise.all(Array.from({ length: WORKERS }, (_, w) => worker(w)));
await store.close();
