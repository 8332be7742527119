import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { openLevelStore } from '../../src/storage/leveldb/level-store.js';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const writerScript = fileURLToPath(new URL('./crash-writer.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'kubelevel-crash-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const KILL_AFTER = 300;

/** Run the writer until it acknowledged KILL_AFTER writes, then SIGKILL it. */
async function writeThenKill(tag: string): Promise<Map<string, number>> {
  const child = spawn(process.execPath, ['--import', 'tsx', writerScript, dir, tag], {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) =>
    child.on('exit', (code, signal) => resolve(signal ?? code)),
  );
  const acked = new Map<string, number>();
  for await (const line of createInterface({ input: child.stdout })) {
    const [key, rev] = line.split(' ');
    acked.set(key!, Number(rev));
    if (acked.size === KILL_AFTER) child.kill('SIGKILL');
  }
  assert.equal(await exited, 'SIGKILL', `writer exited on its own: ${stderr}`);
  return acked;
}

test('every acknowledged write survives kill -9, and revisions never go back', async () => {
  let lastRevision = 0;
  for (const tag of ['first', 'second']) {
    const acked = await writeThenKill(tag);
    assert.ok(acked.size >= KILL_AFTER);
    const store = await openLevelStore({ path: dir });
    try {
      const missing: string[] = [];
      for (const [key, rev] of acked) {
        if ((await store.get(key))?.modRevision !== rev) missing.push(key);
      }
      assert.deepEqual(missing, []);
      const maxAcked = Math.max(...acked.values());
      assert.ok(store.currentRevision() >= maxAcked);
      assert.ok(maxAcked > lastRevision);
      // The whole history is replayable: one event per revision, no holes.
      assert.equal(store.stats().retainedEvents, store.currentRevision());
      const next = await store.create(`/registry/pods/${tag}/after-crash`, { ok: true });
      assert.equal(next.modRevision, store.currentRevision());
      assert.ok(next.modRevision > maxAcked);
      lastRevision = next.modRevision;
    } finally {
      await store.close();
    }
  }
});
