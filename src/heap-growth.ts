/**
 * How far V8 lets the old generation grow between full collections. By default it may grow to
 * several times the live size; kubelevel's heap is mostly a large, long-lived working set (every
 * stored object, decoded and shared), so at scale that headroom is GBs of RSS (150k pods: ~2.3 GB
 * instead of ~1.7 GB). A fixed tight growth has the opposite cost on a busy mid-sized server: full
 * collections every few seconds, whose marking steps on the main thread put 100+ ms into watch
 * latency. So, like Go's GOMEMLIMIT: grow generously (60%) while the heap is small, and less as the
 * live size approaches SOFT_LIMIT_BYTES (down to 25%), re-decided after each full collection.
 * Left alone when node's own arguments set it.
 */
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';

const FLAG = '--heap-growing-percent';
const MAX_PERCENT = 60;
const MIN_PERCENT = 25;
const SOFT_LIMIT_BYTES = 1.5 * 2 ** 30;

/** The growth for a live heap of `live` bytes: what keeps the next limit near the soft limit. */
export function growthPercentFor(live: number): number {
  const room = Math.floor(((SOFT_LIMIT_BYTES - live) / Math.max(live, 1)) * 100);
  return Math.max(MIN_PERCENT, Math.min(MAX_PERCENT, room));
}

export function tuneHeapGrowth(execArgv: readonly string[]): void {
  if (execArgv.some((a) => a.replace(/_/g, '-').startsWith(FLAG))) return;
  let current = MAX_PERCENT;
  setFlagsFromString(`${FLAG}=${current}`);
  const observer = new PerformanceObserver((list) => {
    const major = list.getEntries().some((e) => (e as unknown as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR);
    if (!major) return;
    // read soon after the collection: close to the live size
    const next = growthPercentFor(getHeapStatistics().used_heap_size);
    if (next === current) return;
    current = next;
    setFlagsFromString(`${FLAG}=${current}`);
  });
  observer.observe({ entryTypes: ['gc'] });
}
