/**
 * The desired core/v1 Endpoints of a Service, as kube-controller-manager's endpoints controller
 * computes it (pkg/controller/endpoint, pkg/api/v1/endpoints.RepackSubsets). Pure.
 */
import { isDeepStrictEqual } from 'node:util';
import type { KObject, ObjectMeta } from '../apimachinery/meta.js';
import type { Service, ServicePort } from '../resources/service-types.js';
import {
  ANNOTATION_TRIGGER_TIME,
  LABEL_HEADLESS,
  findPort,
  isIPv6,
  isPodReady,
  isServiceIPSet,
  podIPs,
  shouldPodBeInEndpoints,
  shouldSetHostname,
  type EndpointsPod,
  type ObjectReference,
} from './endpoints-pods.js';

export interface EndpointAddress {
  ip: string;
  hostname?: string;
  nodeName?: string;
  targetRef?: ObjectReference;
}

export interface EndpointPort {
  name?: string;
  port: number;
  protocol?: string;
  appProtocol?: string;
}

export interface EndpointSubset {
  addresses?: EndpointAddress[];
  notReadyAddresses?: EndpointAddress[];
  ports?: EndpointPort[];
}

export interface Endpoints extends KObject {
  subsets?: EndpointSubset[];
}

// as upstream's endpoints controller: at most this many addresses in one Endpoints object
export const MAX_ENDPOINTS_CAPACITY = 1000;
export const ANNOTATION_OVER_CAPACITY = 'endpoints.kubernetes.io/over-capacity';
export const OVER_CAPACITY_TRUNCATED = 'truncated';

/** podToEndpointAddressForService: the pod's IP of the service's (first) family, or undefined. */
export function podAddressForService(svc: Service, pod: EndpointsPod): EndpointAddress | undefined {
  let v6: boolean;
  const families = svc.spec?.ipFamilies ?? [];
  if (families.length > 0) v6 = families[0] === 'IPv6';
  else if (isServiceIPSet(svc)) v6 = isIPv6(svc.spec!.clusterIP!);
  else v6 = isIPv6(pod.status?.podIP ?? '');
  const ip = podIPs(pod).find((a) => isIPv6(a) === v6);
  if (!ip) return undefined;
  const addr: EndpointAddress = {
    ip,
    // upstream always sets the pointer, so an unscheduled pod shows nodeName ""
    nodeName: pod.spec?.nodeName ?? '',
    targetRef: { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid },
  };
  if (shouldSetHostname(pod, svc)) return { ip, hostname: pod.spec!.hostname, nodeName: addr.nodeName, targetRef: addr.targetRef };
  return addr;
}

function endpointPortFor(sp: ServicePort, port: number): EndpointPort {
  const out: EndpointPort = { port };
  if (sp.name) out.name = sp.name;
  out.protocol = sp.protocol ?? 'TCP';
  if (sp.appProtocol !== undefined) out.appProtocol = sp.appProtocol;
  return out;
}

/** The service's subsets before truncation, repacked and sorted. */
export function computeSubsets(svc: Service, pods: readonly EndpointsPod[]): EndpointSubset[] {
  const tolerateUnready = svc.spec?.publishNotReadyAddresses === true;
  const ports = svc.spec?.ports ?? [];
  const raw: EndpointSubset[] = [];
  for (const pod of pods) {
    if (!shouldPodBeInEndpoints(pod, tolerateUnready)) continue;
    const addr = podAddressForService(svc, pod);
    if (!addr) continue;
    const ready = tolerateUnready || isPodReady(pod);
    const add = (epPorts: EndpointPort[]) =>
      raw.push(ready ? { addresses: [addr], ports: epPorts } : { notReadyAddresses: [addr], ports: epPorts });
    if (ports.length === 0) {
      // a headless service may have no ports: its subsets carry addresses only
      if (svc.spec?.clusterIP === 'None') add([]);
      continue;
    }
    for (const sp of ports) {
      const num = findPort(pod, sp);
      if (num === undefined) continue;
      add([endpointPortFor(sp, num)]);
    }
  }
  return repackSubsets(raw);
}

function addressKey(a: EndpointAddress): string {
  return `${a.ip}\u0000${a.targetRef?.uid ?? ''}`;
}

function portKey(p: EndpointPort | undefined): string {
  return p === undefined ? '' : JSON.stringify([p.name ?? '', p.port, p.protocol ?? '', p.appProtocol ?? null]);
}

