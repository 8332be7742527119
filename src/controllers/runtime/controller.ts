/** A level-triggered controller: handlers enqueue keys; workers call sync(key) until it succeeds. */
import type { Logger } from 'pino';
import { WorkQueue } from './work-queue.js';

export interface Controller {
  readonly name: string;
  /** Runs until the signal aborts. */
  run(signal: AbortSignal): Promise<void>;
}

// as kube's controllers: a key that keeps failing is dropped after this many retries
export const MAX_RETRIES = 15;
// a sync with nothing to write finishes in microtasks, so a backlog of them (every key after a
// restart) would hold the event loop, and with it requests and watches, until drained: the
// workers step aside for pending I/O after this much uninterrupted work
export const YIELD_AFTER_MS = 5;

/** Runs `workers` loops that pop keys and call `sync`, with backoff on failure. */
export async function runWorkers(
  queue: WorkQueue,
  sync: (key: string) => Promise<void>,
  opts: { workers: number; log: Logger; signal: AbortSignal },
): Promise<void> {
  opts.signal.addEventListener('abort', () => queue.shutdown(), { once: true });
  let lastYield = performance.now();
  // one pause for the whole pool: workers resuming one by one would each take a full budget
  let pause: Promise<void> | undefined;
  const stepAside = (): Promise<void> =>
    (pause ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      pause = undefined;
      lastYield = performance.now();
    }));
  const worker = async () => {
    for (;;) {
      if (performance.now() - lastYield >= YIELD_AFTER_MS) await stepAside();
      const waited = queue.length === 0;
      const key = await queue.get();
      if (key === undefined) return;
      // the loop was idle meanwhile: the budget starts afresh
      if (waited) lastYield = performance.now();
      try {
        await sync(key);
        queue.forget(key);
      } catch (err) {
        if (queue.failures(key) < MAX_RETRIES) {
          const delay = queue.addRateLimited(key);
          opts.log.debug({ err, key, delay }, 'sync failed; retrying');
        } else {
          opts.log.warn({ err, key }, 'dropping key after repeated sync failures');
          queue.forget(key);
        }
      } finally {
        queue.done(key);
      }
    }
  };
  await Promise.all(Array.from({ length: opts.workers }, worker));
}
