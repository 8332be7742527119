/**
 * A compact allocation bitmap, after kubernetes pkg/registry/core/service/allocator/bitmap.go.
 *
 * Slot `i` is taken when bit `i` is set. Dynamic allocation follows kube's
 * randomScanStrategyWithOffset: the slots below `offset` form a band kept for explicit
 * (static) requests, so `allocateNext` picks a random slot in the upper band, scans forward
 * (wrapping) for a free one, and only falls back to the lower band once the upper one is full.
 */

/** A source of uniform numbers in [0, 1), like Math.random. Injected so tests are deterministic. */
export type RandomSource = () => number;

export interface BitmapOptions {
  /** Size of the lower band reserved for explicit allocations (kube's range offset). Default 0. */
  offset?: number;
  /** Where `allocateNext` starts scanning. Default Math.random. */
  random?: RandomSource;
}

const FULL_WORD = 0xffffffff;

export class AllocationBitmap {
  readonly size: number;
  readonly offset: number;
  readonly #random: RandomSource;
  #words: Uint32Array;
  #count = 0;

  constructor(size: number, opts: BitmapOptions = {}) {
    if (!Number.isInteger(size) || size < 0) throw new RangeError(`invalid bitmap size ${size}`);
    const offset = opts.offset ?? 0;
    if (!Number.isInteger(offset) || offset < 0 || (offset > 0 && offset >= size)) {
      throw new RangeError(`invalid bitmap offset ${offset} for size ${size}`);
    }
    this.size = size;
    this.offset = offset;
    this.#random = opts.random ?? Math.random;
    this.#words = new Uint32Array(Math.ceil(size / 32));
  }

  /** Marks slot `i` taken. Returns false if it already was; throws RangeError outside [0, size). */
  allocate(i: number): boolean {
    this.#check(i);
    const w = i >>> 5;
    const bit = 1 << (i & 31);
    if ((this.#words[w]! & bit) !== 0) return false;
    this.#words[w]! |= bit;
    this.#count++;
    return true;
  }

  /** Takes a free slot (upper band first) and returns it, or undefined when every slot is taken. */
  allocateNext(): number | undefined {
    if (this.#count >= this.size) return undefined;
    const upper = this.size - this.offset;
    const inUpper = this.#scan(this.offset, upper, this.#pick(upper));
    const found = inUpper ?? (this.offset > 0 ? this.#scan(0, this.offset, this.#pick(this.offset)) : undefined);
    if (found === undefined) return undefined;
    this.#words[found >>> 5]! |= 1 << (found & 31);
    this.#count++;
    return found;
  }

  /** Frees slot `i`. Releasing a free or out-of-range slot is a no-op (as kube); returns whether it was taken. */
  release(i: number): boolean {
    if (!Number.isInteger(i) || i < 0 || i >= this.size) return false;
    const w = i >>> 5;
    const bit = 1 << (i & 31);
    if ((this.#words[w]! & bit) === 0) return false;
    this.#words[w]! &= ~bit;
    this.#count--;
    return true;
  }

  has(i: number): boolean {
    if (!Number.isInteger(i) || i < 0 || i >= this.size) return false;
    return (this.#words[i >>> 5]! & (1 << (i & 31))) !== 0;
  }

  free(): number {
    return this.size - this.#count;
  }

  used(): number {
    return this.#count;
  }

  /** Calls `fn` for every taken slot in ascending order. Do not mutate the bitmap from `fn`. */
  forEach(fn: (i: number) => void): void {
    for (let w = 0; w < this.#words.length; w++) {
      let word = this.#words[w]!;
      while (word !== 0) {
        const low = word & -word;
        fn(w * 32 + (31 - Math.clz32(low)));
        word = (word & ~low) >>> 0;
      }
    }
  }

  /** A copy of the bits, one per slot, little-endian within each byte. */
  snapshot(): Uint8Array {
    return new Uint8Array(this.#words.buffer.slice(0), 0, Math.ceil(this.size / 8));
  }

  /** Replaces the state with a snapshot taken from a bitmap of the same size. */
  restore(data: Uint8Array): void {
    if (data.length !== Math.ceil(this.size / 8)) {
      throw new RangeError('the provided snapshot does not match the current range');
    }
    const words = new Uint32Array(this.#words.length);
    new Uint8Array(words.buffer).set(data);
    const tail = this.size & 31;
    if (tail !== 0) words[words.length - 1]! &= (1 << tail) - 1;
    let count = 0;
    for (const word of words) count += popcount(word);
    this.#words = words;
    this.#count = count;
  }

  #check(i: number): void {
    if (!Number.isInteger(i) || i < 0 || i >= this.size) {
      throw new RangeError(`offset ${i} out of range [0,${this.size}]`);
    }
  }

  #pick(n: number): number {
    return Math.min(n - 1, Math.floor(this.#random() * n));
  }

  /** First free slot in [lo, lo+n) starting at lo+start and wrapping; skips full words. */
  #scan(lo: number, n: number, start: number): number | undefined {
    if (n <= 0) return undefined;
    const hi = lo + n;
    return this.#firstFree(lo + start, hi) ?? this.#firstFree(lo, lo + start);
  }

  #firstFree(from: number, to: number): number | undefined {
    let i = from;
    while (i < to) {
      const w = i >>> 5;
      const word = this.#words[w]!;
      if (word === FULL_WORD) {
        i = (w + 1) * 32;
        continue;
      }
      // Free bits at or above position (i & 31) in this word.
      const freeBits = (~word & (FULL_WORD << (i & 31))) >>> 0;
      if (freeBits === 0) {
        i = (w + 1) * 32;
        continue;
      }
      const low = freeBits & -freeBits;
      const found = w * 32 + (31 - Math.clz32(low));
      return found < to ? found : undefined;
    }
    return undefined;
  }
}

function popcount(x: number): number {
  let v = x >>> 0;
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** A deterministic RandomSource (mulberry32) for tests and reproducible runs. */
export function seededRandom(seed: number): RandomSource {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Always starts scans at the bottom of each band: allocation becomes contiguous, like kube's contiguous strategy. */
export const lowestFirst: RandomSource = () => 0;
