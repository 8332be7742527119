/**
 * The informer indexes the controllers share (one function per index name: a shared informer
 * refuses the same name with another function), and the look-ups built on them. With them a pod
 * or service event costs what it touches, not what the cluster holds.
 */
import type { KObject } from '../apimachinery/meta.js';
import type { Service } from '../resources/service-types.js';
import type { CacheReader } from './runtime/object-store.js';
import { type EndpointsPod, selectorMatches, serviceSelector, servicesForPodChange } from './endpoints-pods.js';
import { LABEL_SERVICE_NAME } from './endpoints-slices.js';

/** Pods by each of their labels: `namespace/key=value`. */
export const POD_LABELS = 'pod-labels';
/** Services by each pair of their selector: `namespace/key=value`. */
export const SERVICE_SELECTOR = 'service-selector';
/** EndpointSlices by their `kubernetes.io/service-name` label: `namespace/service`. */
export const SLICE_SERVICE = 'slice-service';
/** Pods by spec.nodeName; '' for pods not bound yet. */
export const POD_NODE = 'pod-node';
/** Bound pods that are not terminal (Succeeded/Failed), by spec.nodeName: what a node runs. */
export const POD_NODE_ACTIVE = 'pod-node-active';

const pair = (ns: string | undefined, k: string, v: string) => `${ns ?? ''}/${k}=${v}`;

export function podLabelValues(pod: KObject): string[] {
  const labels = pod.metadata.labels;
  if (!labels) return [];
  const out: string[] = [];
  for (const k in labels) out.push(pair(pod.metadata.namespace, k, labels[k]!));
  return out;
}

export function serviceSelectorValues(svc: KObject): string[] {
  const sel = serviceSelector(svc as Service);
  if (!sel) return [];
  const out: string[] = [];
  for (const k in sel) out.push(pair(svc.metadata.namespace, k, sel[k]!));
  return out;
}

export function sliceServiceValues(slice: KObject): string[] {
  const svc = slice.metadata.labels?.[LABEL_SERVICE_NAME];
  return svc ? [`${slice.metadata.namespace ?? ''}/${svc}`] : [];
}

export function podNodeValues(pod: KObject): string[] {
  return [((pod as EndpointsPod).spec?.nodeName as string | undefined) ?? ''];
}

export function podNodeActiveValues(pod: KObject): string[] {
  const p = pod as EndpointsPod;
  const node = p.spec?.nodeName;
  if (!node) return [];
  const phase = p.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed' ? [] : [node];
}

/** The pods of `namespace` that `selector` selects, read from the smallest label bucket. */
export function podsSelectedBy(pods: CacheReader, namespace: string, selector: Record<string, string>): EndpointsPod[] {
  let best: string | undefined;
  let bestCount = Infinity;
  for (const k in selector) {
    const v = pair(namespace, k, selector[k]!);
    const n = pods.indexCount(POD_LABELS, v);
    if (n < bestCount) {
      best = v;
      bestCount = n;
    }
    if (n === 0) return [];
  }
  if (best === undefined) return [];
  return (pods.byIndex(POD_LABELS, best) as EndpointsPod[]).filter((p) => selectorMatches(selector, p.metadata.labels));
}

/** Services whose selector could match a pod with these labels (one of their pairs does). */
function candidateServices(services: CacheReader, pod: EndpointsPod | undefined, into: Map<string, Service>): void {
  const labels = pod?.metadata.labels;
  if (!labels) return;
  for (const k in labels) {
    const v = pair(pod.metadata.namespace, k, labels[k]!);
    if (services.indexCount(SERVICE_SELECTOR, v) === 0) continue;
    for (const svc of services.byIndex(SERVICE_SELECTOR, v)) into.set(`${svc.metadata.namespace}/${svc.metadata.name}`, svc as Service);
  }
}

/** servicesForPodChange over the services of the pod's namespace, found through the selector index. */
export function servicesForPodEvent(services: CacheReader, prev: EndpointsPod | undefined, next: EndpointsPod | undefined): Set<string> {
  const candidates = new Map<string, Service>();
  candidateServices(services, prev, candidates);
  if (next !== prev) candidateServices(services, next, candidates);
  if (candidates.size === 0) return new Set();
  return servicesForPodChange([...candidates.values()], prev, next);
}