/** LessEndpointAddress: by IP (bytes), then targetRef UID. */
function compareAddresses(a: EndpointAddress, b: EndpointAddress): number {
  if (a.ip !== b.ip) return a.ip < b.ip ? -1 : 1;
  const ua = a.targetRef?.uid;
  const ub = b.targetRef?.uid;
  if (ub === undefined) return ua === undefined ? 0 : 1;
  if (ua === undefined) return -1;
  return ua < ub ? -1 : ua > ub ? 1 : 0;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * RepackSubsets: every address offering the same set of ports (with the same readiness) lands
 * in one subset; not-ready wins when an address is listed both ways for a port. Addresses are
 * sorted by IP then UID. Upstream orders ports and subsets by an md5 of their Go dump, an
 * opaque but stable order; ours is as stable: by their JSON.
 */
export function repackSubsets(subsets: readonly EndpointSubset[]): EndpointSubset[] {
  const allAddrs = new Map<string, EndpointAddress>();
  // portKey → (port, addressKey → ready); '' is the sentinel for subsets without ports
  const byPort = new Map<string, { port: EndpointPort | undefined; addrs: Map<string, boolean> }>();
  const note = (addr: EndpointAddress, port: EndpointPort | undefined, ready: boolean) => {
    const ak = addressKey(addr);
    if (!allAddrs.has(ak)) allAddrs.set(ak, addr);
    const pk = portKey(port);
    let entry = byPort.get(pk);
    if (!entry) byPort.set(pk, (entry = { port, addrs: new Map() }));
    const was = entry.addrs.get(ak);
    if (was === undefined || was) entry.addrs.set(ak, ready);
  };
  for (const ss of subsets) {
    const ports: (EndpointPort | undefined)[] = ss.ports && ss.ports.length > 0 ? ss.ports : [undefined];
    for (const port of ports) {
      for (const a of ss.addresses ?? []) note(a, port, true);
      for (const a of ss.notReadyAddresses ?? []) note(a, port, false);
    }
  }
  const groups = new Map<string, { addrs: Map<string, boolean>; ports: EndpointPort[] }>();
  for (const { port, addrs } of byPort.values()) {
    const key = [...addrs.entries()]
      .map(([k, r]) => `${k}\u0001${r ? 1 : 0}`)
      .sort()
      .join('\u0002');
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { addrs, ports: [] }));
    if (port) g.ports.push(port);
  }
  const out: EndpointSubset[] = [];
  for (const g of groups.values()) {
    const ready: EndpointAddress[] = [];
    const notReady: EndpointAddress[] = [];
    for (const [k, r] of g.addrs) (r ? ready : notReady).push(allAddrs.get(k)!);
    ready.sort(compareAddresses);
    notReady.sort(compareAddresses);
    const ss: EndpointSubset = {};
    if (ready.length > 0) ss.addresses = ready;
    if (notReady.length > 0) ss.notReadyAddresses = notReady;
    if (g.ports.length > 0) ss.ports = [...g.ports].sort((a, b) => compareStrings(portKey(a), portKey(b)));
    out.push(ss);
  }
  return out.sort((a, b) => compareStrings(JSON.stringify(a), JSON.stringify(b)));
}

function countAddresses(subsets: readonly EndpointSubset[]): { ready: number; notReady: number } {
  let ready = 0;
  let notReady = 0;
  for (const ss of subsets) {
    ready += ss.addresses?.length ?? 0;
    notReady += ss.notReadyAddresses?.length ?? 0;
  }
  return { ready, notReady };
}

/**
 * truncateEndpoints: cut to `max` addresses, ready ones first, each subset keeping its share
 * (rounded up) of what is kept. Returns the truncated subsets, or undefined when under capacity.
 */
