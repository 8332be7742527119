/**
 * The EndpointSlice mirroring controller (kube-controller-manager's
 * pkg/controller/endpointslicemirroring): the Endpoints a user writes for a selectorless
 * Service are mirrored into EndpointSlices, so slice consumers see them too.
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
import type { Endpoints } from './endpoints-builder.js';
import { serviceSelector } from './endpoints-pods.js';
import { MIRRORING_CONTROLLER_NAME, reconcileMirroredSlices } from './endpoints-mirroring-reconciler.js';
import { LABEL_MANAGED_BY, LABEL_SERVICE_NAME, LABEL_SKIP_MIRROR, type EndpointSlice } from './endpoints-slices.js';
import { serviceKeyOfSlice } from './endpointslices.js';
import { SLICE_SERVICE, sliceServiceValues } from './indexes.js';
import { StaleCacheError, WriteTracker } from './endpoints-write-tracker.js';

const LEADER_ANNOTATION = 'control-plane.alpha.kubernetes.io/leader';

export interface EndpointSliceMirroringControllerDeps {
  /** Milliseconds since the epoch (expires write expectations the informer never confirms). */
  now?: () => number;
  informers: InformerFactory;
  client: Client;
  logger: Logger;
  /** Concurrent syncs (--mirroring-concurrent-service-endpoint-syncs, default 5). */
  workers?: number;
}

/** shouldMirror: not labelled skip-mirror, and not a leader-election lock. */
export function shouldMirror(ep: KObject): boolean {
  return ep.metadata.labels?.[LABEL_SKIP_MIRROR] !== 'true' && ep.metadata.annotations?.[LEADER_ANNOTATION] === undefined;
}

function isMirrored(s: KObject): boolean {
  return s.metadata.labels?.[LABEL_MANAGED_BY] === MIRRORING_CONTROLLER_NAME;
}

export class EndpointSliceMirroringController implements Controller {
  readonly name = 'endpointslice-mirroring-controller';
  readonly queue = new WorkQueue();
  readonly #services: Informer;
  readonly #endpoints: Informer;
  readonly #slices: Informer;
  readonly #client: Client;
  readonly #log: Logger;
  readonly #workers: number;
  readonly #writes: WriteTracker;

  constructor(deps: EndpointSliceMirroringControllerDeps) {
    this.#services = deps.informers.for('', 'services');
    this.#endpoints = deps.informers.for('', 'endpoints');
    this.#slices = deps.informers.for('discovery.k8s.io', 'endpointslices');
    this.#client = deps.client;
    this.#writes = new WriteTracker(deps.now);
    this.#log = deps.logger.child({ component: this.name });
    this.#workers = deps.workers ?? 5;
    this.#slices.addIndex(SLICE_SERVICE, sliceServiceValues);

    // a service appearing, going, or gaining/losing its selector decides whether to mirror
    this.#services.addHandlers({
      add: (svc) => this.queue.add(keyOf(svc)),
      update: (prev, svc) => {
        if ((serviceSelector(prev as Service) === undefined) !== (serviceSelector(svc as Service) === undefined)) this.queue.add(keyOf(svc));
      },
      delete: (svc) => this.queue.add(keyOf(svc)),
    });
    this.#endpoints.addHandlers({
      add: (ep) => {
        if (shouldMirror(ep)) this.queue.add(keyOf(ep));
      },
      update: (prev, ep) => {
        if (shouldMirror(prev) || shouldMirror(ep)) this.queue.add(keyOf(ep));
      },
      delete: (ep) => {
        if (shouldMirror(ep)) this.queue.add(keyOf(ep));
      },
    });
    this.#slices.addHandlers({
      add: (s) => this.#onSliceChange(s),
      update: (prev, s) => {
        if (prev.metadata.labels?.[LABEL_SERVICE_NAME] !== s.metadata.labels?.[LABEL_SERVICE_NAME] || isMirrored(prev) !== isMirrored(s)) {
          for (const k of [serviceKeyOfSlice(prev), serviceKeyOfSlice(s)]) if (k) this.queue.add(k);
          return;
        }
        this.#onSliceChange(s);
      },
      delete: (s) => {
        const key = serviceKeyOfSlice(s);
        if (key && isMirrored(s) && !this.#writes.observeDelete(key, s)) this.queue.add(key);
      },
    });
  }

  #onSliceChange(s: KObject): void {
    const key = serviceKeyOfSlice(s);
    if (!key || !isMirrored(s)) return;
    if (!this.#writes.observeUpdate(key, s)) this.queue.add(key);
  }

  async run(signal: AbortSignal): Promise<void> {
    await Promise.all([this.#services.waitForSync(), this.#endpoints.waitForSync(), this.#slices.waitForSync()]);
    if (signal.aborted) return;
    this.#log.info('controller started');
    await runWorkers(this.queue, (key) => this.sync(key), { workers: this.#workers, log: this.#log, signal });
  }

  #mirroredSlices(ns: string, name: string): EndpointSlice[] {
    return (this.#slices.byIndex(SLICE_SERVICE, `${ns}/${name}`) as EndpointSlice[]).filter(isMirrored);
  }

  async #deleteMirrored(key: string, ns: string, name: string): Promise<void> {
    if (this.#writes.isStale(key, (n) => this.#slices.get(ns, n))) throw new StaleCacheError('EndpointSlice');
    for (const s of this.#mirroredSlices(ns, name)) {
      this.#writes.deleted(key, s.metadata.name as string);
      await this.#client.endpointSlices.deleteIfExists(ns, s.metadata.name as string);
    }
  }

  async sync(key: string): Promise<void> {
    const { namespace, name } = splitKey(key);
    const ns = namespace ?? '';
    const ep = this.#endpoints.get(ns, name) as Endpoints | undefined;
    const svc = this.#services.get(ns, name) as Service | undefined;
    // mirror only a user's Endpoints for an existing selectorless Service; otherwise clean up
    if (!ep || !shouldMirror(ep) || !svc || serviceSelector(svc) !== undefined) return this.#deleteMirrored(key, ns, name);

    const existing = this.#mirroredSlices(ns, name).filter((s) => !s.metadata.deletionTimestamp);
    if (this.#writes.isStale(key, (n) => this.#slices.get(ns, n))) throw new StaleCacheError('EndpointSlice');
    const plan = reconcileMirroredSlices(ep, existing);
    if (plan.skipped > 0) this.#log.warn({ key, skipped: plan.skipped }, 'addresses not mirrored to EndpointSlices');
    for (const s of plan.create) this.#writes.wrote(key, await this.#client.endpointSlices.create(ns, s));
    for (const s of plan.update) this.#writes.wrote(key, await this.#client.endpointSlices.update(s));
    for (const s of plan.delete) {
      this.#writes.deleted(key, s.metadata.name as string);
      await this.#client.endpointSlices.deleteIfExists(ns, s.metadata.name as string);
    }
  }
}
