/**
 * A Kubernetes-style work queue: a key waits at most once, is never handed to two workers at
 * once, and failed keys come back after an exponential backoff until maxRetries.
 */

export interface WorkQueueOptions {
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** Injected so tests can run without real timers. */
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (t: unknown) => void;
}

/** FIFO of keys with O(1) push and shift (Array#shift copies a large array on every call). */
class KeyFifo {
  #items: (string | undefined)[] = [];
  #head = 0;

  get length(): number {
    return this.#items.length - this.#head;
  }

  push(key: string): void {
    this.#items.push(key);
  }

  shift(): string | undefined {
    if (this.#head >= this.#items.length) return undefined;
    const key = this.#items[this.#head];
    this.#items[this.#head++] = undefined;
    // drop the consumed prefix once it is most of the array
    if (this.#head >= 1024 && this.#head * 2 >= this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return key;
  }
}

export class WorkQueue {
  readonly #queue = new KeyFifo();
  readonly #queued = new Set<string>();
  readonly #processing = new Set<string>();
  /** Keys added again while being processed: re-queued when done. */
  readonly #dirty = new Set<string>();
  readonly #failures = new Map<string, number>();
  readonly #timers = new Set<unknown>();
  readonly #waiters: ((key: string | undefined) => void)[] = [];
  readonly #opts: Required<WorkQueueOptions>;
  #shutdown = false;

  constructor(opts: WorkQueueOptions = {}) {
    this.#opts = {
      baseDelayMs: opts.baseDelayMs ?? 5,
      maxDelayMs: opts.maxDelayMs ?? 30_000,
      setTimer: opts.setTimer ?? ((fn, ms) => setTimeout(fn, ms).unref()),
      clearTimer: opts.clearTimer ?? ((t) => clearTimeout(t as NodeJS.Timeout)),
    };
  }

  get length(): number {
    return this.#queue.length;
  }

  add(key: string): void {
    if (this.#shutdown) return;
    if (this.#processing.has(key)) {
      this.#dirty.add(key);
      return;
    }
    if (this.#queued.has(key)) return;
    this.#queued.add(key);
    const waiter = this.#waiters.shift();
    if (waiter) {
      this.#queued.delete(key);
      this.#processing.add(key);
      waiter(key);
      return;
    }
    this.#queue.push(key);
  }

  /** Next key to process; undefined once shut down. Call done(key) after. */
  get(): Promise<string | undefined> {
    if (this.#shutdown) return Promise.resolve(undefined);
    const key = this.#queue.shift();
    if (key !== undefined) {
      this.#queued.delete(key);
      this.#processing.add(key);
      return Promise.resolve(key);
    }
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  done(key: string): void {
    this.#processing.delete(key);
    if (this.#dirty.delete(key)) this.add(key);
  }

  /** Requeue after a backoff that doubles with each failure of this key. */
  addRateLimited(key: string): number {
    const n = (this.#failures.get(key) ?? 0) + 1;
    this.#failures.set(key, n);
    const delay = Math.min(this.#opts.baseDelayMs * 2 ** (n - 1), this.#opts.maxDelayMs);
    const t = this.#opts.setTimer(() => {
      this.#timers.delete(t);
      this.add(key);
    }, delay);
    this.#timers.add(t);
    return delay;
  }

  failures(key: string): number {
    return this.#failures.get(key) ?? 0;
  }

  forget(key: string): void {
    this.#failures.delete(key);
  }

  shutdown(): void {
    this.#shutdown = true;
    for (const t of this.#timers) this.#opts.clearTimer(t);
    this.#timers.clear();
    for (const w of this.#waiters.splice(0)) w(undefined);
  }
}
