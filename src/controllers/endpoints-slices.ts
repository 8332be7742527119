/**
 * EndpointSlice shapes shared by the endpointslice and mirroring controllers, and the endpoint
 * identity rules of k8s.io/endpointslice/util (endpoint hash, port-map key, equality). Pure.
 */
import { isDeepStrictEqual } from 'node:util';
import type { KObject, OwnerReference } from '../apimachinery/meta.js';
import type { ObjectReference } from './endpoints-pods.js';

export const LABEL_SERVICE_NAME = 'kubernetes.io/service-name';
export const LABEL_MANAGED_BY = 'endpointslice.kubernetes.io/managed-by';
export const LABEL_SKIP_MIRROR = 'endpointslice.kubernetes.io/skip-mirror';
export const LABEL_ZONE = 'topology.kubernetes.io/zone';

export interface SliceEndpoint {
  addresses: string[];
  conditions?: { ready?: boolean; serving?: boolean; terminating?: boolean };
  hostname?: string;
  targetRef?: ObjectReference;
  nodeName?: string;
  zone?: string;
  [k: string]: unknown;
}

export interface SlicePort {
  name?: string;
  port?: number;
  protocol?: string;
  appProtocol?: string;
}

export interface EndpointSlice extends KObject {
  addressType: string;
  endpoints?: SliceEndpoint[];
  ports?: SlicePort[];
}

/** Endpoints are the same endpoint when addresses, hostname and target name agree (hashEndpoint). */
export function endpointHash(ep: SliceEndpoint): string {
  return JSON.stringify([[...ep.addresses].sort(), ep.hostname ?? '', ep.targetRef?.namespace ?? '', ep.targetRef?.name ?? '']);
}

function normalizePort(p: SlicePort): string {
  return JSON.stringify([p.name ?? '', p.port ?? null, p.protocol ?? 'TCP', p.appProtocol ?? null]);
}

/** NewPortMapKey: the same set of ports, in any order, gives the same key. */
export function portMapKey(ports: readonly SlicePort[] | undefined): string {
  return (ports ?? []).map(normalizePort).sort().join('|');
}

function refWithoutRV(ref: ObjectReference | undefined): ObjectReference | undefined {
  if (!ref) return undefined;
  const { resourceVersion: _rv, ...rest } = ref;
  void _rv;
  return rest;
}

/** EndpointsEqualBeyondHash: node, zone, conditions and target (ignoring its resourceVersion). */
export function endpointsEqualBeyondHash(a: SliceEndpoint, b: SliceEndpoint): boolean {
  return (
    a.nodeName === b.nodeName &&
    a.zone === b.zone &&
    a.conditions?.ready === b.conditions?.ready &&
    a.conditions?.serving === b.conditions?.serving &&
    a.conditions?.terminating === b.conditions?.terminating &&
    isDeepStrictEqual(refWithoutRV(a.targetRef), refWithoutRV(b.targetRef))
  );
}

/** EndpointSet: endpoints keyed by endpointHash, popped in insertion order. */
export class EndpointSet {
  readonly #m = new Map<string, SliceEndpoint>();

  insert(ep: SliceEndpoint): void {
    this.#m.set(endpointHash(ep), ep);
  }
  get(ep: SliceEndpoint): SliceEndpoint | undefined {
    return this.#m.get(endpointHash(ep));
  }
  delete(ep: SliceEndpoint): void {
    this.#m.delete(endpointHash(ep));
  }
  popAny(): SliceEndpoint | undefined {
    for (const [k, ep] of this.#m) {
      this.#m.delete(k);
      return ep;
    }
    return undefined;
  }
  get size(): number {
    return this.#m.size;
  }
}

/** metav1.NewControllerRef. */
export function controllerRef(owner: KObject, apiVersion: string, kind: string): OwnerReference {
  return { apiVersion, kind, name: owner.metadata.name as string, uid: owner.metadata.uid as string, controller: true, blockOwnerDeletion: true };
}

/** getEndpointSlicePrefix: `<name>-` (Service and Endpoints names are short enough for the dash). */
export function slicePrefix(name: string): string {
  return `${name}-`;
}

/** Slices needing the same kind of change, as the reconcilers hand them to finalize. */
export interface SlicePlan {
  create: EndpointSlice[];
  update: EndpointSlice[];
  delete: EndpointSlice[];
}

/** Sets or clears the trigger-time annotation on a slice about to be written. */
export function setTriggerTime(slice: EndpointSlice, triggerTime: string | undefined, annotation: string): void {
  const annotations = { ...(slice.metadata.annotations ?? {}) };
  if (triggerTime) annotations[annotation] = triggerTime;
  else delete annotations[annotation];
  if (Object.keys(annotations).length > 0) slice.metadata.annotations = annotations;
  else delete slice.metadata.annotations;
}
