/**
 * What the endpoints controllers read from Pods and Services, as k8s.io/endpointslice/util and
 * pkg/api/v1/pod decide it: readiness, membership, named-port lookup, and which pod changes matter.
 */
import type { KObject } from '../apimachinery/meta.js';
import type { Service, ServicePort } from '../resources/service-types.js';

interface ContainerPort {
  name?: string;
  containerPort?: number;
  protocol?: string;
}

interface PodCondition {
  type?: string;
  status?: string;
  lastTransitionTime?: string;
}

/** The Pod fields the endpoints controllers read. */
export interface EndpointsPod extends KObject {
  spec?: {
    nodeName?: string;
    hostname?: string;
    subdomain?: string;
    containers?: { ports?: ContainerPort[] }[];
    initContainers?: { ports?: ContainerPort[]; restartPolicy?: string }[];
    [k: string]: unknown;
  };
  status?: {
    phase?: string;
    podIP?: string;
    podIPs?: { ip: string }[];
    conditions?: PodCondition[];
    [k: string]: unknown;
  };
}

export interface ObjectReference {
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  apiVersion?: string;
  resourceVersion?: string;
  fieldPath?: string;
}

export const LABEL_HEADLESS = 'service.kubernetes.io/headless';
export const ANNOTATION_TRIGGER_TIME = 'endpoints.kubernetes.io/last-change-trigger-time';

export function podReadyCondition(pod: EndpointsPod): PodCondition | undefined {
  return pod.status?.conditions?.find((c) => c.type === 'Ready');
}

/** podutil.IsPodReady: the Ready condition is True. */
export function isPodReady(pod: EndpointsPod): boolean {
  return podReadyCondition(pod)?.status === 'True';
}

export function isPodTerminating(pod: EndpointsPod): boolean {
  return pod.metadata.deletionTimestamp !== undefined && pod.metadata.deletionTimestamp !== null;
}

/** status.podIPs, or status.podIP when only that is set (the apiserver's v1 conversion does the same). */
export function podIPs(pod: EndpointsPod): string[] {
  const ips = (pod.status?.podIPs ?? []).map((p) => p.ip).filter((ip) => !!ip);
  if (ips.length === 0 && pod.status?.podIP) return [pod.status.podIP];
  return ips;
}

/**
 * ShouldPodBeInEndpoints: not terminal (Succeeded/Failed), has an IP, and — unless
 * includeTerminating — no deletionTimestamp.
 */
export function shouldPodBeInEndpoints(pod: EndpointsPod, includeTerminating: boolean): boolean {
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed') return false;
  if (!pod.status?.podIP && (pod.status?.podIPs ?? []).length === 0) return false;
  if (!includeTerminating && isPodTerminating(pod)) return false;
  return true;
}

/** ShouldSetHostname: the pod names a hostname and sits in the service's subdomain. */
export function shouldSetHostname(pod: EndpointsPod, svc: Service): boolean {
  return !!pod.spec?.hostname && pod.spec?.subdomain === svc.metadata.name && svc.metadata.namespace === pod.metadata.namespace;
}

export function isIPv6(ip: string): boolean {
  return ip.includes(':');
}

/** helper.IsServiceIPSet: a ClusterIP that is neither empty nor None. */
export function isServiceIPSet(svc: Service): boolean {
  const ip = svc.spec?.clusterIP;
  return !!ip && ip !== 'None';
}

/**
 * The selector the controllers act on. Upstream skips a nil selector; an empty one does not
 * survive the apiserver's protobuf round trip either, so both count as "no selector".
 */
export function serviceSelector(svc: Service): Record<string, string> | undefined {
  const sel = svc.spec?.selector;
  if (!sel || Object.keys(sel).length === 0) return undefined;
  return sel;
}

/** Services the endpoints controllers build endpoints for: a selector, and not ExternalName. */
export function isSelectorService(svc: Service): boolean {
  return svc.spec?.type !== 'ExternalName' && serviceSelector(svc) !== undefined;
}

