/** Pod columns, as kube-apiserver's printPod (READY, STATUS and RESTARTS rules included). */
import type { KObject } from '../apimachinery/meta.js';
import { humanDuration, parseTimestamp, translateTimestampSince } from './duration.js';
import { ageColumn, column, nameColumn } from './table.js';
import type { Printer, TableRowCondition } from './table.js';

interface ContainerStateTerminated {
  exitCode?: number;
  signal?: number;
  reason?: string;
  finishedAt?: string;
}

interface ContainerStatus {
  name: string;
  ready?: boolean;
  started?: boolean;
  restartCount?: number;
  state?: {
    waiting?: { reason?: string };
    running?: { startedAt?: string };
    terminated?: ContainerStateTerminated;
  };
  lastState?: { terminated?: ContainerStateTerminated };
}

interface PodCondition {
  type: string;
  status: string;
  reason?: string;
}

interface Pod extends KObject {
  spec?: {
    nodeName?: string;
    containers?: { name: string }[];
    initContainers?: { name: string; restartPolicy?: string }[];
    readinessGates?: { conditionType: string }[];
  };
  status?: {
    phase?: string;
    reason?: string;
    podIP?: string;
    podIPs?: { ip: string }[];
    nominatedNodeName?: string;
    conditions?: PodCondition[];
    initContainerStatuses?: ContainerStatus[];
    containerStatuses?: ContainerStatus[];
  };
}

/** node.NodeUnreachablePodReason: the node controller's reason for pods on a lost node. */
const NODE_LOST_REASON = 'NodeLost';

/** The first condition of this type is True (upstream's isPodInitializedConditionTrue and readiness-gate lookup). */
function firstConditionTrue(pod: Pod, type: string): boolean {
  const c = (pod.status?.conditions ?? []).find((cond) => cond.type === type);
  return c?.status === 'True';
}

/** Any Ready condition is True (upstream's hasPodReadyCondition). */
function hasReadyCondition(pod: Pod): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
}

function terminatedReason(t: ContainerStateTerminated, prefix: string): string {
  if (t.reason) return prefix + t.reason;
  return t.signal ? `${prefix}Signal:${t.signal}` : `${prefix}ExitCode:${t.exitCode ?? 0}`;
}

interface PodSummary {
  ready: number;
  total: number;
  reason: string;
  restarts: number;
  /** ms since epoch of the latest lastState.terminated.finishedAt counted, if any. */
  lastRestart: number | undefined;
}

function later(a: number | undefined, t: ContainerStateTerminated | undefined): number | undefined {
  const ms = parseTimestamp(t?.finishedAt);
  if (ms === undefined) return a;
  return a === undefined || a < ms ? ms : a;
}

