/**
 * NodePort allocation, after kubernetes pkg/registry/core/service/portallocator/allocator.go
 * and k8s.io/apimachinery/pkg/util/net/port_range.go.
 *
 * The lowest `min(max(16, size/32), 128)` ports form the static band (KEP-3668): for the
 * default 30000-32767 that is 30000-30085, which `allocateNext` only uses once the rest is full.
 */
import { AllocationBitmap } from './bitmap.js';
import type { RandomSource } from './bitmap.js';
import { ErrAllocated, ErrFull, ErrNotInRange } from './allocator-errors.js';

/** A contiguous port range: `base` and the `size` ports after it. */
export interface PortRange {
  base: number;
  size: number;
}

/**
 * Parses `30000-32767`, `30000+2767` (base plus offset: the same range) or a single port,
 * with PortRange.Set's error messages. An empty string is the empty range.
 */
export function parsePortRange(value: string): PortRange {
  const text = value.trim();
  if (text === '') return { base: 0, size: 0 };
  const hyphen = text.indexOf('-');
  const plus = text.indexOf('+');
  let low: number;
  let high: number;
  if (hyphen >= 0 && plus >= 0) throw new TypeError(`unable to parse port range: ${text}`);
  if (hyphen >= 0) {
    low = atoi(text.slice(0, hyphen));
    high = atoi(text.slice(hyphen + 1));
  } else if (plus >= 0) {
    low = atoi(text.slice(0, plus));
    high = low + atoi(text.slice(plus + 1));
  } else {
    low = high = atoi(text);
  }
  if (low > 65535 || high > 65535) throw new TypeError(`the port range cannot be greater than 65535: ${text}`);
  if (high < low) throw new TypeError(`end port cannot be less than start port: ${text}`);
  return { base: low, size: 1 + high - low };
}

/** `30000-32767`, as PortRange.String (empty for the empty range). */
export function formatPortRange(pr: PortRange): string {
  return pr.size === 0 ? '' : `${pr.base}-${pr.base + pr.size - 1}`;
}

function atoi(s: string): number {
  if (!/^[+-]?\d+$/.test(s)) throw new TypeError(`strconv.Atoi: parsing ${JSON.stringify(s)}: invalid syntax`);
  return Number(s);
}

function staticBandSize(size: number): number {
  if (size <= 16) return 0;
  return Math.min(128, Math.max(16, Math.floor(size / 32)));
}

export interface PortAllocatorOptions {
  /** Random source for `allocateNext`; default Math.random. */
  random?: RandomSource;
}

/** Allocates NodePorts from one range. Not persistent: the repair loop rebuilds it from stored Services. */
export class PortAllocator {
  readonly base: number;
  readonly size: number;
  /** `30000-32767`: the text used in error messages. */
  readonly range: string;
  readonly #bits: AllocationBitmap;

  constructor(range: string | PortRange, opts: PortAllocatorOptions = {}) {
    const pr = typeof range === 'string' ? parsePortRange(range) : range;
    this.base = pr.base;
    this.size = pr.size;
    this.range = formatPortRange(pr);
    const band = staticBandSize(pr.size);
    this.#bits = new AllocationBitmap(pr.size, {
      offset: band < pr.size ? band : 0,
      ...(opts.random ? { random: opts.random } : {}),
    });
  }

  /** Reserves `port`. Throws ErrNotInRange or ErrAllocated. */
  allocate(port: number): void {
    if (!this.contains(port)) throw new ErrNotInRange('port', String(port), this.range);
    if (!this.#bits.allocate(port - this.base)) throw new ErrAllocated('port');
  }

  /** Reserves and returns a free port, preferring the dynamic band. Throws ErrFull. */
  allocateNext(): number {
    const offset = this.#bits.allocateNext();
    if (offset === undefined) throw new ErrFull('port', this.range);
    return this.base + offset;
  }

  /** Returns `port` to the pool; a free or out-of-range port is a no-op, as upstream. */
  release(port: number): void {
    if (this.contains(port)) this.#bits.release(port - this.base);
  }

  has(port: number): boolean {
    return this.contains(port) && this.#bits.has(port - this.base);
  }

  contains(port: number): boolean {
    return Number.isInteger(port) && port >= this.base && port - this.base < this.size;
  }

  free(): number {
    return this.#bits.free();
  }

  used(): number {
    return this.#bits.used();
  }

  forEach(fn: (port: number) => void): void {
    this.#bits.forEach((offset) => fn(this.base + offset));
  }

  snapshot(): { range: string; data: Uint8Array } {
    return { range: this.range, data: this.#bits.snapshot() };
  }

  restore(snap: { range: string; data: Uint8Array }): void {
    if (snap.range !== this.range) throw new Error('the provided port range does not match the current port range');
    this.#bits.restore(snap.data);
  }
}