export function selectorMatches(selector: Record<string, string>, labels: Record<string, string> | undefined): boolean {
  for (const k in selector) {
    if (labels?.[k] !== selector[k]) return false;
  }
  return true;
}

/**
 * FindPort: a numeric targetPort is used as is; a named one is looked up (name and protocol) in
 * the containers' ports, then in sidecar init containers (restartPolicy Always).
 */
export function findPort(pod: EndpointsPod, svcPort: ServicePort): number | undefined {
  const target = svcPort.targetPort ?? svcPort.port;
  if (typeof target === 'number') return target;
  if (typeof target !== 'string') return undefined;
  const proto = svcPort.protocol ?? 'TCP';
  const match = (ports: ContainerPort[] | undefined) => ports?.find((p) => p.name === target && (p.protocol ?? 'TCP') === proto);
  for (const c of pod.spec?.containers ?? []) {
    const p = match(c.ports);
    if (p?.containerPort !== undefined) return p.containerPort;
  }
  for (const c of pod.spec?.initContainers ?? []) {
    if (c.restartPolicy !== 'Always') continue;
    const p = match(c.ports);
    if (p?.containerPort !== undefined) return p.containerPort;
  }
  return undefined;
}

function sameLabels(a: Record<string, string> | undefined, b: Record<string, string> | undefined): boolean {
  const ka = Object.keys(a ?? {});
  const kb = Object.keys(b ?? {});
  if (ka.length !== kb.length) return false;
  return ka.every((k) => a![k] === b?.[k]);
}

/**
 * podEndpointsChanged: [podChanged, labelsChanged] — whether the pod's endpoint could differ
 * (deletion, readiness, IPs) and whether the set of services it matches could.
 */
export function podEndpointsChanged(prev: EndpointsPod, next: EndpointsPod): { podChanged: boolean; labelsChanged: boolean } {
  const labelsChanged =
    !sameLabels(prev.metadata.labels, next.metadata.labels) ||
    prev.spec?.hostname !== next.spec?.hostname ||
    prev.spec?.subdomain !== next.spec?.subdomain;
  const podChanged =
    prev.metadata.deletionTimestamp !== next.metadata.deletionTimestamp ||
    isPodReady(prev) !== isPodReady(next) ||
    podIPs(prev).join(',') !== podIPs(next).join(',') ||
    // a pod that finished leaves the endpoints; upstream relies on the IP/readiness change that comes with it
    prev.status?.phase !== next.status?.phase ||
    prev.spec?.nodeName !== next.spec?.nodeName;
  return { podChanged, labelsChanged };
}

/**
 * Keys of the services a pod event concerns (GetServicesToUpdateOnPodChange): the services
 * matching the pod's labels, and on a label change the ones matching the old labels too.
 */
export function servicesForPodChange(
  services: readonly Service[],
  prev: EndpointsPod | undefined,
  next: EndpointsPod | undefined,
): Set<string> {
  const out = new Set<string>();
  const matching = (pod: EndpointsPod): Set<string> => {
    const keys = new Set<string>();
    for (const svc of services) {
      const sel = serviceSelector(svc);
      if (sel && selectorMatches(sel, pod.metadata.labels)) keys.add(`${svc.metadata.namespace}/${svc.metadata.name}`);
    }
    return keys;
  };
  if (!prev || !next) {
    const pod = (next ?? prev)!;
    return matching(pod);
  }
  if (prev.metadata.resourceVersion === next.metadata.resourceVersion) return out;
  const { podChanged, labelsChanged } = podEndpointsChanged(prev, next);
  if (!podChanged && !labelsChanged) return out;
  const now = matching(next);
  if (!labelsChanged) return now;
  const before = matching(prev);
  if (podChanged) {
    for (const k of before) now.add(k);
    return now;
  }
  // only the labels changed: the services in exactly one of the two sets
  for (const k of now) if (!before.has(k)) out.add(k);
  for (const k of before) if (!now.has(k)) out.add(k);
  return out;
}
