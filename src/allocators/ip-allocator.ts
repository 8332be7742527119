/**
 * Service ClusterIP allocation over one CIDR, after kubernetes
 * pkg/registry/core/service/ipallocator/bitmap.go (the `Range` type).
 *
 * Layout, as upstream: the network address is never handed out and, for IPv4, neither is the
 * broadcast address; slot 0 of the bitmap is the first usable address (10.96.0.1 in
 * 10.96.0.0/12). IPv6 ranges are capped at 65536 addresses because the bitmap is kept in full.
 * The lowest `min(max(16, size/16), 256)` usable addresses form the static band (KEP-3070):
 * `allocateNext` uses it only once the upper band is full, so explicit requests rarely collide.
 */
import ipaddr from 'ipaddr.js';
import { AllocationBitmap } from './bitmap.js';
import type { RandomSource } from './bitmap.js';
import { ErrAllocated, ErrFull, ErrNotInRange } from './allocator-errors.js';

export type IPFamily = 'IPv4' | 'IPv6';

/** A parsed CIDR, normalised to its network address like Go's ParseCIDR. */
export interface IPRange {
  /** Canonical text, e.g. `10.96.0.0/12`, `fd00:10:96::/112`. */
  cidr: string;
  family: IPFamily;
  /** The network address as an integer. */
  network: bigint;
  prefix: number;
  /** 32 or 128. */
  bits: number;
}

/** Parses `10.96.0.0/12` (host bits are masked off, as Go does). Throws TypeError when invalid. */
export function parseRange(cidr: string): IPRange {
  const slash = cidr.indexOf('/');
  const addr = slash < 0 ? undefined : parseIP(cidr.slice(0, slash));
  const prefixText = slash < 0 ? '' : cidr.slice(slash + 1);
  if (addr === undefined || !/^\d{1,3}$/.test(prefixText)) throw new TypeError(`invalid CIDR address: ${cidr}`);
  const prefix = Number(prefixText);
  const bits = addr.family === 'IPv4' ? 32 : 128;
  if (prefix > bits) throw new TypeError(`invalid CIDR address: ${cidr}`);
  const hostBits = BigInt(bits - prefix);
  const network = (addr.value >> hostBits) << hostBits;
  return { cidr: `${formatIP(network, addr.family)}/${prefix}`, family: addr.family, network, prefix, bits };
}

/** Parses an IP address as Go's ParseIPSloppy would (IPv4 octets are decimal even with leading zeros). */
export function parseIP(text: string): { family: IPFamily; value: bigint } | undefined {
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(text)) {
    const octets = text.split('.').map(Number);
    if (octets.some((o) => o > 255)) return undefined;
    return { family: 'IPv4', value: octets.reduce((acc, o) => (acc << 8n) | BigInt(o), 0n) };
  }
  if (!text.includes(':') || !ipaddr.IPv6.isValid(text) || text.includes('%')) return undefined;
  const v6 = ipaddr.IPv6.parse(text);
  if (v6.isIPv4MappedAddress()) return parseIP(v6.toIPv4Address().toString());
  return { family: 'IPv6', value: v6.toByteArray().reduce((acc, b) => (acc << 8n) | BigInt(b), 0n) };
}

/** Formats an address integer the way Go's net.IP.String does (RFC 5952 for IPv6). */
export function formatIP(value: bigint, family: IPFamily): string {
  const n = family === 'IPv4' ? 4 : 16;
  const bytes: number[] = [];
  for (let i = n - 1; i >= 0; i--) bytes.push(Number((value >> BigInt(i * 8)) & 0xffn));
  return family === 'IPv4' ? bytes.join('.') : ipaddr.fromByteArray(bytes).toString();
}

/** Number of addresses in the CIDR, saturated like netutils.RangeSize (IPv6 /64 and wider). */
function rangeSize(r: IPRange): number {
  const hostBits = r.bits - r.prefix;
  if (r.family === 'IPv6' && hostBits >= 64) return Number.MAX_SAFE_INTEGER;
  return 2 ** hostBits;
}

/** Size of the static band: min(max(16, size/16), 256), 0 for ranges of 16 addresses or fewer. */
function staticBandSize(r: IPRange): number {
  const size = rangeSize(r);
  if (size <= 16) return 0;
  return Math.min(256, Math.max(16, Math.floor(size / 16)));
}

