/**
 * ClusterIP and NodePort allocation inside the Service create/update path, as kube-apiserver's
 * service REST storage does it: allocate before storing, then commit or revert on the outcome.
 */
import { fieldErr, type FieldError } from '../apimachinery/field-errors.js';
import { invalid, internal } from '../apimachinery/status.js';
import { AllocatorError, ErrFull } from '../allocators/allocator-errors.js';
import type { IPAllocator } from '../allocators/ip-allocator.js';
import type { PortAllocator } from '../allocators/port-allocator.js';
import type { Finish } from '../registry/resource-definition.js';
import type { Service, ServicePort } from './service-types.js';

export interface ServiceAllocators {
  /** One allocator per configured family; the first is the primary (default) family. */
  ips: IPAllocator[];
  nodePorts: PortAllocator;
}

const GK = { group: '', kind: 'Service' };

export function needsClusterIP(svc: Service): boolean {
  return (svc.spec?.type ?? 'ClusterIP') !== 'ExternalName';
}

export function needsNodePorts(svc: Service): boolean {
  const type = svc.spec?.type;
  if (type === 'NodePort') return true;
  return type === 'LoadBalancer' && svc.spec?.allocateLoadBalancerNodePorts !== false;
}

export function needsHealthCheckNodePort(svc: Service): boolean {
  return svc.spec?.type === 'LoadBalancer' && svc.spec?.externalTrafficPolicy === 'Local';
}

export function isHeadless(svc: Service): boolean {
  return svc.spec?.clusterIP === 'None';
}

/** The addresses a stored Service holds (without `None`). */
function clusterIPsOf(svc: Service): string[] {
  if (!needsClusterIP(svc)) return [];
  return (svc.spec?.clusterIPs ?? (svc.spec?.clusterIP ? [svc.spec.clusterIP] : [])).filter((ip) => ip && ip !== 'None');
}

function nodePortsOf(svc: Service): number[] {
  const out = new Set<number>();
  for (const p of svc.spec?.ports ?? []) if (p.nodePort) out.add(p.nodePort);
  if (svc.spec?.healthCheckNodePort) out.add(svc.spec.healthCheckNodePort);
  return [...out];
}

/** Records what one request allocated so it can be undone. */
class Pending {
  readonly ips: [IPAllocator, string][] = [];
  readonly ports: number[] = [];
  constructor(readonly alloc: ServiceAllocators) {}
  revert(): void {
    for (const [a, ip] of this.ips) a.release(ip);
    for (const p of this.ports) this.alloc.nodePorts.release(p);
  }
}

function allocatorFor(alloc: ServiceAllocators, family: string): IPAllocator | undefined {
  return alloc.ips.find((a) => a.family === family);
}

function familyOf(ip: string): 'IPv4' | 'IPv6' {
  return ip.includes(':') ? 'IPv6' : 'IPv4';
}

/** Fills ipFamilies / ipFamilyPolicy and allocates the ClusterIPs a new Service needs. */
function allocateClusterIPs(svc: Service, alloc: ServiceAllocators, pending: Pending): FieldError[] {
  const spec = svc.spec!;
  const requested = (spec.clusterIPs ?? []).filter((ip) => ip !== '');
  if (isHeadless(svc)) {
    spec.clusterIPs = ['None'];
    spec.ipFamilyPolicy ??= 'SingleStack';
    spec.ipFamilies ??= [alloc.ips[0]!.family];
    return [];
  }
  const policy = spec.ipFamilyPolicy ?? 'SingleStack';
  let families = spec.ipFamilies?.length ? [...spec.ipFamilies] : requested.map(familyOf);
  if (families.length === 0) families = [alloc.ips[0]!.family];
  if (policy !== 'SingleStack' && families.length === 1 && alloc.ips.length > 1) {
    families.push(alloc.ips.find((a) => a.family !== families[0])!.family);
  }
  const errs: FieldError[] = [];
  for (const f of families) {
    if (!allocatorFor(alloc, f)) {
      if (policy === 'RequireDualStack' || spec.ipFamilies?.includes(f as 'IPv4')) {
        errs.push(fieldErr.invalid('spec.ipFamilies', f, 'not configured on this cluster'));
      }
    }
  }
  if (errs.length > 0) return errs;
  families = families.filter((f) => allocatorFor(alloc, f));
  const ips: string[] = [];
  families.forEach((family, i) => {
    const a = allocatorFor(alloc, family)!;
    const want = requested[i];
    try {
      if (want) {
        a.allocate(want);
        ips.push(want);
        pending.ips.push([a, want]);
      } else {
        const ip = a.allocateNext();
        ips.push(ip);
        pending.ips.push([a, ip]);
      }
    } catch (err) {
      if (!(err instanceof AllocatorError)) throw err;
      if (err instanceof ErrFull) throw internal(new Error(`failed to allocate a serviceIP: ${err.message}`));
      errs.push(fieldErr.invalid('spec.clusterIPs', requested, `failed to allocate IP ${want}: ${err.message}`));
    }
  });
  if (errs.length > 0) return errs;
  spec.clusterIPs = ips;
  spec.clusterIP = ips[0];
  spec.ipFamilies = families as ('IPv4' | 'IPv6')[];
  spec.ipFamilyPolicy = policy;
  return [];
}

