/**
 * The EndpointSlice controller (kube-controller-manager's pkg/controller/endpointslice): keeps
 * each selector Service's discovery.k8s.io/v1 EndpointSlices in step with its pods.
 */
import type { Logger } from 'pino';
import type { KObject } from '../apimachinery/meta.js';
import type { Client } from '../client/client.js';
import type { Service } from '../resources/service-types.js';
import type { Controller } from './runtime/controller.js';
import { runWorkers } from './runtime/controller.js';
import type { Informer } from './runtime/informer.js';
import type { InformerFactory } from './runtime/informer-factory.js';
import { keyOf, splitKey } from './runtime/informer.js';
import { WorkQueue } from './runtime/work-queue.js';
import { isSelectorService, serviceSelector, type EndpointsPod } from './endpoints-pods.js';
import { POD_LABELS, SERVICE_SELECTOR, SLICE_SERVICE, podLabelValues, podsSelectedBy, serviceSelectorValues, servicesForPodEvent, sliceServiceValues } from './indexes.js';
import { reconcileServiceSlices, SLICE_CONTROLLER_NAME, MAX_ENDPOINTS_PER_SLICE } from './endpoints-slice-reconciler.js';
import { LABEL_MANAGED_BY, LABEL_SERVICE_NAME, type EndpointSlice } from './endpoints-slices.js';
import { TriggerTimeTracker } from './endpoints-trigger-time.js';
import { StaleCacheError, WriteTracker } from './endpoints-write-tracker.js';

// upstream's default is 5 syncs at a time against a remote API server; here a sync's write is a
// LevelDB commit that groups whatever is in flight, so more syncs at once is more throughput
// (a service burst would otherwise queue pod-ready updates behind it for seconds)
const SYNC_WORKERS = 16;

export interface EndpointSliceControllerDeps {
  /** Milliseconds since the epoch (expires write expectations the informer never confirms). */
  now?: () => number;
  informers: InformerFactory;
  client: Client;
  logger: Logger;
  /** Concurrent syncs (--concurrent-service-endpoint-syncs, default 5; here 16). */
  workers?: number;
  maxEndpointsPerSlice?: number;
}

/** The service key a slice belongs to (its `kubernetes.io/service-name` label). */
export function serviceKeyOfSlice(slice: KObject): string | undefined {
  const svc = slice.metadata.labels?.[LABEL_SERVICE_NAME];
  return svc ? `${slice.metadata.namespace}/${svc}` : undefined;
}

export class EndpointSliceController implements Controller {
  readonly name = 'endpointslice-controller';
  readonly queue = new WorkQueue();
  readonly #services: Informer;
  readonly #pods: Informer;
  readonly #slices: Informer;
  readonly #nodes: Informer;
  readonly #client: Client;
  readonly #log: Logger;
  readonly #workers: number;
  readonly #max: number;
  readonly #writes: WriteTracker;
  readonly #triggerTimes = new TriggerTimeTracker();
  /** node name → services that left a pod out because that node was unknown. */
  readonly #waitingForNode = new Map<string, Set<string>>();

