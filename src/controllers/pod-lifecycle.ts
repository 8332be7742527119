/**
 * The scheduler and the kubelets of the simulated nodes, for pods. sync(ns/name):
 *  - unbound pod (default-scheduler): bind it through pods/binding to the feasible node with the
 *    fewest pods, or mark it Unschedulable;
 *  - bound to a simulated node and not started yet (no containerStatuses, phase Pending): give it
 *    IPs from the node's podCIDR and post the Running status a kubelet would;
 *  - being deleted: stop the containers (Killing events, terminated status) and delete it with
 *    grace 0 once min(grace, 1 s) has passed since the DELETE;
 *  - gone: free its IPs.
 * A started pod's status is never rewritten, so user edits of its /status stay.
 */
import type { Logger } from 'pino';
import type { KObject } from '../apimachinery/meta.js';
import { isStatusError } from '../apimachinery/status.js';
import type { Client } from '../client/client.js';
import type { Pod } from '../resources/pods.js';
import { deepEqualJSON, rfc3339 } from '../registry/object-meta.js';
import type { Controller } from './runtime/controller.js';
import { runWorkers } from './runtime/controller.js';
import type { Informer } from './runtime/informer.js';
import { keyOf, splitKey } from './runtime/informer.js';
import type { InformerFactory } from './runtime/informer-factory.js';
import { WorkQueue } from './runtime/work-queue.js';
import type { EventRecorder, InvolvedObject } from './event-recorder.js';
import { PodIPAllocator, cidrContains } from './pod-ips.js';
import { isNodeReady, nodeInternalIPs, type NodeObject } from './node-objects.js';
import { isStartedByKubelet, runningContainers, runningPodStatus, stoppedPodStatus, type PodCondition, type PodStatus } from './pod-status.js';
import { feasibleNodes, unschedulableMessage } from './scheduling.js';
import { POD_NODE, POD_NODE_ACTIVE, podNodeActiveValues, podNodeValues } from './indexes.js';

// kubectl delete returns about a second after the DELETE, whatever the grace period
export const MAX_TERMINATION_MS = 1_000;
// each sync writes (binding, status, events) through LevelDB commits that group whatever is in
// flight: a burst of pod creates (each costing a status write and an event even when it cannot be
// scheduled) is only kept up with when many syncs are in flight
const WORKERS = 64;
const SCHEDULER = { component: 'default-scheduler' };

export interface PodLifecycleDeps {
  client: Client;
  informers: InformerFactory;
  recorder: EventRecorder;
  logger: Logger;
  now: () => number;
  /** Names of the nodes whose kubelet this controller plays. */
  simulatedNodes: readonly string[];
}

export class PodLifecycleController implements Controller {
  readonly name = 'pod-lifecycle';
  readonly #deps: PodLifecycleDeps;
  readonly #log: Logger;
  readonly #queue = new WorkQueue();
  readonly #pods: Informer;
  readonly #nodes: Informer;
  readonly #simulated: Set<string>;
  readonly #ips = new PodIPAllocator();
  /** pod key → uid of the pod its IPs were given to */
  readonly #ipOwners = new Map<string, string>();
  /** pod key → node: bound by us, not yet seen bound in the cache (the scheduler's assume cache) */
  readonly #assumed = new Map<string, string>();
  readonly #timers = new Set<NodeJS.Timeout>();

