/**
 * The kubelet side of the simulated nodes: registers each Node (re-registering a few seconds
 * after a user deletes it), keeps its status posted, and renews its heartbeat Lease in
 * kube-node-lease. The node IPAM controller's part, spec.podCIDR(s), is filled in at
 * registration. Level-triggered: sync(name) compares the cached Node and Lease with what the
 * kubelet would post and writes only the difference.
 */
import type { Logger } from 'pino';
import type { KObject } from '../apimachinery/meta.js';
import { isStatusError } from '../apimachinery/status.js';
import type { Client } from '../client/client.js';
import type { Controller } from './runtime/controller.js';
import { runWorkers } from './runtime/controller.js';
import type { Informer } from './runtime/informer.js';
import { keyOf } from './runtime/informer.js';
import type { InformerFactory } from './runtime/informer-factory.js';
import { WorkQueue } from './runtime/work-queue.js';
import type { EventRecorder, InvolvedObject } from './event-recorder.js';
import {
  LEASE_DURATION_SECONDS,
  NODE_LEASE_NAMESPACE,
  lastHeartbeat,
  nodeLease,
  nodeStatus,
  nodeStatusDiffers,
  registeredNode,
  type NodeObject,
  type SimulatedNode,
} from './node-objects.js';

// kubelet: the lease is renewed every quarter of its duration
export const LEASE_RENEW_MS = (LEASE_DURATION_SECONDS * 1000) / 4;
// kubelet's nodeStatusReportFrequency: an unchanged status is re-posted every 5 minutes
export const NODE_STATUS_REPORT_MS = 5 * 60_000;
// the periodic sync may come a little early; renew anyway rather than waiting a whole extra tick
const RENEW_SLACK_MS = 1_000;
// a deleted Node comes back when its kubelet next registers
export const REREGISTER_DELAY_MS = 2_000;

export interface NodeControllerDeps {
  client: Client;
  informers: InformerFactory;
  recorder: EventRecorder;
  logger: Logger;
  now: () => number;
  nodes: readonly SimulatedNode[];
}

export class NodeController implements Controller {
  readonly name = 'node-simulator';
  readonly #deps: NodeControllerDeps;
  readonly #log: Logger;
  readonly #queue = new WorkQueue();
  readonly #nodes: Informer;
  readonly #leases: Informer;
  readonly #sims: Map<string, SimulatedNode>;
  /** Node name → earliest time it may be registered again (after a user deleted it). */
  readonly #notBefore = new Map<string, number>();
  readonly #timers = new Set<NodeJS.Timeout>();

