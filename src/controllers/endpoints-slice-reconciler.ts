/**
 * The EndpointSlice controller's reconciler (staging k8s.io/endpointslice/reconciler.go): from a
 * Service, its pods and the slices it already has, the slices to create, update and delete —
 * updating in place and filling free room before making new slices. Pure.
 */
import type { KObject } from '../apimachinery/meta.js';
import type { Service } from '../resources/service-types.js';
import { ANNOTATION_TRIGGER_TIME, LABEL_HEADLESS, findPort, isIPv6, isPodReady, isPodTerminating, isServiceIPSet, podIPs, shouldPodBeInEndpoints, shouldSetHostname, type EndpointsPod } from './endpoints-pods.js';
import {
  EndpointSet,
  LABEL_MANAGED_BY,
  LABEL_SERVICE_NAME,
  LABEL_ZONE,
  controllerRef,
  endpointsEqualBeyondHash,
  portMapKey,
  setTriggerTime,
  slicePrefix,
  type EndpointSlice,
  type SliceEndpoint,
  type SlicePlan,
  type SlicePort,
} from './endpoints-slices.js';

export const SLICE_CONTROLLER_NAME = 'endpointslice-controller.k8s.io';
// kube-controller-manager's --max-endpoints-per-slice default
export const MAX_ENDPOINTS_PER_SLICE = 100;

type AddressType = 'IPv4' | 'IPv6';

export interface SliceReconcileInput {
  service: Service;
  /** Pods matching the service's selector. */
  pods: readonly EndpointsPod[];
  /** The service's slices managed by this controller (not pending deletion). */
  existing: readonly EndpointSlice[];
  node(name: string): KObject | undefined;
  triggerTime?: string;
  maxEndpointsPerSlice?: number;
}

export interface SliceReconcileResult extends SlicePlan {
  /** Pods left out because their node is unknown (upstream retries the service for these). */
  missingNodes: { pod: string; node: string }[];
}

/** getAddressTypesForService: the service's IP families, or guessed from its ClusterIP. */
export function addressTypesForService(svc: Service): AddressType[] {
  const fams = svc.spec?.ipFamilies ?? [];
  if (fams.length > 0) return [...new Set(fams)];
  if (isServiceIPSet(svc)) return [isIPv6(svc.spec!.clusterIP!) ? 'IPv6' : 'IPv4'];
  return ['IPv4', 'IPv6'];
}

/** getEndpointPorts: the service ports this pod serves, targetPort resolved. */
export function endpointPortsFor(svc: Service, pod: EndpointsPod): SlicePort[] {
  const out: SlicePort[] = [];
  const ports = svc.spec?.ports ?? [];
  if (ports.length === 0 && svc.spec?.clusterIP === 'None') return out;
  for (const sp of ports) {
    const port = findPort(pod, sp);
    if (port === undefined) continue;
    const p: SlicePort = { name: sp.name ?? '', port, protocol: sp.protocol ?? 'TCP' };
    if (sp.appProtocol !== undefined) p.appProtocol = sp.appProtocol;
    out.push(p);
  }
  return out;
}

/** podToEndpoint: ready only when serving and not terminating (or publishNotReadyAddresses). */
export function podToSliceEndpoint(pod: EndpointsPod, node: KObject | undefined, svc: Service, addressType: AddressType): SliceEndpoint {
  const serving = isPodReady(pod);
  const terminating = isPodTerminating(pod);
  const ready = svc.spec?.publishNotReadyAddresses === true || (serving && !terminating);
  const ep: SliceEndpoint = {
    addresses: podIPs(pod).filter((ip) => isIPv6(ip) === (addressType === 'IPv6')),
    conditions: { ready, serving, terminating },
  };
  if (shouldSetHostname(pod, svc)) ep.hostname = pod.spec!.hostname;
  ep.targetRef = { kind: 'Pod', namespace: pod.metadata.namespace, name: pod.metadata.name, uid: pod.metadata.uid };
  if (pod.spec?.nodeName) ep.nodeName = pod.spec.nodeName;
  const zone = node?.metadata.labels?.[LABEL_ZONE];
  if (zone) ep.zone = zone;
  return ep;
}

const RESERVED_LABELS = new Set([LABEL_SERVICE_NAME, LABEL_MANAGED_BY, LABEL_HEADLESS]);

function withoutReserved(labels: Record<string, string> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(labels ?? {})) if (!RESERVED_LABELS.has(k)) out[k] = v;
  return out;
}

function sameMap(a: Record<string, string>, b: Record<string, string>): boolean {
  const ka = Object.keys(a);
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k]);
}

/**
 * setEndpointSliceLabels: the service's labels (reserved keys excepted), the headless marker,
 * the service name and the manager; `changed` when the non-reserved labels differ.
 */