  constructor(deps: PodLifecycleDeps) {
    this.#deps = deps;
    this.#log = deps.logger.child({ component: 'pod-lifecycle' });
    this.#simulated = new Set(deps.simulatedNodes);
    this.#pods = deps.informers.for('', 'pods');
    this.#nodes = deps.informers.for('', 'nodes');
    this.#pods.addIndex(POD_NODE, podNodeValues);
    this.#pods.addIndex(POD_NODE_ACTIVE, podNodeActiveValues);
    this.#pods.addHandlers({
      add: (p) => this.#queue.add(keyOf(p)),
      update: (_prev, p) => this.#queue.add(keyOf(p)),
      delete: (p) => this.#queue.add(keyOf(p)),
    });
    const nodeChanged = (n: KObject) => this.#enqueueWaitingPods(n.metadata.name as string, true);
    this.#nodes.addHandlers({
      add: nodeChanged,
      // as the scheduler's queueing hints: a heartbeat alone does not make unschedulable pods fit
      update: (p, n) => this.#enqueueWaitingPods(n.metadata.name as string, schedulingChanged(p as NodeObject, n as NodeObject)),
      delete: nodeChanged,
    });
  }

  /** IPs currently handed out (for tests and diagnostics). */
  get allocatedIPs(): number {
    return this.#ips.size;
  }

  async run(signal: AbortSignal): Promise<void> {
    await Promise.all([this.#pods.waitForSync(), this.#nodes.waitForSync()]);
    if (signal.aborted) return;
    this.#rebuildIPs();
    try {
      await runWorkers(this.#queue, (key) => this.sync(key), { workers: WORKERS, log: this.#log, signal });
    } finally {
      for (const t of this.#timers) clearTimeout(t);
      this.#timers.clear();
    }
  }

  /** Before any allocation: every stored pod keeps the IPs it was given before a restart. */
  #rebuildIPs(): void {
    for (const obj of this.#pods.list()) {
      const pod = obj as Pod;
      if (pod.spec?.hostNetwork) continue;
      const key = keyOf(pod);
      for (const { ip } of pod.status?.podIPs ?? []) {
        if (this.#ips.reserve(ip, key)) this.#ipOwners.set(key, pod.metadata.uid as string);
        else this.#log.warn({ pod: key, ip, holder: this.#ips.ownerOf(ip) }, 'pod IP is used by two pods');
      }
    }
    this.#log.info({ ips: this.#ips.size }, 'pod IP allocations rebuilt from stored pods');
  }

  async sync(key: string): Promise<void> {
    const pod = this.#pods.getByKey(key) as Pod | undefined;
    if (!pod || (this.#ipOwners.has(key) && this.#ipOwners.get(key) !== pod.metadata.uid)) this.#releaseIPs(key);
    if (!pod) {
      this.#assumed.delete(key);
      return;
    }
    const nodeName = pod.spec?.nodeName;
    if (nodeName) this.#assumed.delete(key);
    if (pod.metadata.deletionTimestamp) {
      if (nodeName) await this.#terminate(key, pod);
      return;
    }
    if (!nodeName) {
      if (!this.#assumed.has(key)) await this.#schedule(key, pod);
      return;
    }
    if (!this.#simulated.has(nodeName) || isStartedByKubelet(pod)) return;
    const node = this.#nodes.get(undefined, nodeName) as NodeObject | undefined;
    // bound to a node that does not exist (yet): nobody runs it, it stays Pending
    if (!node) return;
    await this.#start(key, pod, node);
  }

  async #schedule(key: string, pod: Pod): Promise<void> {
    if ((pod.spec?.schedulerName ?? 'default-scheduler') !== 'default-scheduler') return;
    const nodes = this.#nodes.list() as NodeObject[];
    const load = this.#podsPerNode(nodes);
    const { feasible, reasons } = feasibleNodes(pod, nodes, load);
    if (feasible.length === 0) return this.#markUnschedulable(pod, unschedulableMessage(nodes.length, reasons));
    feasible.sort((a, b) => (load.get(a.metadata.name as string) ?? 0) - (load.get(b.metadata.name as string) ?? 0) || String(a.metadata.name).localeCompare(String(b.metadata.name)));
    const target = feasible[0]!.metadata.name as string;
    const { namespace, name } = splitKey(key);
    this.#assumed.set(key, target);
    try {
      await this.#deps.client.pods.subresource(namespace, name, 'binding', 'create', {
        apiVersion: 'v1',
        kind: 'Binding',
        metadata: { name, namespace, uid: pod.metadata.uid },
        target: { apiVersion: 'v1', kind: 'Node', name: target },
      });
    } catch (err) {
      this.#assumed.delete(key);
      // someone else bound or deleted it meanwhile: the informer brings the news
      if (isStatusError(err, 'Conflict') || isStatusError(err, 'NotFound')) return;
      throw err;
    }
    this.#log.debug({ pod: key, node: target }, 'bound pod');
    await this.#deps.recorder.record(podRef(pod), 'Normal', 'Scheduled', `Successfully assigned ${namespace}/${name} to ${target}`, SCHEDULER);
  }

  async #markUnschedulable(pod: Pod, message: string): Promise<void> {
    const current = (pod.status?.conditions as PodCondition[] | undefined)?.find((c) => c.type === 'PodScheduled');
    if (current?.status === 'False' && current.reason === 'Unschedulable' && current.message === message) return;
    // as the scheduler, whose recorder posts the event while the status is written
    const event = this.#deps.recorder.record(podRef(pod), 'Warning', 'FailedScheduling', message, SCHEDULER);
    const written = this.#deps.client.pods.mutate(
      pod.metadata.namespace,
      pod.metadata.name as string,
      (obj) => {
        const p = obj as Pod;
        if (p.metadata.uid !== pod.metadata.uid || p.spec?.nodeName) return obj;
        const status = (p.status ??= {}) as PodStatus;
        const others = (status.conditions ?? []).filter((c) => c.type !== 'PodScheduled');
        const lastTransitionTime = current?.status === 'False' && current.lastTransitionTime ? current.lastTransitionTime : rfc3339(this.#deps.now());
        status.conditions = [...others, { type: 'PodScheduled', status: 'False', lastProbeTime: null, lastTransitionTime, reason: 'Unschedulable', message }];
        return obj;
      },
      'status',
    );
    // record() never rejects
    await Promise.all([written, event]);
  }

  /** Bound, non-terminal pods per node, counting the ones we bound but have not seen bound yet. */
  #podsPerNode(nodes: readonly NodeObject[]): Map<string, number> {
    const load = new Map<string, number>();
    for (const node of nodes) {
      const name = node.metadata.name as string;
      const n = this.#pods.indexCount(POD_NODE_ACTIVE, name);
      if (n > 0) load.set(name, n);
    }
    for (const node of this.#assumed.values()) load.set(node, (load.get(node) ?? 0) + 1);
    return load;
  }

  async #start(key: string, pod: Pod, node: NodeObject): Promise<void> {
    const hostIPs = nodeInternalIPs(node);
    const podIPs = pod.spec?.hostNetwork ? hostIPs : this.#podIPsFor(key, pod, node);
    const kubelet = { component: 'kubelet', host: node.metadata.name as string };
    const ref = podRef(pod);
    const initContainers = pod.spec?.initContainers ?? [];
    const story: [string, { name?: string; image?: string }][] = [
      ...initContainers.map((c) => [`spec.initContainers{${c.name}}`, c] as [string, typeof c]),
      ...(pod.spec?.containers ?? []).map((c) => [`spec.containers{${c.name}}`, c] as [string, typeof c]),
    ];
    // the kubelet's events for each container, in the order it starts them (record() names
    // each event when called, so writing them concurrently keeps that order)
    await Promise.all(
      story.flatMap(([fieldPath, c]) => {
        const at = { ...ref, fieldPath };
        return [
          this.#deps.recorder.record(at, 'Normal', 'Pulled', `Container image "${c.image}" already present on machine`, kubelet),
          this.#deps.recorder.record(at, 'Normal', 'Created', `Created container: ${c.name}`, kubelet),
          this.#deps.recorder.record(at, 'Normal', 'Started', `Started container ${c.name}`, kubelet),
        ];
      }),
    );
    await this.#deps.client.pods.mutate(
      pod.metadata.namespace,
      pod.metadata.name as string,
      (obj) => {
        const p = obj as Pod;
        // re-checked on the stored pod: never overwrite what a kubelet (or a user) already posted
        if (p.metadata.uid !== pod.metadata.uid || p.metadata.deletionTimestamp || isStartedByKubelet(p)) return obj;
        p.status = runningPodStatus(p, { podUID: p.metadata.uid as string, hostIPs, podIPs, now: this.#deps.now() });
        return obj;
      },
      'status',
    );
    this.#log.debug({ pod: key, podIPs }, 'pod running');
  }

  /** One IP per podCIDR of the node (dual-stack: one per family), reusing what the pod already holds. */
  #podIPsFor(key: string, pod: Pod, node: NodeObject): string[] {
    const cidrs = node.spec?.podCIDRs?.length ? node.spec.podCIDRs : node.spec?.podCIDR ? [node.spec.podCIDR] : [];
    if (cidrs.length === 0) throw new Error(`node ${node.metadata.name} has no podCIDR`);
    this.#ipOwners.set(key, pod.metadata.uid as string);
    const held = this.#ips.owned(key);
    return cidrs.map((cidr) => held.find((ip) => cidrContains(cidr, ip)) ?? this.#ips.allocate(cidr, key));
  }

  #releaseIPs(key: string): void {
    const freed = this.#ips.release(key);
    this.#ipOwners.delete(key);
    if (freed.length > 0) this.#log.debug({ pod: key, ips: freed }, 'released pod IPs');
  }

  /**
   * Graceful deletion as the kubelet does it, shortened: containers are stopped at once and the
   * pod is removed (grace 0) min(grace, MAX_TERMINATION_MS) after the DELETE was received.
   */
  async #terminate(key: string, pod: Pod): Promise<void> {
    const node = pod.spec?.nodeName as string;
    const running = runningContainers(pod);
    if (running.length > 0 && this.#simulated.has(node)) {
      const kubelet = { component: 'kubelet', host: node };
      for (const c of running) {
        await this.#deps.recorder.record({ ...podRef(pod), fieldPath: c.fieldPath }, 'Normal', 'Killing', `Stopping container ${c.name}`, kubelet);
      }
      await this.#deps.client.pods.mutate(
        pod.metadata.namespace,
        pod.metadata.name as string,
        (obj) => {
          if (obj.metadata.uid !== pod.metadata.uid) return obj;
          obj.status = stoppedPodStatus(obj as Pod, this.#deps.now());
          return obj;
        },
        'status',
      );
    }
    const now = this.#deps.now();
    const dueAt = terminationDeadline(pod);
    if (now < dueAt) return this.#enqueueAfter(key, dueAt - now);
    try {
      await this.#deps.client.pods.delete(pod.metadata.namespace, pod.metadata.name as string, {
        gracePeriodSeconds: 0,
        preconditions: { uid: pod.metadata.uid as string },
      });
    } catch (err) {
      if (isStatusError(err, 'NotFound') || isStatusError(err, 'Conflict')) return;
      throw err;
    }
  }

  /** Pods waiting for this node: ones bound to it but not started, and (when it may now take them) unscheduled ones. */
  #enqueueWaitingPods(nodeName: string, unscheduledToo: boolean): void {
    if (unscheduledToo) for (const p of this.#pods.byIndex(POD_NODE, '')) this.#queue.add(keyOf(p));
    if (!nodeName) return;
    for (const p of this.#pods.byIndex(POD_NODE, nodeName)) if (!isStartedByKubelet(p as Pod)) this.#queue.add(keyOf(p));
  }

  #enqueueAfter(key: string, ms: number): void {
    const t = setTimeout(() => {
      this.#timers.delete(t);
      this.#queue.add(key);
    }, ms);
    t.unref();
    this.#timers.add(t);
  }
}

