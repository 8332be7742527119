/**
 * The endpoints controller (kube-controller-manager's pkg/controller/endpoint): keeps one
 * core/v1 Endpoints per selector Service listing its pods' addresses.
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
import { buildEndpoints, type Endpoints } from './endpoints-builder.js';
import { isSelectorService, serviceSelector, type EndpointsPod } from './endpoints-pods.js';
import { POD_LABELS, SERVICE_SELECTOR, podLabelValues, podsSelectedBy, serviceSelectorValues, servicesForPodEvent } from './indexes.js';
import { TriggerTimeTracker } from './endpoints-trigger-time.js';
import { StaleCacheError, WriteTracker } from './endpoints-write-tracker.js';

// as client-go's leader election: Endpoints used as a lock carry this and have no Service
const LEADER_ANNOTATION = 'control-plane.alpha.kubernetes.io/leader';

// upstream's default is 5 syncs at a time against a remote API server; here a sync's write is a
// LevelDB commit that groups whatever is in flight, so more syncs at once is more throughput
// (a service burst would otherwise queue pod-ready updates behind it for seconds)
const SYNC_WORKERS = 16;

export interface EndpointsControllerDeps {
  /** Milliseconds since the epoch (expires write expectations the informer never confirms). */
  now?: () => number;
  informers: InformerFactory;
  client: Client;
  logger: Logger;
  /** Concurrent syncs (kube-controller-manager's --concurrent-endpoint-syncs, default 5; here 16). */
  workers?: number;
}

export class EndpointsController implements Controller {
  readonly name = 'endpoints-controller';
  readonly queue = new WorkQueue();
  readonly #services: Informer;
  readonly #pods: Informer;
  readonly #endpoints: Informer;
  readonly #client: Client;
  readonly #log: Logger;
  readonly #workers: number;
  readonly #writes: WriteTracker;
  readonly #triggerTimes = new TriggerTimeTracker();

  constructor(deps: EndpointsControllerDeps) {
    this.#services = deps.informers.for('', 'services');
    this.#pods = deps.informers.for('', 'pods');
    this.#endpoints = deps.informers.for('', 'endpoints');
    this.#client = deps.client;
    this.#writes = new WriteTracker(deps.now);
    this.#log = deps.logger.child({ component: this.name });
    this.#workers = deps.workers ?? SYNC_WORKERS;
    this.#services.addIndex(SERVICE_SELECTOR, serviceSelectorValues);
    this.#pods.addIndex(POD_LABELS, podLabelValues);

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
    this.#endpoints.addHandlers({
      add: (ep) => this.#onEndpointsChange(ep),
      update: (_prev, ep) => this.#onEndpointsChange(ep),
      delete: (ep) => {
        // as upstream: a deleted Endpoints is recreated if its service still wants one
        if (!this.#writes.observeDelete(keyOf(ep), ep)) this.queue.add(keyOf(ep));
      },
    });
  }

  #enqueuePodChange(prev: KObject | undefined, next: KObject | undefined): void {
    for (const key of servicesForPodEvent(this.#services, prev as EndpointsPod | undefined, next as EndpointsPod | undefined)) this.queue.add(key);
  }

  /** Someone else wrote an Endpoints we manage: put it back. Our own writes are ignored. */
  #onEndpointsChange(ep: KObject): void {
    const key = keyOf(ep);
    if (this.#writes.observeUpdate(key, ep)) return;
    const svc = this.#services.getByKey(key) as Service | undefined;
    if (svc && isSelectorService(svc)) this.queue.add(key);
  }

  async run(signal: AbortSignal): Promise<void> {
    await Promise.all([this.#services.waitForSync(), this.#pods.waitForSync(), this.#endpoints.waitForSync()]);
    if (signal.aborted) return;
    this.#checkLeftoverEndpoints();
    this.#log.info('controller started');
    await runWorkers(this.queue, (key) => this.sync(key), { workers: this.#workers, log: this.#log, signal });
  }

  /**
   * checkLeftoverEndpoints: at start-up, Endpoints whose Service is gone (deleted while we were
   * down) are queued so their sync deletes them. Leader-election locks are spared.
   */
  #checkLeftoverEndpoints(): void {
    for (const ep of this.#endpoints.list()) {
      if (ep.metadata.annotations?.[LEADER_ANNOTATION] !== undefined) continue;
      this.queue.add(keyOf(ep));
    }
  }

  async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const ns = namespace ?? '';
    const svc = this.#services.get(ns, name) as Service | undefined;
    if (!svc) {
      // as upstream: the Service is gone, so is its Endpoints (whoever wrote it)
      this.#triggerTimes.forget(ns, name);
      if (this.#endpoints.get(ns, name)) this.#writes.deleted(key, name);
      await this.#client.endpoints.deleteIfExists(ns, name);
      return;
    }
    // ExternalName and selectorless services: the Endpoints, if any, are the user's
    if (!isSelectorService(svc)) return;
    if (this.#writes.isStale(key, (n) => this.#endpoints.get(ns, n))) throw new StaleCacheError('endpoints');

    const selector = serviceSelector(svc)!;
    const pods = podsSelectedBy(this.#pods, ns, selector);
    const triggerTime = this.#triggerTimes.compute(svc, pods);
    const current = this.#endpoints.get(ns, name) as Endpoints | undefined;
    const desired = buildEndpoints(svc, pods, current, triggerTime);
    if (!desired) return;
    const written = current ? await this.#client.endpoints.update(desired) : await this.#client.endpoints.create(ns, desired);
    this.#writes.wrote(key, written);
    this.#log.debug({ key, created: !current }, 'synced endpoints');
  }
}
