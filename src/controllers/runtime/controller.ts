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

/** Runs `workers` loops that pop keys and call `sync`, with backoff on failure. */
export async function runWorkers(
  queue: WorkQueue,
  sync: (key: string) => Promise<void>,
  opts: { workers: number; log: Logger; signal: AbortSignal },
): Promise<void> {
  opts.signal.addEventListener('abort', () => queue.shutdown(), { once: true });
  const worker = async () => {
    for (;;) {
      const key = await queue.get();
      if (key === undefined) return;
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