export function sliceLabelsFor(current: Record<string, string> | undefined, svc: Service): { labels: Record<string, string>; changed: boolean } {
  const svcLabels = withoutReserved(svc.metadata.labels);
  const changed = !sameMap(withoutReserved(current), svcLabels);
  const labels = { ...svcLabels };
  if (!isServiceIPSet(svc)) labels[LABEL_HEADLESS] = '';
  labels[LABEL_SERVICE_NAME] = svc.metadata.name as string;
  labels[LABEL_MANAGED_BY] = SLICE_CONTROLLER_NAME;
  return { labels, changed };
}

export function newServiceSlice(svc: Service, ports: SlicePort[], addressType: AddressType): EndpointSlice {
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: {
      generateName: slicePrefix(svc.metadata.name as string),
      namespace: svc.metadata.namespace,
      labels: sliceLabelsFor(undefined, svc).labels,
      ownerReferences: [controllerRef(svc, 'v1', 'Service')],
    },
    addressType,
    endpoints: [],
    ports,
  };
}

function ownedBy(slice: EndpointSlice, svc: Service): boolean {
  return (slice.metadata.ownerReferences ?? []).some((o) => o.uid === svc.metadata.uid && o.kind === 'Service' && o.apiVersion === 'v1');
}

function copySlice(slice: EndpointSlice): EndpointSlice {
  return structuredClone(slice) as EndpointSlice;
}

/** placeholderSliceCompare: same namespace, labels, owners and address type, and empty. */
function isSamePlaceholder(a: EndpointSlice, b: EndpointSlice): boolean {
  return (
    a.metadata.namespace === b.metadata.namespace &&
    sameMap(a.metadata.labels ?? {}, b.metadata.labels ?? {}) &&
    JSON.stringify(a.metadata.ownerReferences ?? []) === JSON.stringify(b.metadata.ownerReferences ?? []) &&
    a.addressType === b.addressType &&
    (a.endpoints ?? []).length === 0 &&
    (b.endpoints ?? []).length === 0 &&
    (a.ports ?? []).length === 0 &&
    (b.ports ?? []).length === 0
  );
}

/** getSliceToFill: the slice that ends up closest to full when `n` endpoints are added. */
function sliceToFill(slices: EndpointSlice[], n: number, max: number): EndpointSlice | undefined {
  let closestDiff = max;
  let closest: EndpointSlice | undefined;
  for (const s of slices) {
    const diff = max - (n + (s.endpoints ?? []).length);
    if (diff >= 0 && diff < closestDiff) {
      closestDiff = diff;
      closest = s;
      if (diff === 0) break;
    }
  }
  return closest;
}

/** reconcileByPortMapping for one group of slices sharing a port map. */
function reconcilePortMapping(svc: Service, existing: EndpointSlice[], desired: EndpointSet, ports: SlicePort[], addressType: AddressType, max: number): SlicePlan {
  const byName = new Map<string, EndpointSlice>();
  const unchanged = new Set<string>();
  const toUpdate = new Set<string>();
  const toDelete = new Set<string>();

  // 1. drop endpoints no longer desired, refresh the ones that changed, follow service labels
  for (const slice of existing) {
    const name = slice.metadata.name as string;
    byName.set(name, slice);
    const kept: SliceEndpoint[] = [];
    let endpointUpdated = false;
    for (const ep of slice.endpoints ?? []) {
      const want = desired.get(ep);
      if (!want) continue;
      kept.push(want);
      if (!endpointsEqualBeyondHash(want, ep)) endpointUpdated = true;
      desired.delete(ep);
    }
    const { labels, changed } = sliceLabelsFor(slice.metadata.labels, svc);
    if (endpointUpdated || kept.length !== (slice.endpoints ?? []).length) {
      if (kept.length === 0) toDelete.add(name);
      else {
        const copy = copySlice(slice);
        copy.endpoints = kept;
        copy.metadata.labels = labels;
        byName.set(name, copy);
        toUpdate.add(name);
      }
    } else if (changed) {
      const copy = copySlice(slice);
      copy.metadata.labels = labels;
      byName.set(name, copy);
      toUpdate.add(name);
    } else {
      unchanged.add(name);
    }
  }

  // 2. fill the slices being updated anyway, fullest first
  if (desired.size > 0 && toUpdate.size > 0) {
    const slices = [...toUpdate].map((n) => byName.get(n)!).sort((a, b) => (b.endpoints ?? []).length - (a.endpoints ?? []).length);
    for (const s of slices) {
      s.endpoints ??= [];
      while (desired.size > 0 && s.endpoints.length < max) s.endpoints.push(desired.popAny()!);
    }
  }

  // 3. the rest goes into one unchanged slice with room, or into new slices
  const toCreate: EndpointSlice[] = [];
  while (desired.size > 0) {
    let fill: EndpointSlice | undefined;
    if (desired.size < max && unchanged.size > 0) {
      fill = sliceToFill([...unchanged].map((n) => byName.get(n)!), desired.size, max);
    }
    if (!fill) fill = newServiceSlice(svc, ports, addressType);
    else {
      fill = copySlice(fill);
      byName.set(fill.metadata.name as string, fill);
    }
    fill.endpoints ??= [];
    while (desired.size > 0 && fill.endpoints.length < max) fill.endpoints.push(desired.popAny()!);
    if (fill.metadata.name) {
      toUpdate.add(fill.metadata.name);
      unchanged.delete(fill.metadata.name);
    } else {
      toCreate.push(fill);
    }
  }
  return { create: toCreate, update: [...toUpdate].map((n) => byName.get(n)!), delete: [...toDelete].map((n) => byName.get(n)!) };
}

