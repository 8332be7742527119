/**
 * The `endpoints.kubernetes.io/last-change-trigger-time` value, as k8s.io/endpointslice/util's
 * TriggerTimeTracker computes it: the earliest pod Ready-transition (or service creation) that
 * changed since the last sync of that service.
 */
import type { Service } from '../resources/service-types.js';
import { podReadyCondition, type EndpointsPod } from './endpoints-pods.js';

interface ServiceState {
  podTriggerTimes: Map<string, number>;
  serviceTriggerTime: number;
}

function parseTime(s: string | null | undefined): number {
  if (!s) return 0;
  const t = Date.parse(s);
  return Number.isNaN(t) ? 0 : t;
}

/** time.RFC3339Nano in UTC: fractional seconds only when non-zero, trailing zeros trimmed. */
export function formatRFC3339Nano(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d*?)0*Z$/, (_m, frac: string) => (frac ? `.${frac}Z` : 'Z'));
}

export class TriggerTimeTracker {
  readonly #states = new Map<string, ServiceState>();

  /** The trigger time to publish for this sync, or undefined (the annotation is then removed). */
  compute(svc: Service, pods: readonly EndpointsPod[]): string | undefined {
    const key = `${svc.metadata.namespace}/${svc.metadata.name}`;
    const prev = this.#states.get(key);
    let min = 0;
    const podTimes = new Map<string, number>();
    for (const pod of pods) {
      const t = parseTime(podReadyCondition(pod)?.lastTransitionTime);
      if (t === 0) continue;
      podTimes.set(pod.metadata.name as string, t);
      if (t > (prev?.podTriggerTimes.get(pod.metadata.name as string) ?? 0) && (min === 0 || t < min)) min = t;
    }
    const svcTime = parseTime(svc.metadata.creationTimestamp);
    if (svcTime > (prev?.serviceTriggerTime ?? 0) && (min === 0 || svcTime < min)) min = svcTime;
    this.#states.set(key, { podTriggerTimes: podTimes, serviceTriggerTime: svcTime });
    // a service seen for the first time: its creation is the trigger
    const result = prev ? min : svcTime;
    return result === 0 ? undefined : formatRFC3339Nano(result);
  }

  forget(namespace: string, name: string): void {
    this.#states.delete(`${namespace}/${name}`);
  }
}
