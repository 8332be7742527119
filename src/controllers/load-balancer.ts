/**
 * A LoadBalancer implementation for a laptop, in the spirit of MetalLB's layer-2 mode: every
 * Service of type LoadBalancer that is ours (no spec.loadBalancerClass, or LOAD_BALANCER_CLASS)
 * gets one address from --load-balancer-ip-range in status.loadBalancer.ingress, written through
 * services/status. Nothing is announced on the network; the address is for display and tooling.
 */
import type { Logger } from 'pino';
import type { IPRange } from '../config.js';
import type { KObject } from '../apimachinery/meta.js';
import { isStatusError } from '../apimachinery/status.js';
import { formatIP, parseIP } from '../allocators/ip-allocator.js';
import type { Client } from '../client/client.js';
import type { Service } from '../resources/service-types.js';
import { deepEqualJSON } from '../registry/object-meta.js';
import type { Controller } from './runtime/controller.js';
import { runWorkers } from './runtime/controller.js';
import type { InformerFactory } from './runtime/informer-factory.js';
import type { Informer } from './runtime/informer.js';
import { keyOf } from './runtime/informer.js';
import { WorkQueue } from './runtime/work-queue.js';

/** spec.loadBalancerClass this controller answers for, besides services that name no class. */
export const LOAD_BALANCER_CLASS = 'kubelevel.io/lb';

type LoadBalancerStatus = NonNullable<NonNullable<Service['status']>['loadBalancer']>;

/**
 * The address pool: which service key holds which address. Pure bookkeeping, no I/O; a request
 * for a held, foreign or out-of-pool address is refused rather than thrown.
 */
export class LoadBalancerPool {
  readonly family: 'IPv4' | 'IPv6';
  readonly #first: bigint;
  readonly #last: bigint;
  readonly #byIP = new Map<string, string>();
  readonly #byKey = new Map<string, string>();

  constructor(range: IPRange) {
    const first = parseIP(range.first);
    const last = parseIP(range.last);
    if (!first || !last || first.family !== last.family || first.value > last.value) {
      throw new TypeError(`invalid load balancer range ${range.first}-${range.last}`);
    }
    this.family = first.family;
    this.#first = first.value;
    this.#last = last.value;
  }

  get size(): bigint {
    return this.#last - this.#first + 1n;
  }

