/**
 * The in-process client controllers write through: the same registry, defaults, validation,
 * admission and resourceVersion checks as a user's request, as the system identity.
 */
import type { KObject } from '../apimachinery/meta.js';
import { isStatusError, notFound } from '../apimachinery/status.js';
import type { Registry } from '../registry/registry.js';
import type { ResourceStore, ListOptions } from '../registry/store.js';
import type { DeleteOptions } from '../registry/resource-definition.js';
import { systemContext } from './system-context.js';

export class ResourceClient {
  constructor(
    readonly store: ResourceStore,
    readonly registry: Registry,
  ) {}

  #ctx() {
    return systemContext(this.registry.clock);
  }

  get(namespace: string | undefined, name: string): Promise<KObject> {
    return this.store.get(namespace, name);
  }

  /** A list, or one page of it (`continue` is set when more follow). */
  async list(namespace?: string, opts: ListOptions = {}): Promise<{ items: KObject[]; resourceVersion: string; continue?: string }> {
    const { list } = await this.store.list(namespace, opts);
    return { items: list.items, resourceVersion: list.metadata.resourceVersion ?? '0', ...(list.metadata.continue ? { continue: list.metadata.continue } : {}) };
  }

  create(namespace: string | undefined, obj: KObject): Promise<KObject> {
    return this.store.create(namespace, obj, { fieldManager: 'kubelevel' }, this.#ctx());
  }

  /** PUT; obj.metadata.resourceVersion, when set, must be current. */
  async update(obj: KObject): Promise<KObject> {
    const res = await this.store.update(obj.metadata.namespace, obj.metadata.name as string, obj, { fieldManager: 'kubelevel' }, this.#ctx());
    return res.obj;
  }

  async updateStatus(obj: KObject): Promise<KObject> {
    const res = await this.store.update(obj.metadata.namespace, obj.metadata.name as string, obj, { fieldManager: 'kubelevel' }, this.#ctx(), 'status');
    return res.obj;
  }

  /** Read-modify-write that retries on conflicts. */
  mutate(namespace: string | undefined, name: string, fn: (obj: KObject) => KObject, subresource?: 'status'): Promise<KObject> {
    return this.store.guaranteedUpdate(namespace, name, fn, this.#ctx(), { subresource });
  }

  /** A custom subresource (pods/binding, namespaces/finalize) as a request would reach it; returns the response body. */
  async subresource(namespace: string | undefined, name: string, subresource: string, verb: 'create' | 'update', body: unknown): Promise<unknown> {
    const def = this.store.def;
    const sub = def.customSubresources?.find((s) => s.name === subresource && s.verbs.includes(verb));
    if (!sub) throw notFound({ group: def.group, resource: `${def.plural}/${subresource}` }, name);
    const res = await sub.handle({ store: this.store, namespace, name, body, ctx: this.#ctx() });
    return res.body;
  }

  async delete(namespace: string | undefined, name: string, opts: DeleteOptions = {}): Promise<void> {
    await this.store.delete(namespace, name, opts, this.#ctx());
  }

  /** Delete, treating NotFound as done. */
  async deleteIfExists(namespace: string | undefined, name: string, opts: DeleteOptions = {}): Promise<void> {
    try {
      await this.delete(namespace, name, opts);
    } catch (err) {
      if (!isStatusError(err, 'NotFound')) throw err;
    }
  }
}

export class Client {
  readonly #cache = new Map<string, ResourceClient>();
  constructor(readonly registry: Registry) {}

  resource(group: string, plural: string): ResourceClient {
    const key = `${group}/${plural}`;
    let rc = this.#cache.get(key);
    if (!rc) {
      rc = new ResourceClient(this.registry.resource(group, plural), this.registry);
      this.#cache.set(key, rc);
    }
    return rc;
  }

  get pods(): ResourceClient {
    return this.resource('', 'pods');
  }
  get services(): ResourceClient {
    return this.resource('', 'services');
  }
  get endpoints(): ResourceClient {
    return this.resource('', 'endpoints');
  }
  get endpointSlices(): ResourceClient {
    return this.resource('discovery.k8s.io', 'endpointslices');
  }
  get nodes(): ResourceClient {
    return this.resource('', 'nodes');
  }
  get namespaces(): ResourceClient {
    return this.resource('', 'namespaces');
  }
  get events(): ResourceClient {
    return this.resource('', 'events');
  }
}
