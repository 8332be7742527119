/**
 * The EndpointSlice mirroring reconciler (pkg/controller/endpointslicemirroring): a user-written
 * Endpoints becomes one slice per (address type, port set), at most 1000 addresses per subset.
 * Pure.
 */
import type { Endpoints, EndpointPort, EndpointAddress } from './endpoints-builder.js';
import { ANNOTATION_TRIGGER_TIME, isIPv6 } from './endpoints-pods.js';
import {
  EndpointSet,
  LABEL_MANAGED_BY,
  LABEL_SERVICE_NAME,
  controllerRef,
  endpointsEqualBeyondHash,
  portMapKey,
  slicePrefix,
  type EndpointSlice,
  type SliceEndpoint,
  type SlicePlan,
  type SlicePort,
} from './endpoints-slices.js';
import { isValidIP } from '../apimachinery/validation.js';

export const MIRRORING_CONTROLLER_NAME = 'endpointslicemirroring-controller.k8s.io';
// kube-controller-manager's --mirroring-max-endpoints-per-subset default
export const MAX_ENDPOINTS_PER_SUBSET = 1000;
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

type AddressType = 'IPv4' | 'IPv6';

function addrTypeKey(ports: readonly SlicePort[], addressType: AddressType): string {
  return `${addressType}-${portMapKey(ports)}`;
}

/** epPortsToEpsPorts: names, numbers, protocols and appProtocols carried over. */
export function mirroredPorts(ports: readonly EndpointPort[] | undefined): SlicePort[] {
  return (ports ?? []).map((p) => {
    const out: SlicePort = { name: p.name ?? '', port: p.port, protocol: p.protocol ?? 'TCP' };
    if (p.appProtocol !== undefined) out.appProtocol = p.appProtocol;
    return out;
  });
}

/** addressToEndpoint: undefined for an address that is not an IP. */
export function addressToEndpoint(a: EndpointAddress, ready: boolean): { ep: SliceEndpoint; addressType: AddressType } | undefined {
  if (!a.ip || isValidIP(a.ip).length > 0) return undefined;
  const ep: SliceEndpoint = { addresses: [a.ip], conditions: { ready } };
  if (a.hostname) ep.hostname = a.hostname;
  if (a.targetRef) ep.targetRef = a.targetRef;
  if (a.nodeName !== undefined) ep.nodeName = a.nodeName;
  return { ep, addressType: isIPv6(a.ip) ? 'IPv6' : 'IPv4' };
}

function mirroredAnnotations(ep: Endpoints): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(ep.metadata.annotations ?? {})) {
    if (k !== ANNOTATION_TRIGGER_TIME && k !== LAST_APPLIED) out[k] = v;
  }
  return out;
}

function mirroredLabels(ep: Endpoints): Record<string, string> {
  return { ...(ep.metadata.labels ?? {}), [LABEL_SERVICE_NAME]: ep.metadata.name as string, [LABEL_MANAGED_BY]: MIRRORING_CONTROLLER_NAME };
}

export function newMirroredSlice(ep: Endpoints, ports: SlicePort[], addressType: AddressType, name?: string): EndpointSlice {
  const annotations = mirroredAnnotations(ep);
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      ...(name ? { name } : { generateName: slicePrefix(ep.metadata.name as string) }),
      namespace: ep.metadata.namespace,
      labels: mirroredLabels(ep),
      ...(Object.keys(annotations).length > 0 ? { annotations } : {}),
      ownerReferences: [controllerRef(ep, 'v1', 'Endpoints')],
    },
    addressType,
    endpoints: [],
    ports,
  };
}

