/**
 * One request's allocations, undone together. Mirrors the Service registry's
 * `txn{ commit, revert }` in kube's pkg/registry/core/service/storage/transaction.go:
 * allocations happen immediately (so a concurrent request cannot take the same value),
 * releases are deferred to `commit` (so a failed update keeps its old values), and
 * `revert` gives back everything this request took.
 */

/** The part of IPAllocator / PortAllocator a transaction needs. */
export interface RangeAllocator<T> {
  allocate(value: T): void;
  allocateNext(): T;
  release(value: T): void;
}

export class AllocationTransaction {
  #undo: Array<() => void> = [];
  #onCommit: Array<() => void> = [];
  #done = false;

  /** Reserves `value` now (throws what the allocator throws); released again on `revert`. */
  allocate<T>(allocator: RangeAllocator<T>, value: T): T {
    this.#open();
    allocator.allocate(value);
    this.#undo.push(() => allocator.release(value));
    return value;
  }

  /** Reserves a free value now; released again on `revert`. */
  allocateNext<T>(allocator: RangeAllocator<T>): T {
    this.#open();
    const value = allocator.allocateNext();
    this.#undo.push(() => allocator.release(value));
    return value;
  }

  /** Schedules `value` to be released on `commit` (e.g. the old ClusterIP of a Service changed to ExternalName). */
  releaseOnCommit<T>(allocator: RangeAllocator<T>, value: T): void {
    this.#open();
    this.#onCommit.push(() => allocator.release(value));
  }

  /** The request succeeded: keep the allocations, perform the deferred releases. */
  commit(): void {
    this.#open();
    this.#done = true;
    for (const fn of this.#onCommit) fn();
  }

  /** The request failed: give back everything allocated, newest first; drop deferred releases. */
  revert(): void {
    this.#open();
    this.#done = true;
    for (const fn of this.#undo.reverse()) fn();
  }

  /** `finish(ok)`, the shape of kube's BeginCreate/BeginUpdate hook result. */
  finish(ok: boolean): void {
    if (ok) this.commit();
    else this.revert();
  }

  get isDone(): boolean {
    return this.#done;
  }

  #open(): void {
    if (this.#done) throw new Error('allocation transaction already finished');
  }
}