/** READY / STATUS / RESTARTS for a pod, following printPod step by step. */
function summarizePod(pod: Pod): PodSummary {
  const phase = pod.status?.phase ?? '';
  let reason = pod.status?.reason || phase;
  for (const c of pod.status?.conditions ?? []) {
    if (c.type === 'PodScheduled' && c.reason === 'SchedulingGated') reason = 'SchedulingGated';
  }

  const initSpecs = pod.spec?.initContainers ?? [];
  const sidecarSpecs = initSpecs.filter((c) => c.restartPolicy === 'Always');
  const restartable = new Set(sidecarSpecs.map((c) => c.name));
  // sidecars (restartable init containers) count as containers of the running pod
  const total = (pod.spec?.containers ?? []).length + sidecarSpecs.length;

  let ready = 0;
  let restarts = 0;
  let sidecarRestarts = 0;
  let lastRestart: number | undefined;
  let lastSidecarRestart: number | undefined;
  let initializing = false;

  const initStatuses = pod.status?.initContainerStatuses ?? [];
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i]!;
    const isSidecar = restartable.has(cs.name);
    restarts += cs.restartCount ?? 0;
    lastRestart = later(lastRestart, cs.lastState?.terminated);
    if (isSidecar) {
      sidecarRestarts += cs.restartCount ?? 0;
      lastSidecarRestart = later(lastSidecarRestart, cs.lastState?.terminated);
    }
    const terminated = cs.state?.terminated;
    const waiting = cs.state?.waiting;
    if (terminated && (terminated.exitCode ?? 0) === 0) continue;
    if (isSidecar && cs.started === true) {
      if (cs.ready) ready++;
      continue;
    }
    if (terminated) reason = terminatedReason(terminated, 'Init:');
    else if (waiting?.reason && waiting.reason !== 'PodInitializing') reason = `Init:${waiting.reason}`;
    else reason = `Init:${i}/${initSpecs.length}`;
    initializing = true;
    break;
  }

  if (!initializing || firstConditionTrue(pod, 'Initialized')) {
    // regular init containers' restarts no longer matter once the pod is initialized
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses = pod.status?.containerStatuses ?? [];
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i]!;
      restarts += cs.restartCount ?? 0;
      lastRestart = later(lastRestart, cs.lastState?.terminated);
      const { waiting, terminated, running } = cs.state ?? {};
      if (waiting?.reason) reason = waiting.reason;
      else if (terminated) reason = terminatedReason(terminated, '');
      else if (cs.ready && running) {
        hasRunning = true;
        ready++;
      }
    }
    // some container still runs: the pod is not "Completed" yet
    if (reason === 'Completed' && hasRunning) reason = hasReadyCondition(pod) ? 'Running' : 'NotReady';
  }

  if (pod.metadata.deletionTimestamp && pod.status?.reason === NODE_LOST_REASON) reason = 'Unknown';
  else if (pod.metadata.deletionTimestamp && phase !== 'Succeeded' && phase !== 'Failed') reason = 'Terminating';

  return { ready, total, reason, restarts, lastRestart };
}

function readinessGatesCell(pod: Pod): string {
  const gates = pod.spec?.readinessGates ?? [];
  if (gates.length === 0) return '<none>';
  const trueCount = gates.filter((g) => firstConditionTrue(pod, g.conditionType)).length;
  return `${trueCount}/${gates.length}`;
}

const SUCCEEDED: TableRowCondition[] = [
  { type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' },
];
const FAILED: TableRowCondition[] = [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }];

export const podPrinter: Printer<KObject> = {
  columns: [
    nameColumn(),
    column('Ready', 'string', 'How many of the containers in this pod are ready to accept traffic.'),
    column('Status', 'string', 'The overall status of the containers in this pod.'),
    column('Restarts', 'string', 'How often the containers in this pod restarted, and how long ago the last restart was.'),
    ageColumn(),
    column('IP', 'string', 'The IP address allocated to the pod; empty until one is allocated.', { priority: 1 }),
    column('Node', 'string', 'The node the pod is scheduled to.', { priority: 1 }),
    column('Nominated Node', 'string', 'The node a preempting pod is expected to be scheduled on.', { priority: 1 }),
    column('Readiness Gates', 'string', 'Extra conditions that must be true for the pod to count as ready.', { priority: 1 }),
  ],
  row(obj, now) {
    const pod = obj as Pod;
    const s = summarizePod(pod);
    const restarts =
      s.restarts !== 0 && s.lastRestart !== undefined
        ? `${s.restarts} (${humanDuration(now - s.lastRestart)} ago)`
        : String(s.restarts);
    return [
      pod.metadata.name ?? '',
      `${s.ready}/${s.total}`,
      s.reason,
      restarts,
      translateTimestampSince(pod.metadata.creationTimestamp, now),
      pod.status?.podIPs?.[0]?.ip || pod.status?.podIP || '<none>',
      pod.spec?.nodeName || '<none>',
      pod.status?.nominatedNodeName || '<none>',
      readinessGatesCell(pod),
    ];
  },
  conditions(obj) {
    const phase = (obj as Pod).status?.phase;
    return phase === 'Succeeded' ? SUCCEEDED : phase === 'Failed' ? FAILED : undefined;
  },
};
