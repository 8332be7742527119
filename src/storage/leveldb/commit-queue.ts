/**
 * Group commit. Writes queue up while the previous batch is being synced, then go to disk
 * together as one atomic, synced LevelDB batch: many requests, one fsync. A write's promise
 * settles only after its batch is durable, and each write's `onDurable` runs first, in queue
 * (= revision) order, so a caller that sees its write acknowledged can also read it.
 *
 * A failed batch poisons the queue: later writes were validated against state that now will
 * never exist on disk, so they cannot be committed either. Every queued and future write
 * rejects with the failure; reopening the store reloads the durable state.
 */
import type { Logger } from 'pino';
import type { BatchOp } from './records.js';

/** Writes one batch durably (sync) and atomically. */
export type BatchWriter = (ops: BatchOp[]) => Promise<void>;

interface Pending {
  ops: BatchOp[];
  onDurable: () => void;
  resolve: () => void;
  reject: (err: unknown) => void;
}

export interface CommitQueueStats {
  /** Batches written to LevelDB so far. */
  batches: number;
  /** Writes carried by those batches. */
  writes: number;
  /** Writes queued or in flight. */
  pending: number;
}

export class CommitQueue {
  readonly #write: BatchWriter;
  readonly #log: Logger | undefined;
  #queue: Pending[] = [];
  #inFlight = 0;
  #flushing = false;
  #failure: unknown;
  #idle: Array<() => void> = [];
  #batches = 0;
  #writes = 0;

  constructor(write: BatchWriter, log?: Logger) {
    this.#write = write;
    this.#log = log;
  }

  /** The error that poisoned the queue, if any. */
  get failure(): unknown {
    return this.#failure;
  }

  stats(): CommitQueueStats {
    return { batches: this.#batches, writes: this.#writes, pending: this.#queue.length + this.#inFlight };
  }

  /** Queue `ops`; resolves once they are durable, after `onDurable` ran. */
  enqueue(ops: BatchOp[], onDurable: () => void): Promise<void> {
    if (this.#failure !== undefined) return Promise.reject(this.#failure);
    return new Promise<void>((resolve, reject) => {
      this.#queue.push({ ops, onDurable, resolve, reject });
      if (!this.#flushing) {
        this.#flushing = true;
        // Let writes issued in the same turn join the first batch too.
        setImmediate(() => void this.#flushLoop());
      }
    });
  }

  /** Resolves when nothing is queued or in flight. */
  drain(): Promise<void> {
    if (!this.#flushing) return Promise.resolve();
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  async #flushLoop(): Promise<void> {
    while (this.#queue.length > 0) {
      const batch = this.#queue;
      this.#queue = [];
      this.#inFlight = batch.length;
      const ops = batch.length === 1 ? batch[0]!.ops : batch.flatMap((p) => p.ops);
      try {
        await this.#write(ops);
      } catch (err) {
        this.#poison(err, batch);
        break;
      } finally {
        this.#inFlight = 0;
      }
      this.#batches++;
      this.#writes += batch.length;
      for (const p of batch) {
        try {
          p.onDurable();
          p.resolve();
        } catch (err) {
          // Durable but not applied in memory: a bug; surface it to that writer at least.
          this.#log?.error({ err }, 'applying a committed write failed');
          p.reject(err);
        }
      }
    }
    this.#flushing = false;
    for (const resolve of this.#idle.splice(0)) resolve();
  }

  #poison(err: unknown, batch: Pending[]): void {
    this.#failure = err;
    this.#log?.error({ err, writes: batch.length }, 'storage batch write failed; store is read-only');
    for (const p of batch) p.reject(err);
    for (const p of this.#queue.splice(0)) p.reject(err);
  }
}