  /** The canonical text of `ip` when it lies in the pool, else undefined. */
  canonical(ip: string): string | undefined {
    const parsed = parseIP(ip);
    if (!parsed || parsed.family !== this.family || parsed.value < this.#first || parsed.value > this.#last) return undefined;
    return formatIP(parsed.value, this.family);
  }

  holderOf(ip: string): string | undefined {
    const c = this.canonical(ip);
    return c === undefined ? undefined : this.#byIP.get(c);
  }

  addressOf(key: string): string | undefined {
    return this.#byKey.get(key);
  }

  /** Gives `ip` to `key` (releasing what `key` held before); false when out of pool or held by another key. */
  claim(key: string, ip: string): boolean {
    const c = this.canonical(ip);
    if (c === undefined) return false;
    const holder = this.#byIP.get(c);
    if (holder !== undefined) return holder === key;
    this.release(key);
    this.#byIP.set(c, key);
    this.#byKey.set(key, c);
    return true;
  }

  /** The lowest free address for `key` (or the one it holds); undefined when the pool is exhausted. */
  claimNext(key: string): string | undefined {
    const held = this.#byKey.get(key);
    if (held !== undefined) return held;
    if (BigInt(this.#byIP.size) >= this.size) return undefined;
    // at most (addresses held + 1) steps, however large the range
    for (let v = this.#first; v <= this.#last; v++) {
      const ip = formatIP(v, this.family);
      if (!this.#byIP.has(ip)) {
        this.#byIP.set(ip, key);
        this.#byKey.set(key, ip);
        return ip;
      }
    }
    return undefined;
  }

  /** Frees what `key` holds; true when it held an address. */
  release(key: string): boolean {
    const ip = this.#byKey.get(key);
    if (ip === undefined) return false;
    this.#byKey.delete(key);
    this.#byIP.delete(ip);
    return true;
  }
}

/** Whether this controller owns the service's load balancer. */
export function isOurs(svc: Service): boolean {
  const cls = svc.spec?.loadBalancerClass;
  return svc.spec?.type === 'LoadBalancer' && (cls === undefined || cls === '' || cls === LOAD_BALANCER_CLASS);
}

function ingressIP(svc: Service): string | undefined {
  return svc.status?.loadBalancer?.ingress?.find((i) => i.ip)?.ip;
}

function byCreation(a: KObject, b: KObject): number {
  const ta = String(a.metadata.creationTimestamp ?? '');
  const tb = String(b.metadata.creationTimestamp ?? '');
  return ta < tb ? -1 : ta > tb ? 1 : keyOf(a) < keyOf(b) ? -1 : 1;
}

// the services this controller answers for, indexed so that freeing an address looks at them only
const OURS_INDEX = 'load-balancer-ours';
const oursValues = (svc: KObject): string[] => (isOurs(svc as Service) ? [''] : []);

export interface LoadBalancerDeps {
  client: Client;
  informers: InformerFactory;
  logger: Logger;
  range: IPRange;
}

export class LoadBalancerController implements Controller {
  readonly name = 'load-balancer-controller';
  readonly pool: LoadBalancerPool;
  readonly #client: Client;
  readonly #services: Informer;
  readonly #log: Logger;
  readonly #queue = new WorkQueue();
  readonly #range: IPRange;

  constructor(deps: LoadBalancerDeps) {
    this.pool = new LoadBalancerPool(deps.range);
    this.#range = deps.range;
    this.#client = deps.client;
    this.#services = deps.informers.for('', 'services');
    this.#services.addIndex(OURS_INDEX, oursValues);
    this.#log = deps.logger.child({ component: 'load-balancer-controller' });
  }

  async run(signal: AbortSignal): Promise<void> {
    const enqueue = (obj: KObject) => this.#queue.add(keyOf(obj));
    this.#services.addHandlers({ add: enqueue, update: (_prev, next) => enqueue(next), delete: enqueue });
    await this.#services.waitForSync();
    this.rebuild();
    this.#log.info({ first: this.#range.first, last: this.#range.last }, 'load balancer controller started');
    // one worker: assignments are decided in queue order, so two services never race for an address
    await runWorkers(this.#queue, (key) => this.sync(key), { workers: 1, log: this.#log, signal });
  }

  /** Re-learns who holds which address from the stored services (oldest first wins a duplicate). */
  rebuild(): void {
    const services = (this.#services.byIndex(OURS_INDEX, '') as Service[]).sort(byCreation);
    for (const svc of services) {
      const ip = ingressIP(svc);
      if (ip !== undefined && !this.pool.claim(keyOf(svc), ip)) {
        this.#log.warn({ service: keyOf(svc), ip }, 'load balancer address is taken or outside the pool; reassigning');
      }
    }
  }

  async sync(key: string): Promise<void> {
    const svc = this.#services.getByKey(key) as Service | undefined;
    if (!svc) {
      this.#release(key);
      return;
    }
    if (svc.spec?.type !== 'LoadBalancer') {
      this.#release(key);
      // the load balancer is gone with the type: EXTERNAL-IP disappears
      if (Object.keys(svc.status?.loadBalancer ?? {}).length > 0) await this.#writeStatus(svc, {});
      return;
    }
    // another implementation's service: its status is not ours to touch
    if (!isOurs(svc)) {
      this.#release(key);
      return;
    }
    const ip = this.#assign(key, svc);
    await this.#writeStatus(svc, ip === undefined ? {} : { ingress: [{ ip, ipMode: 'VIP' }] });
  }

  /** Frees `key`'s address; services still waiting for one get another look. */
  #release(key: string): void {
    if (this.pool.release(key)) this.#requeuePending();
  }

  #requeuePending(): void {
    for (const svc of this.#services.byIndex(OURS_INDEX, '')) {
      const k = keyOf(svc);
      if (this.pool.addressOf(k) === undefined) this.#queue.add(k);
    }
  }

  /** The address `svc` should have, claimed in the pool; undefined leaves it pending. */
  #assign(key: string, svc: Service): string | undefined {
    const families = svc.spec?.ipFamilies ?? [];
    if (families.length > 0 && !families.includes(this.pool.family)) {
      this.#release(key);
      this.#log.warn({ service: key, families, pool: this.pool.family }, 'no load balancer address of the service IP family');
      return undefined;
    }
    const wanted = svc.spec?.loadBalancerIP;
    if (wanted) {
      const before = this.pool.addressOf(key);
      if (this.pool.claim(key, wanted)) {
        // moving to the requested address frees the old one
        if (before !== undefined && before !== this.pool.addressOf(key)) this.#requeuePending();
        return this.pool.addressOf(key);
      }
      this.#release(key);
      const holder = this.pool.holderOf(wanted);
      this.#log.warn(
        { service: key, loadBalancerIP: wanted, holder },
        holder ? 'requested load balancer IP is in use' : 'requested load balancer IP is outside the pool',
      );
      return undefined;
    }
    const held = this.pool.addressOf(key);
    if (held !== undefined) return held;
    // an address recorded in status (e.g. before a restart, then freed by the rebuild's ordering) is kept when free
    const recorded = ingressIP(svc);
    if (recorded !== undefined && this.pool.claim(key, recorded)) return this.pool.addressOf(key);
    const next = this.pool.claimNext(key);
    if (next === undefined) this.#log.warn({ service: key, size: String(this.pool.size) }, 'load balancer address pool exhausted');
    return next;
  }

  async #writeStatus(svc: Service, desired: LoadBalancerStatus): Promise<void> {
    if (deepEqualJSON(svc.status?.loadBalancer ?? {}, desired)) return;
    try {
      await this.#client.services.mutate(
        svc.metadata.namespace,
        svc.metadata.name as string,
        (obj) => {
          const s = obj as Service;
          s.status = { ...(s.status ?? {}), loadBalancer: desired };
          return s;
        },
        'status',
      );
      this.#log.debug({ service: keyOf(svc), ingress: desired.ingress?.[0]?.ip }, 'updated load balancer status');
    } catch (err) {
      // deleted meanwhile: its delete event releases the address
      if (!isStatusError(err, 'NotFound')) throw err;
    }
  }
}
