/**
 * The pod status a kubelet posts (its generateAPIPodStatus) for containers that started at once
 * and passed every probe, and the one it posts after stopping them for a graceful deletion.
 * Pure: time, addresses and identities come in as arguments; IDs are derived deterministically.
 */
import { createHash } from 'node:crypto';
import type { Pod } from '../resources/pods.js';
import { rfc3339 } from '../registry/object-meta.js';

export interface PodCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastProbeTime?: string | null;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

interface ContainerSpec {
  name?: string;
  image?: string;
  restartPolicy?: string;
}

export interface ContainerStatus {
  name: string;
  image: string;
  imageID: string;
  containerID?: string;
  ready: boolean;
  started?: boolean;
  restartCount: number;
  lastState: Record<string, unknown>;
  state: {
    running?: { startedAt: string };
    terminated?: { exitCode: number; reason: string; startedAt?: string; finishedAt: string; containerID?: string };
    waiting?: { reason: string; message?: string };
  };
}

export interface PodStatus {
  phase?: string;
  conditions?: PodCondition[];
  hostIP?: string;
  hostIPs?: { ip: string }[];
  podIP?: string;
  podIPs?: { ip: string }[];
  startTime?: string;
  initContainerStatuses?: ContainerStatus[];
  containerStatuses?: ContainerStatus[];
  qosClass?: string;
  [k: string]: unknown;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * A reference as containerd reports it (docker's ParseNormalizedNamed): `nginx` →
 * `docker.io/library/nginx:latest`, `ghcr.io/a/b@sha256:…` unchanged.
 */
export function normalizeImage(image: string): string {
  const at = image.indexOf('@');
  const named = at >= 0 ? image.slice(0, at) : image;
  const digest = at >= 0 ? image.slice(at) : '';
  const slash = named.lastIndexOf('/');
  const colon = named.lastIndexOf(':');
  const hasTag = colon > slash;
  let repo = hasTag ? named.slice(0, colon) : named;
  const tag = hasTag ? named.slice(colon) : digest ? '' : ':latest';
  const first = repo.split('/')[0]!;
  const hasDomain = repo.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  if (!hasDomain) repo = `docker.io/${repo.includes('/') ? repo : `library/${repo}`}`;
  return `${repo}${tag}${digest}`;
}

/** `docker.io/library/nginx@sha256:<64 hex>`: the image's own digest, else one derived from its name. */
export function imageIDOf(image: string): string {
  const normalized = normalizeImage(image);
  const at = normalized.indexOf('@');
  if (at >= 0) return normalized;
  const slash = normalized.lastIndexOf('/');
  const colon = normalized.lastIndexOf(':');
  const repo = colon > slash ? normalized.slice(0, colon) : normalized;
  return `${repo}@sha256:${sha256(`image:${normalized}`)}`;
}

/** `containerd://<64 hex>`, stable for one container of one pod incarnation. */
export function containerIDOf(podUID: string, containerName: string, restartCount = 0): string {
  return `containerd://${sha256(`container:${podUID}:${containerName}:${restartCount}`)}`;
}

/** Whether a kubelet has already started this pod: it posted container statuses or a non-Pending phase. */
export function isStartedByKubelet(pod: Pod): boolean {
  const status = pod.status as PodStatus | undefined;
  if (!status) return false;
  return (status.containerStatuses?.length ?? 0) > 0 || (status.phase !== undefined && status.phase !== 'Pending');
}

function condition(type: string, status: PodCondition['status'], ts: string, prev: PodCondition[] | undefined, extra: Partial<PodCondition> = {}): PodCondition {
  const old = prev?.find((c) => c.type === type);
  const lastTransitionTime = old && old.status === status && old.lastTransitionTime ? old.lastTransitionTime : ts;
  return { type, status, lastProbeTime: null, lastTransitionTime, ...extra };
}

export interface RunningStatusInput {
  podUID: string;
  hostIPs: string[];
  podIPs: string[];
  now: number;
}

/** Readiness gates whose condition is not True (upstream's ReadinessGatesNotReady). */
function unmetReadinessGate(pod: Pod, conditions: PodCondition[] | undefined): string | undefined {
  const gates = (pod.spec?.readinessGates as { conditionType?: string }[] | undefined) ?? [];
  for (const gate of gates) {
    const type = gate.conditionType ?? '';
    const c = conditions?.find((x) => x.type === type);
    if (!c) return `corresponding condition of pod readiness gate "${type}" does not exist.`;
    if (c.status !== 'True') return `the status of pod readiness gate "${type}" is not "True", but ${c.status}`;
  }
  return undefined;
}

/** The status after every (init) container ran: phase Running, everything ready. */
export function runningPodStatus(pod: Pod, input: RunningStatusInput): PodStatus {
  const prev = pod.status as PodStatus | undefined;
  const ts = rfc3339(input.now);
  const image = (c: ContainerSpec) => normalizeImage(c.image ?? '');
  const base = (c: ContainerSpec) => ({
    name: c.name ?? '',
    image: image(c),
    imageID: imageIDOf(c.image ?? ''),
    containerID: containerIDOf(input.podUID, c.name ?? ''),
    restartCount: 0,
    lastState: {},
  });
  const running = (c: ContainerSpec): ContainerStatus => ({ ...base(c), ready: true, started: true, state: { running: { startedAt: ts } } });
  const initStatuses = ((pod.spec?.initContainers ?? []) as ContainerSpec[]).map((c): ContainerStatus => {
    // a restartable init container is a sidecar: it keeps running beside the app containers
    if (c.restartPolicy === 'Always') return running(c);
    const id = containerIDOf(input.podUID, c.name ?? '');
    return { ...base(c), ready: true, started: false, state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: ts, finishedAt: ts, containerID: id } } };
  });
  const gateProblem = unmetReadinessGate(pod, prev?.conditions);
  const readyExtra: Partial<PodCondition> = gateProblem ? { reason: 'ReadinessGatesNotReady', message: gateProblem } : {};
  const userConditions = (prev?.conditions ?? []).filter((c) => !KUBELET_CONDITIONS.includes(c.type));
  const status: PodStatus = {
    ...prev,
    phase: 'Running',
    conditions: [
      condition('PodReadyToStartContainers', 'True', ts, prev?.conditions),
      condition('Initialized', 'True', ts, prev?.conditions),
      condition('Ready', gateProblem ? 'False' : 'True', ts, prev?.conditions, readyExtra),
      condition('ContainersReady', 'True', ts, prev?.conditions),
      condition('PodScheduled', 'True', ts, prev?.conditions),
      ...userConditions,
    ],
    hostIP: input.hostIPs[0],
    hostIPs: input.hostIPs.map((ip) => ({ ip })),
    podIP: input.podIPs[0],
    podIPs: input.podIPs.map((ip) => ({ ip })),
    startTime: prev?.startTime ?? ts,
    containerStatuses: ((pod.spec?.containers ?? []) as ContainerSpec[]).map(running),
  };
  if (initStatuses.length > 0) status.initContainerStatuses = initStatuses;
  else delete status.initContainerStatuses;
  if (input.hostIPs.length === 0) {
    delete status.hostIP;
    delete status.hostIPs;
  }
  return status;
}