  constructor(deps: EndpointSliceControllerDeps) {
    this.#services = deps.informers.for('', 'services');
    this.#pods = deps.informers.for('', 'pods');
    this.#slices = deps.informers.for('discovery.k8s.io', 'endpointslices');
    this.#nodes = deps.informers.for('', 'nodes');
    this.#client = deps.client;
    this.#writes = new WriteTracker(deps.now);
    this.#log = deps.logger.child({ component: this.name });
    this.#workers = deps.workers ?? SYNC_WORKERS;
    this.#max = deps.maxEndpointsPerSlice ?? MAX_ENDPOINTS_PER_SLICE;
    this.#services.addIndex(SERVICE_SELECTOR, serviceSelectorValues);
    this.#pods.addIndex(POD_LABELS, podLabelValues);
    this.#slices.addIndex(SLICE_SERVICE, sliceServiceValues);

    this.#services.addHandlers({
      add: (svc) => this.queue.add(keyOf(svc)),
      update: (_prev, svc) => this.queue.add(keyOf(svc)),
      delete: (svc) => this.queue.add(keyOf(svc)),
    });
    this.#pods.addHandlers({
      // the services' own initial list queues every service: a pod of the first list adds nothing
      add: (pod, initial) => {
        if (!initial) this.#enqueuePodChange(undefined, pod);
      },
      update: (prev, pod) => this.#enqueuePodChange(prev, pod),
      delete: (pod) => this.#enqueuePodChange(pod, undefined),
    });
    this.#slices.addHandlers({
      add: (s) => this.#onSliceChange(s),
      update: (prev, s) => {
        // a slice that changed service or manager concerns both the old and the new owner
        if (prev.metadata.labels?.[LABEL_SERVICE_NAME] !== s.metadata.labels?.[LABEL_SERVICE_NAME] || isManaged(prev) !== isManaged(s)) {
          for (const k of [serviceKeyOfSlice(prev), serviceKeyOfSlice(s)]) if (k) this.queue.add(k);
          return;
        }
        this.#onSliceChange(s);
      },
      delete: (s) => {
        const key = serviceKeyOfSlice(s);
        if (key && isManaged(s) && !this.#writes.observeDelete(key, s)) this.queue.add(key);
      },
    });
    this.#nodes.addHandlers({
      add: (node) => this.#onNodeAdded(node),
      update: (_prev, node) => this.#onNodeAdded(node),
    });
  }

  #enqueuePodChange(prev: KObject | undefined, next: KObject | undefined): void {
    for (const key of servicesForPodEvent(this.#services, prev as EndpointsPod | undefined, next as EndpointsPod | undefined)) this.queue.add(key);
  }

  #onSliceChange(s: KObject): void {
    const key = serviceKeyOfSlice(s);
    if (!key || !isManaged(s)) return;
    if (!this.#writes.observeUpdate(key, s)) this.queue.add(key);
  }

  #onNodeAdded(node: KObject): void {
    const waiting = this.#waitingForNode.get(node.metadata.name as string);
    if (!waiting) return;
    this.#waitingForNode.delete(node.metadata.name as string);
    for (const key of waiting) this.queue.add(key);
  }

  async run(signal: AbortSignal): Promise<void> {
    await Promise.all([this.#services.waitForSync(), this.#pods.waitForSync(), this.#slices.waitForSync(), this.#nodes.waitForSync()]);
    if (signal.aborted) return;
    this.#log.info('controller started');
    await runWorkers(this.queue, (key) => this.sync(key), { workers: this.#workers, log: this.#log, signal });
  }

  /** The service's slices managed by this controller, in the informer cache. */
  #managedSlices(ns: string, name: string): EndpointSlice[] {
    return (this.#slices.byIndex(SLICE_SERVICE, `${ns}/${name}`) as EndpointSlice[]).filter((s) => s.metadata.labels?.[LABEL_MANAGED_BY] === SLICE_CONTROLLER_NAME);
  }

  async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const ns = namespace ?? '';
    const svc = this.#services.get(ns, name) as Service | undefined;
    if (!svc) {
      // upstream leaves this to the garbage collector (the slices' ownerReferences); we have none
      this.#triggerTimes.forget(ns, name);
      // a slice we just created may not be in the cache yet: wait for it rather than orphan it
      if (this.#writes.isStale(key, (n) => this.#slices.get(ns, n))) throw new StaleCacheError('EndpointSlice');
      for (const s of this.#managedSlices(ns, name)) {
        this.#writes.deleted(key, s.metadata.name as string);
        await this.#client.endpointSlices.deleteIfExists(ns, s.metadata.name as string);
      }
      return;
    }
    if (!isSelectorService(svc)) return;

    const selector = serviceSelector(svc)!;
    const pods = podsSelectedBy(this.#pods, ns, selector);
    const existing = this.#managedSlices(ns, name).filter((s) => !s.metadata.deletionTimestamp);
    if (this.#writes.isStale(key, (n) => this.#slices.get(ns, n))) throw new StaleCacheError('EndpointSlice');

    const plan = reconcileServiceSlices({
      service: svc,
      pods,
      existing,
      node: (n) => (n ? this.#nodes.get(undefined, n) : undefined),
      triggerTime: this.#triggerTimes.compute(svc, pods),
      maxEndpointsPerSlice: this.#max,
    });
    for (const s of plan.create) this.#writes.wrote(key, await this.#client.endpointSlices.create(ns, s));
    for (const s of plan.update) this.#writes.wrote(key, await this.#client.endpointSlices.update(s));
    for (const s of plan.delete) {
      this.#writes.deleted(key, s.metadata.name as string);
      await this.#client.endpointSlices.deleteIfExists(ns, s.metadata.name as string);
    }
    if (plan.create.length + plan.update.length + plan.delete.length > 0) {
      this.#log.debug({ key, created: plan.create.length, updated: plan.update.length, deleted: plan.delete.length }, 'synced endpoint slices');
    }
    if (plan.missingNodes.length > 0) {
      for (const { node } of plan.missingNodes) {
        if (!node) continue;
        let set = this.#waitingForNode.get(node);
        if (!set) this.#waitingForNode.set(node, (set = new Set()));
        set.add(key);
      }
      const { pod, node } = plan.missingNodes[0]!;
      throw new Error(`skipping Pod ${pod} for Service ${key}: Node ${node} Not Found`);
    }
  }
}

function isManaged(s: KObject): boolean {
  return s.metadata.labels?.[LABEL_MANAGED_BY] === SLICE_CONTROLLER_NAME;
}
