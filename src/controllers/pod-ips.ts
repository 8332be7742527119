/**
 * Pod IP allocation from the nodes' podCIDRs, as the host-local CNI IPAM (kind's kindnet) does
 * it: round-robin, continuing after the last address handed out in that range, so a freed IP is
 * reused only after the range wraps around. The network address, the gateway (network + 1, the
 * node's bridge) and the IPv4 broadcast address are never handed out. The state is in memory
 * only: the pod lifecycle controller rebuilds it from the stored pods (`reserve`) before it
 * allocates anything, and the round-robin cursor then resumes after the highest address in use.
 */
import { ErrFull } from '../allocators/allocator-errors.js';
import { formatIP, parseIP, parseRange, type IPRange } from '../allocators/ip-allocator.js';

// scanning an IPv6 /64 address by address is fine while pods are few; give up well before that hurts
const MAX_SCAN = 1n << 20n;

export class PodIPAllocator {
  /** ip → owner */
  readonly #owners = new Map<string, string>();
  /** owner → ips, in allocation order */
  readonly #ips = new Map<string, string[]>();
  readonly #ranges = new Map<string, IPRange>();
  /** range → offset of the address last handed out */
  readonly #cursors = new Map<string, bigint>();

  /** The next free address of `cidr` after the last one handed out, for `owner`. Throws ErrFull when none is left. */
  allocate(cidr: string, owner: string): string {
    const range = this.#range(cidr);
    const size = 1n << BigInt(range.bits - range.prefix);
    const first = 2n;
    const last = range.family === 'IPv4' ? size - 2n : size - 1n;
    if (last < first) throw new ErrFull('IP', range.cidr);
    let offset = this.#cursors.get(range.cidr) ?? this.#highestUsed(range) ?? first - 1n;
    const count = last - first + 1n;
    for (let i = 0n; i < count && i < MAX_SCAN; i++) {
      offset = offset >= last || offset < first ? first : offset + 1n;
      const ip = formatIP(range.network + offset, range.family);
      if (this.#owners.has(ip)) continue;
      this.#add(ip, owner);
      this.#cursors.set(range.cidr, offset);
      return ip;
    }
    throw new ErrFull('IP', range.cidr);
  }

  /** Marks `ip` as used by `owner` (rebuilding from stored pods). False when someone else holds it. */
  reserve(ip: string, owner: string): boolean {
    const canonical = canonicalIP(ip);
    if (canonical === undefined) return false;
    const current = this.#owners.get(canonical);
    if (current !== undefined) return current === owner;
    this.#add(canonical, owner);
    return true;
  }

  /** Frees every address of `owner`; returns them. */
  release(owner: string): string[] {
    const ips = this.#ips.get(owner) ?? [];
    for (const ip of ips) this.#owners.delete(ip);
    this.#ips.delete(owner);
    return ips;
  }

  /** The addresses `owner` holds, in allocation order. */
  owned(owner: string): readonly string[] {
    return this.#ips.get(owner) ?? [];
  }

  ownerOf(ip: string): string | undefined {
    const canonical = canonicalIP(ip);
    return canonical === undefined ? undefined : this.#owners.get(canonical);
  }

  get size(): number {
    return this.#owners.size;
  }

  #add(ip: string, owner: string): void {
    this.#owners.set(ip, owner);
    const list = this.#ips.get(owner);
    if (list) list.push(ip);
    else this.#ips.set(owner, [ip]);
  }

  /** Offset of the highest address in use inside `range` (where the cursor resumes after a rebuild). */
  #highestUsed(range: IPRange): bigint | undefined {
    let highest: bigint | undefined;
    for (const ip of this.#owners.keys()) {
      const parsed = parseIP(ip);
      if (!parsed || parsed.family !== range.family) continue;
      const offset = parsed.value - range.network;
      if (offset >= 0n && offset < 1n << BigInt(range.bits - range.prefix) && (highest === undefined || offset > highest)) highest = offset;
    }
    return highest;
  }

  #range(cidr: string): IPRange {
    let r = this.#ranges.get(cidr);
    if (!r) {
      r = parseRange(cidr);
      this.#ranges.set(cidr, r);
    }
    return r;
  }
}

function canonicalIP(ip: string): string | undefined {
  const parsed = parseIP(ip);
  return parsed ? formatIP(parsed.value, parsed.family) : undefined;
}

/** Whether `ip` lies inside `cidr` (same family, same network prefix). */
export function cidrContains(cidr: string, ip: string): boolean {
  const parsed = parseIP(ip);
  if (!parsed) return false;
  const range = parseRange(cidr);
  if (range.family !== parsed.family) return false;
  const hostBits = BigInt(range.bits - range.prefix);
  return (parsed.value >> hostBits) << hostBits === range.network;
}

/**
 * The `index`-th subnet of `clusterCIDR` with prefix `/maskSize` (the node IPAM controller's
 * assignment: node 0 gets 10.244.0.0/24, node 1 10.244.1.0/24, …). Undefined when it does not fit.
 */
export function nthSubnet(clusterCIDR: string, maskSize: number, index: number): string | undefined {
  const range = parseRange(clusterCIDR);
  if (maskSize < range.prefix || maskSize > range.bits) return undefined;
  const count = 1n << BigInt(maskSize - range.prefix);
  const i = BigInt(index);
  if (i < 0n || i >= count) return undefined;
  const network = range.network + (i << BigInt(range.bits - maskSize));
  return `${formatIP(network, range.family)}/${maskSize}`;
}