function sameMap(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

function withoutKeys(m: Record<string, string> | undefined, ...keys: string[]): Record<string, string> {
  const out = { ...(m ?? {}) };
  for (const k of keys) delete out[k];
  return out;
}

export interface MirrorResult extends SlicePlan {
  /** Addresses not mirrored: invalid IPs, or beyond the per-subset maximum. */
  skipped: number;
}

/** reconcile: the writes that make the mirrored slices match `ep`. */
export function reconcileMirroredSlices(ep: Endpoints, existing: readonly EndpointSlice[], maxPerSubset = MAX_ENDPOINTS_PER_SUBSET): MirrorResult {
  const desired = new Map<string, { ports: SlicePort[]; addressType: AddressType; set: EndpointSet }>();
  let skipped = 0;
  for (const ss of ep.subsets ?? []) {
    const ports = mirroredPorts(ss.ports);
    for (const t of ['IPv4', 'IPv6'] as const) {
      const k = addrTypeKey(ports, t);
      if (!desired.has(k)) desired.set(k, { ports, addressType: t, set: new EndpointSet() });
    }
    const all: [EndpointAddress, boolean][] = [...(ss.addresses ?? []).map((a) => [a, true] as [EndpointAddress, boolean]), ...(ss.notReadyAddresses ?? []).map((a) => [a, false] as [EndpointAddress, boolean])];
    let added = 0;
    for (const [a, ready] of all) {
      if (added >= maxPerSubset) break;
      const r = addressToEndpoint(a, ready);
      if (!r) continue;
      desired.get(addrTypeKey(ports, r.addressType))!.set.insert(r.ep);
      added++;
    }
    skipped += all.length - added;
  }

  const existingByKey = new Map<string, EndpointSlice[]>();
  for (const s of existing) {
    const k = addrTypeKey(s.ports ?? [], s.addressType as AddressType);
    existingByKey.set(k, [...(existingByKey.get(k) ?? []), s]);
  }

  const plan: SlicePlan = { create: [], update: [], delete: [] };
  const wantAnnotations = mirroredAnnotations(ep);
  for (const [k, d] of desired) {
    const slices = existingByKey.get(k) ?? [];
    if (d.set.size === 0) {
      plan.delete.push(...slices);
      continue;
    }
    if (slices.length > 0) {
      plan.delete.push(...slices.slice(1));
      const first = slices[0]!;
      let changes = 0;
      let matches = 0;
      for (const e of first.endpoints ?? []) {
        const want = d.set.get(e);
        if (!want) changes++;
        else {
          matches++;
          if (!endpointsEqualBeyondHash(want, e)) changes++;
        }
      }
      changes += d.set.size - matches;
      const labelsSame = sameMap(ep.metadata.labels ?? {}, withoutKeys(first.metadata.labels, LABEL_MANAGED_BY, LABEL_SERVICE_NAME));
      const annotationsSame = sameMap(wantAnnotations, first.metadata.annotations ?? {});
      if (changes === 0 && labelsSame && annotationsSame) continue;
    }
    const slice = newMirroredSlice(ep, d.ports, d.addressType, slices[0]?.metadata.name);
    if (slices[0]) slice.metadata.resourceVersion = slices[0].metadata.resourceVersion;
    while (d.set.size > 0 && slice.endpoints!.length < maxPerSubset) slice.endpoints!.push(d.set.popAny()!);
    (slice.metadata.name ? plan.update : plan.create).push(slice);
  }
  for (const [k, slices] of existingByKey) if (!desired.has(k)) plan.delete.push(...slices);

  // recycleSlices: a slice about to be deleted takes the place of a new one of its address type
  for (const t of ['IPv4', 'IPv6']) {
    const creates = plan.create.filter((s) => s.addressType === t);
    const deletes = plan.delete.filter((s) => s.addressType === t);
    for (let i = 0; i < creates.length && i < deletes.length; i++) {
      const c = creates[i]!;
      const d = deletes[i]!;
      plan.create = plan.create.filter((s) => s !== c);
      plan.delete = plan.delete.filter((s) => s !== d);
      c.metadata = { ...c.metadata, name: d.metadata.name, resourceVersion: d.metadata.resourceVersion };
      delete c.metadata.generateName;
      plan.update.push(c);
    }
  }
  // no new slices for an Endpoints on its way out
  if (ep.metadata.deletionTimestamp) plan.create = [];
  return { ...plan, skipped };
}