const MAX_IPV6_RANGE = 65536;

export interface IPAllocatorOptions {
  /** Random source for `allocateNext`; default Math.random. */
  random?: RandomSource;
}

/** Allocates Service IPs from one CIDR. Not persistent: the repair loop rebuilds it from stored Services. */
export class IPAllocator {
  readonly cidr: string;
  readonly family: IPFamily;
  /** Number of allocatable addresses. */
  readonly size: number;
  readonly #range: IPRange;
  /** Address of bitmap slot 0 (network + 1). */
  readonly #base: bigint;
  readonly #bits: AllocationBitmap;

  constructor(cidr: string, opts: IPAllocatorOptions = {}) {
    this.#range = parseRange(cidr);
    this.cidr = this.#range.cidr;
    this.family = this.#range.family;
    let max = rangeSize(this.#range);
    if (this.family === 'IPv6') max = Math.min(max, MAX_IPV6_RANGE);
    else max--; // never the broadcast address
    max--; // never the network address
    this.size = Math.max(0, max);
    this.#base = this.#range.network + 1n;
    const band = staticBandSize(this.#range);
    this.#bits = new AllocationBitmap(this.size, {
      offset: band < this.size ? band : 0,
      ...(opts.random ? { random: opts.random } : {}),
    });
  }

  /** Reserves `ip`. Throws ErrNotInRange (outside the usable range) or ErrAllocated. */
  allocate(ip: string): void {
    const offset = this.#offsetOf(ip);
    if (offset === undefined) throw new ErrNotInRange('IP', ip, this.cidr);
    if (!this.#bits.allocate(offset)) throw new ErrAllocated('IP');
  }

  /** Reserves and returns a free address, preferring the dynamic band. Throws ErrFull. */
  allocateNext(): string {
    const offset = this.#bits.allocateNext();
    if (offset === undefined) throw new ErrFull('IP', this.cidr);
    return this.#ipAt(offset);
  }

  /** Returns `ip` to the pool. Releasing a free or out-of-range address is a no-op, as upstream. */
  release(ip: string): void {
    const offset = this.#offsetOf(ip);
    if (offset !== undefined) this.#bits.release(offset);
  }

  /** Whether `ip` is taken, i.e. `allocate(ip)` would throw ErrAllocated. */
  has(ip: string): boolean {
    const offset = this.#offsetOf(ip);
    return offset !== undefined && this.#bits.has(offset);
  }

  /** Whether `ip` is an allocatable address of this range (not the network or broadcast address). */
  contains(ip: string): boolean {
    return this.#offsetOf(ip) !== undefined;
  }

  free(): number {
    return this.#bits.free();
  }

  used(): number {
    return this.#bits.used();
  }

  /** The first usable address: the `kubernetes` Service IP (10.96.0.1 for 10.96.0.0/12). */
  firstAddress(): string {
    if (this.size === 0) throw new ErrFull('IP', this.cidr);
    return this.#ipAt(0);
  }

  /** Calls `fn` for every allocated address, in ascending order. */
  forEach(fn: (ip: string) => void): void {
    this.#bits.forEach((offset) => fn(this.#ipAt(offset)));
  }

  /** The allocation state, for copying into another allocator over the same CIDR. */
  snapshot(): { range: string; data: Uint8Array } {
    return { range: this.cidr, data: this.#bits.snapshot() };
  }

  restore(snap: { range: string; data: Uint8Array }): void {
    if (parseRange(snap.range).cidr !== this.cidr) {
      throw new Error('the provided network does not match the current range');
    }
    this.#bits.restore(snap.data);
  }

  #offsetOf(ip: string): number | undefined {
    const parsed = parseIP(ip);
    if (parsed === undefined || parsed.family !== this.family) return undefined;
    const hostBits = BigInt(this.#range.bits - this.#range.prefix);
    if (parsed.value >> hostBits !== this.#range.network >> hostBits) return undefined;
    const offset = parsed.value - this.#base;
    if (offset < 0n || offset >= BigInt(this.size)) return undefined;
    return Number(offset);
  }

  #ipAt(offset: number): string {
    return formatIP(this.#base + BigInt(offset), this.family);
  }
}