const KUBELET_CONDITIONS = ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'];

/** Names of the containers still running (the ones a graceful deletion has to stop). */
export function runningContainers(pod: Pod): { name: string; fieldPath: string }[] {
  const status = pod.status as PodStatus | undefined;
  const out: { name: string; fieldPath: string }[] = [];
  for (const c of status?.containerStatuses ?? []) if (c.state?.running) out.push({ name: c.name, fieldPath: `spec.containers{${c.name}}` });
  for (const c of status?.initContainerStatuses ?? []) if (c.state?.running) out.push({ name: c.name, fieldPath: `spec.initContainers{${c.name}}` });
  return out;
}

/**
 * The status after the kubelet stopped every container of a pod being deleted: containers
 * terminated (exit 0: they honoured SIGTERM), nothing ready, phase Succeeded.
 */
export function stoppedPodStatus(pod: Pod, now: number): PodStatus {
  const prev = (pod.status ?? {}) as PodStatus;
  const ts = rfc3339(now);
  const stop = (c: ContainerStatus): ContainerStatus => {
    if (!c.state?.running) return c;
    return {
      ...c,
      ready: false,
      started: false,
      state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: c.state.running.startedAt, finishedAt: ts, ...(c.containerID ? { containerID: c.containerID } : {}) } },
    };
  };
  const completed = { reason: 'PodCompleted' };
  const conditions = (prev.conditions ?? []).map((c) => {
    if (c.type === 'PodReadyToStartContainers') return condition(c.type, 'False', ts, prev.conditions);
    if (c.type === 'Ready' || c.type === 'ContainersReady') return condition(c.type, 'False', ts, prev.conditions, completed);
    return c;
  });
  return {
    ...prev,
    phase: 'Succeeded',
    conditions,
    ...(prev.containerStatuses ? { containerStatuses: prev.containerStatuses.map(stop) } : {}),
    ...(prev.initContainerStatuses ? { initContainerStatuses: prev.initContainerStatuses.map(stop) } : {}),
  };
}