export function truncateSubsets(subsets: readonly EndpointSubset[], max = MAX_ENDPOINTS_CAPACITY): EndpointSubset[] | undefined {
  const { ready: totalReady, notReady: totalNotReady } = countAddresses(subsets);
  if (totalReady + totalNotReady <= max) return undefined;
  const truncateReady = totalReady > max;
  const keep = truncateReady ? max : max - totalReady;
  const numTotal = truncateReady ? totalReady : totalNotReady;
  let canBeAdded = keep;
  return subsets.map((ss) => {
    const inSubset = truncateReady ? (ss.addresses?.length ?? 0) : (ss.notReadyAddresses?.length ?? 0);
    const toBeAdded = Math.min(Math.ceil((inSubset / numTotal) * keep), canBeAdded);
    const out: EndpointSubset = { ...ss };
    if (truncateReady) {
      out.addresses = (ss.addresses ?? []).slice(0, toBeAdded);
      delete out.notReadyAddresses;
      canBeAdded -= out.addresses.length;
      if (out.addresses.length === 0) delete out.addresses;
    } else {
      out.notReadyAddresses = (ss.notReadyAddresses ?? []).slice(0, toBeAdded);
      canBeAdded -= out.notReadyAddresses.length;
      if (out.notReadyAddresses.length === 0) delete out.notReadyAddresses;
    }
    return out;
  });
}

function normalizeAddress(a: EndpointAddress): unknown {
  const { resourceVersion: _rv, ...ref } = a.targetRef ?? {};
  void _rv;
  return { ip: a.ip, hostname: a.hostname ?? '', nodeName: a.nodeName ?? null, targetRef: a.targetRef ? ref : null };
}

function normalizeSubsets(subsets: readonly EndpointSubset[] | undefined): unknown {
  return (subsets ?? []).map((ss) => ({
    addresses: (ss.addresses ?? []).map(normalizeAddress),
    notReadyAddresses: (ss.notReadyAddresses ?? []).map(normalizeAddress),
    ports: (ss.ports ?? []).map((p) => ({ name: p.name ?? '', port: p.port, protocol: p.protocol ?? 'TCP', appProtocol: p.appProtocol ?? null })),
  }));
}

/** endpointSubsetsEqualIgnoreResourceVersion: equal subsets, ignoring targetRef.resourceVersion. */
export function subsetsEqual(a: readonly EndpointSubset[] | undefined, b: readonly EndpointSubset[] | undefined): boolean {
  return isDeepStrictEqual(normalizeSubsets(a), normalizeSubsets(b));
}

function withoutKey(m: Record<string, string> | undefined, key: string): Record<string, string> {
  const out = { ...(m ?? {}) };
  delete out[key];
  return out;
}

/**
 * The Endpoints object to write for `svc`, or undefined when `current` already says the same
 * (subsets, labels and capacity annotation; the trigger time alone never causes a write).
 */
export function buildEndpoints(
  svc: Service,
  pods: readonly EndpointsPod[],
  current: Endpoints | undefined,
  triggerTime: string | undefined,
): Endpoints | undefined {
  const subsets = computeSubsets(svc, pods);
  const truncated = truncateSubsets(subsets);
  const desired = truncated ?? subsets;
  const svcLabels = svc.metadata.labels ?? {};
  if (current) {
    // upstream compares the untruncated subsets and so rewrites an over-capacity Endpoints on
    // every sync; comparing what would be written avoids that churn
    const capacityOK = (current.metadata.annotations?.[ANNOTATION_OVER_CAPACITY] !== undefined) === (truncated !== undefined);
    const labelsOK = isDeepStrictEqual(withoutKey(current.metadata.labels, LABEL_HEADLESS), { ...svcLabels });
    if (labelsOK && capacityOK && subsetsEqual(current.subsets, desired)) return undefined;
  }
  const annotations = { ...(current?.metadata.annotations ?? {}) };
  if (triggerTime) annotations[ANNOTATION_TRIGGER_TIME] = triggerTime;
  else delete annotations[ANNOTATION_TRIGGER_TIME];
  if (truncated) annotations[ANNOTATION_OVER_CAPACITY] = OVER_CAPACITY_TRUNCATED;
  else delete annotations[ANNOTATION_OVER_CAPACITY];
  const labels = isServiceIPSet(svc) ? withoutKey(svcLabels, LABEL_HEADLESS) : { ...svcLabels, [LABEL_HEADLESS]: '' };
  const metadata: ObjectMeta = current
    ? { ...structuredClone(current.metadata), labels, annotations }
    : { name: svc.metadata.name, namespace: svc.metadata.namespace, labels, annotations };
  // empty maps are omitted on the wire, as Go's omitempty does
  if (Object.keys(annotations).length === 0) delete metadata.annotations;
  if (Object.keys(labels).length === 0) delete metadata.labels;
  const out: Endpoints = { apiVersion: 'v1', kind: 'Endpoints', metadata };
  if (desired.length > 0) out.subsets = desired;
  return out;
}