  constructor(deps: NodeControllerDeps) {
    this.#deps = deps;
    this.#log = deps.logger.child({ component: 'node-simulator' });
    this.#sims = new Map(deps.nodes.map((n) => [n.name, n]));
    this.#nodes = deps.informers.for('', 'nodes');
    this.#leases = deps.informers.for('coordination.k8s.io', 'leases');
    this.#nodes.addHandlers({
      add: (n) => this.#enqueue(keyOf(n)),
      update: (_p, n) => this.#enqueue(keyOf(n)),
      delete: (n) => {
        const name = keyOf(n);
        if (!this.#sims.has(name)) return;
        this.#notBefore.set(name, this.#deps.now() + REREGISTER_DELAY_MS);
        this.#enqueueAfter(name, REREGISTER_DELAY_MS);
      },
    });
    const leaseHandler = (l: KObject) => {
      if (l.metadata.namespace === NODE_LEASE_NAMESPACE) this.#enqueue(l.metadata.name as string);
    };
    this.#leases.addHandlers({ add: leaseHandler, update: (_p, l) => leaseHandler(l), delete: leaseHandler });
  }

  async run(signal: AbortSignal): Promise<void> {
    await Promise.all([this.#nodes.waitForSync(), this.#leases.waitForSync()]);
    if (signal.aborted) return;
    for (const name of this.#sims.keys()) this.#queue.add(name);
    const tick = setInterval(() => {
      for (const name of this.#sims.keys()) this.#queue.add(name);
    }, LEASE_RENEW_MS);
    tick.unref();
    try {
      await runWorkers(this.#queue, (key) => this.sync(key), { workers: 2, log: this.#log, signal });
    } finally {
      clearInterval(tick);
      for (const t of this.#timers) clearTimeout(t);
      this.#timers.clear();
    }
  }

  /** Registers, re-posts status and renews the lease of one simulated node. */
  async sync(name: string): Promise<void> {
    const sim = this.#sims.get(name);
    if (!sim) return;
    const now = this.#deps.now();
    const node = this.#nodes.get(undefined, name) as NodeObject | undefined;
    if (!node) {
      const notBefore = this.#notBefore.get(name) ?? 0;
      if (now < notBefore) return this.#enqueueAfter(name, notBefore - now);
      await this.#register(sim, now);
      return;
    }
    this.#notBefore.delete(name);
    await this.#postStatus(sim, node, now);
    await this.#renewLease(name, node.metadata.uid, now);
  }

  async #register(sim: SimulatedNode, now: number): Promise<void> {
    let created: KObject;
    try {
      created = await this.#deps.client.nodes.create(undefined, registeredNode(sim, now));
    } catch (err) {
      if (isStatusError(err, 'AlreadyExists')) return; // the informer has not caught up yet
      throw err;
    }
    this.#log.info({ node: sim.name }, 'registered node');
    // the kubelet's start-up story, then the node lifecycle controller's
    const ref: InvolvedObject = { kind: 'Node', name: sim.name, uid: sim.name };
    const kubelet = { component: 'kubelet', host: sim.name };
    await this.#deps.recorder.record(ref, 'Normal', 'Starting', 'Starting kubelet.', kubelet);
    for (const reason of ['NodeHasSufficientMemory', 'NodeHasNoDiskPressure', 'NodeHasSufficientPID']) {
      await this.#deps.recorder.record(ref, 'Normal', reason, `Node ${sim.name} status is now: ${reason}`, kubelet);
    }
    await this.#deps.recorder.record(ref, 'Normal', 'NodeAllocatableEnforced', 'Updated Node Allocatable limit across pods', kubelet);
    await this.#deps.recorder.record(
      { kind: 'Node', name: sim.name, uid: created.metadata.uid, apiVersion: 'v1' },
      'Normal',
      'RegisteredNode',
      `Node ${sim.name} event: Registered Node ${sim.name} in Controller`,
      { component: 'node-controller' },
    );
    await this.#deps.recorder.record(ref, 'Normal', 'NodeReady', `Node ${sim.name} status is now: NodeReady`, kubelet);
  }

  async #postStatus(sim: SimulatedNode, node: NodeObject, now: number): Promise<void> {
    if (sim.podCIDRs.length > 0 && !node.spec?.podCIDR) {
      // the node IPAM controller's job, for a Node registered without one
      await this.#deps.client.nodes.mutate(undefined, sim.name, (n) => {
        const spec = ((n as NodeObject).spec ??= {});
        if (!spec.podCIDR) {
          spec.podCIDR = sim.podCIDRs[0]!;
          spec.podCIDRs = [...sim.podCIDRs];
        }
        return n;
      });
      return; // the update comes back through the informer
    }
    const desired = nodeStatus(sim, now, node.status);
    const sinceHeartbeat = now - lastHeartbeat(node.status);
    // the kubelet re-posts a status that differs from what it would report (a user's edit is
    // undone, as a kubelet does within its 10 s status loop), and an unchanged one every 5 minutes
    if (sinceHeartbeat < NODE_STATUS_REPORT_MS && !nodeStatusDiffers(node.status, desired)) return;
    await this.#deps.client.nodes.mutate(
      undefined,
      sim.name,
      (n) => {
        n.status = nodeStatus(sim, now, (n as NodeObject).status);
        return n;
      },
      'status',
    );
  }

  async #renewLease(name: string, nodeUID: string | undefined, now: number): Promise<void> {
    const leases = this.#deps.client.resource('coordination.k8s.io', 'leases');
    const current = this.#leases.get(NODE_LEASE_NAMESPACE, name);
    const desired = nodeLease(name, nodeUID, now);
    if (!current) {
      try {
        await leases.create(NODE_LEASE_NAMESPACE, desired);
      } catch (err) {
        if (!isStatusError(err, 'AlreadyExists')) throw err;
      }
      return;
    }
    const spec = (current.spec ?? {}) as { holderIdentity?: string; leaseDurationSeconds?: number; renewTime?: string };
    const renewed = Date.parse(spec.renewTime ?? '');
    const owner = current.metadata.ownerReferences?.[0]?.uid;
    const due = Number.isNaN(renewed) || now - renewed >= LEASE_RENEW_MS - RENEW_SLACK_MS || renewed > now + LEASE_RENEW_MS;
    if (!due && spec.holderIdentity === name && spec.leaseDurationSeconds === LEASE_DURATION_SECONDS && owner === nodeUID) return;
    await leases.mutate(NODE_LEASE_NAMESPACE, name, (l) => {
      l.metadata.ownerReferences = desired.metadata.ownerReferences;
      if (!l.metadata.ownerReferences) delete l.metadata.ownerReferences;
      l.spec = { ...((l.spec ?? {}) as object), ...(desired.spec as object) };
      return l;
    });
  }

  #enqueue(name: string): void {
    if (this.#sims.has(name)) this.#queue.add(name);
  }

  #enqueueAfter(name: string, ms: number): void {
    const t = setTimeout(() => {
      this.#timers.delete(t);
      this.#queue.add(name);
    }, ms);
    t.unref();
    this.#timers.add(t);
  }
}