/**
 * When a pod being deleted is removed: the DELETE happened at deletionTimestamp - grace (to the
 * second, as deletionTimestamp is stored), and the kubelet takes min(grace, MAX_TERMINATION_MS).
 */
export function terminationDeadline(pod: Pod): number {
  const deadline = Date.parse(pod.metadata.deletionTimestamp ?? '');
  if (Number.isNaN(deadline)) return 0;
  const graceMs = (pod.metadata.deletionGracePeriodSeconds ?? 0) * 1000;
  return deadline - graceMs + Math.min(graceMs, MAX_TERMINATION_MS);
}

/** Whether a node update can change where pods fit: what the scheduler's filters read. */
export function schedulingChanged(prev: NodeObject, next: NodeObject): boolean {
  return (
    isNodeReady(prev) !== isNodeReady(next) ||
    !deepEqualJSON(prev.spec?.unschedulable ?? false, next.spec?.unschedulable ?? false) ||
    !deepEqualJSON(prev.spec?.taints ?? [], next.spec?.taints ?? []) ||
    !deepEqualJSON(prev.metadata.labels ?? {}, next.metadata.labels ?? {}) ||
    !deepEqualJSON(prev.status?.allocatable ?? {}, next.status?.allocatable ?? {})
  );
}

function podRef(pod: Pod): InvolvedObject {
  return {
    kind: 'Pod',
    namespace: pod.metadata.namespace,
    name: pod.metadata.name as string,
    uid: pod.metadata.uid,
    apiVersion: 'v1',
    resourceVersion: pod.metadata.resourceVersion,
  };
}