function reconcileAddressType(
  input: SliceReconcileInput,
  existing: EndpointSlice[],
  addressType: AddressType,
  missingNodes: { pod: string; node: string }[],
): SlicePlan {
  const svc = input.service;
  const max = input.maxEndpointsPerSlice ?? MAX_ENDPOINTS_PER_SLICE;
  const plan: SlicePlan = { create: [], update: [], delete: [] };

  const existingByKey = new Map<string, EndpointSlice[]>();
  for (const s of existing) {
    if (!ownedBy(s, svc)) {
      // e.g. left over from an earlier Service of the same name
      plan.delete.push(s);
      continue;
    }
    const k = portMapKey(s.ports);
    existingByKey.set(k, [...(existingByKey.get(k) ?? []), s]);
  }

  const desiredByKey = new Map<string, { ports: SlicePort[]; set: EndpointSet }>();
  for (const pod of input.pods) {
    if (!shouldPodBeInEndpoints(pod, true)) continue;
    const ports = endpointPortsFor(svc, pod);
    const k = portMapKey(ports);
    let d = desiredByKey.get(k);
    if (!d) desiredByKey.set(k, (d = { ports, set: new EndpointSet() }));
    const nodeName = pod.spec?.nodeName ?? '';
    const node = input.node(nodeName);
    if (!node && svc.spec?.publishNotReadyAddresses !== true) {
      // as upstream: a pod on an unknown node is left out and the service retried
      missingNodes.push({ pod: pod.metadata.name as string, node: nodeName });
      continue;
    }
    const ep = podToSliceEndpoint(pod, node, svc, addressType);
    if (ep.addresses.length > 0) d.set.insert(ep);
  }

  for (const [k, d] of desiredByKey) {
    const r = reconcilePortMapping(svc, existingByKey.get(k) ?? [], d.set, d.ports, addressType, max);
    plan.create.push(...r.create);
    plan.update.push(...r.update);
    plan.delete.push(...r.delete);
  }
  for (const [k, slices] of existingByKey) if (!desiredByKey.has(k)) plan.delete.push(...slices);

  // a service with no endpoints still gets one empty slice
  if (existing.length === plan.delete.length && plan.create.length === 0) {
    const placeholder = newServiceSlice(svc, [], addressType);
    if (plan.delete.length === 1 && isSamePlaceholder(plan.delete[0]!, placeholder)) plan.delete = [];
    else plan.create.push(placeholder);
  }
  return plan;
}

/** Reconcile: the writes that make the service's slices match its pods. */
export function reconcileServiceSlices(input: SliceReconcileInput): SliceReconcileResult {
  const svc = input.service;
  const types = addressTypesForService(svc);
  const missingNodes: { pod: string; node: string }[] = [];
  const plan: SlicePlan = { create: [], update: [], delete: [] };
  const byType = new Map<string, EndpointSlice[]>();
  for (const s of input.existing) {
    if (!types.includes(s.addressType as AddressType)) plan.delete.push(s);
    else byType.set(s.addressType, [...(byType.get(s.addressType) ?? []), s]);
  }
  for (const t of types) {
    const r = reconcileAddressType(input, byType.get(t) ?? [], t, missingNodes);
    // finalize: turn creates into updates of slices that would otherwise be deleted
    const del = [...r.delete];
    const create = [...r.create];
    const update = [...r.update];
    for (let i = 0; i < del.length && create.length > 0; ) {
      const d = del[i]!;
      const c = create[create.length - 1]!;
      if (d.addressType === c.addressType && ownedBy(d, svc)) {
        c.metadata = { ...c.metadata, name: d.metadata.name, resourceVersion: d.metadata.resourceVersion };
        delete c.metadata.generateName;
        create.pop();
        update.push(c);
        del.splice(i, 1);
      } else i++;
    }
    plan.create.push(...create);
    plan.update.push(...update);
    plan.delete.push(...del);
  }
  // no new slices for a service on its way out
  if (svc.metadata.deletionTimestamp) plan.create = [];
  for (const s of [...plan.create, ...plan.update]) setTriggerTime(s, input.triggerTime, ANNOTATION_TRIGGER_TIME);
  return { ...plan, missingNodes };
}