/** Allocates every missing or requested node port; `keep` are the ports the Service already holds. */
function allocateNodePorts(svc: Service, alloc: ServiceAllocators, pending: Pending, keep: Set<number>): FieldError[] {
  const errs: FieldError[] = [];
  const spec = svc.spec!;
  const byPort = new Map<number, number>();
  const take = (port: number, path: string): boolean => {
    if (keep.has(port) || pending.ports.includes(port)) return true;
    try {
      alloc.nodePorts.allocate(port);
      pending.ports.push(port);
      return true;
    } catch (err) {
      if (!(err instanceof AllocatorError)) throw err;
      errs.push(fieldErr.invalid(path, port, err.message));
      return false;
    }
  };
  const next = (): number => {
    try {
      const p = alloc.nodePorts.allocateNext();
      pending.ports.push(p);
      return p;
    } catch (err) {
      if (err instanceof ErrFull) throw internal(new Error(`failed to allocate a nodePort: ${err.message}`));
      throw err;
    }
  };
  (spec.ports ?? []).forEach((p: ServicePort, i) => {
    if (!needsNodePorts(svc)) return;
    if (p.nodePort) {
      take(p.nodePort, `spec.ports[${i}].nodePort`);
      byPort.set(p.port ?? 0, p.nodePort);
    } else {
      // as upstream: the same service port over TCP and UDP shares one node port
      const shared = byPort.get(p.port ?? 0);
      p.nodePort = shared ?? next();
      byPort.set(p.port ?? 0, p.nodePort);
    }
  });
  if (needsHealthCheckNodePort(svc)) {
    if (spec.healthCheckNodePort) take(spec.healthCheckNodePort, 'spec.healthCheckNodePort');
    else spec.healthCheckNodePort = next();
  }
  return errs;
}

/** beginCreate: allocate everything a new Service needs. */
export function beginServiceCreate(svc: Service, alloc: ServiceAllocators): Finish {
  const pending = new Pending(alloc);
  try {
    const errs = needsClusterIP(svc) ? allocateClusterIPs(svc, alloc, pending) : [];
    if (errs.length === 0) errs.push(...allocateNodePorts(svc, alloc, pending, new Set()));
    if (errs.length > 0) throw invalid(GK, svc.metadata.name ?? '', errs);
  } catch (err) {
    pending.revert();
    throw err;
  }
  return (ok) => {
    if (!ok) pending.revert();
  };
}

/** beginUpdate: allocate what the new spec adds; release what it drops once the write is stored. */
export function beginServiceUpdate(next: Service, prev: Service, alloc: ServiceAllocators): Finish {
  const pending = new Pending(alloc);
  try {
    const errs: FieldError[] = [];
    if (needsClusterIP(next) && clusterIPsOf(prev).length === 0 && !isHeadless(prev)) {
      errs.push(...allocateClusterIPs(next, alloc, pending));
    }
    if (errs.length === 0) errs.push(...allocateNodePorts(next, alloc, pending, new Set(nodePortsOf(prev))));
    if (errs.length > 0) throw invalid(GK, next.metadata.name ?? '', errs);
  } catch (err) {
    pending.revert();
    throw err;
  }
  return (ok) => {
    if (!ok) {
      pending.revert();
      return;
    }
    const keptIPs = new Set(clusterIPsOf(next));
    for (const ip of clusterIPsOf(prev)) if (!keptIPs.has(ip)) allocatorFor(alloc, familyOf(ip))?.release(ip);
    const keptPorts = new Set(nodePortsOf(next));
    for (const p of nodePortsOf(prev)) if (!keptPorts.has(p)) alloc.nodePorts.release(p);
  };
}

/** afterDelete: the Service's addresses and ports are free again. */
export function releaseService(svc: Service, alloc: ServiceAllocators): void {
  for (const ip of clusterIPsOf(svc)) allocatorFor(alloc, familyOf(ip))?.release(ip);
  for (const p of nodePortsOf(svc)) alloc.nodePorts.release(p);
}

export interface RepairReport {
  /** Addresses or ports claimed by more than one Service. */
  duplicates: string[];
  /** Addresses or ports outside the configured ranges (e.g. after a flag change). */
  outOfRange: string[];
}

/** Marks every stored Service's allocations (start-up repair), reporting what does not fit. */
export function markAllocated(services: Service[], alloc: ServiceAllocators): RepairReport {
  const report: RepairReport = { duplicates: [], outOfRange: [] };
  for (const svc of services) {
    const who = `${svc.metadata.namespace}/${svc.metadata.name}`;
    for (const ip of clusterIPsOf(svc)) {
      const a = allocatorFor(alloc, familyOf(ip));
      if (!a || !a.contains(ip)) report.outOfRange.push(`${who} clusterIP ${ip}`);
      else if (a.has(ip)) report.duplicates.push(`${who} clusterIP ${ip}`);
      else a.allocate(ip);
    }
    for (const p of nodePortsOf(svc)) {
      if (!alloc.nodePorts.contains(p)) report.outOfRange.push(`${who} nodePort ${p}`);
      else if (alloc.nodePorts.has(p)) report.duplicates.push(`${who} nodePort ${p}`);
      else alloc.nodePorts.allocate(p);
    }
  }
  return report;
}
