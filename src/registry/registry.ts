/** Every served resource, each behind one generic ResourceStore. */
import type { Store } from '../storage/storage.js';
import type { ResourceDefinition } from './resource-definition.js';
import { ResourceStore } from './store.js';
import type { RegistryClock } from './object-meta.js';
import type { SchemaChecks } from './schema-checks.js';
import { namespaceLifecycle } from './admission.js';
import type { ResourceWatch, WatchRequest } from './watch.js';
import { watchResource } from './watch.js';

export interface RegistryDeps {
  store: Store;
  clock: RegistryClock;
  schema: SchemaChecks;
}

export class Registry {
  readonly store: Store;
  readonly clock: RegistryClock;
  readonly #byPath = new Map<string, ResourceStore>();
  readonly #all: ResourceStore[] = [];

  constructor(defs: ResourceDefinition[], deps: RegistryDeps) {
    this.store = deps.store;
    this.clock = deps.clock;
    const admission = namespaceLifecycle(deps.store);
    for (const def of defs) {
      const rs = new ResourceStore(def, { ...deps, admission });
      this.#byPath.set(pathKey(def.group, def.version, def.plural), rs);
      this.#all.push(rs);
    }
  }

  /** All resources, in definition order. */
  resources(): readonly ResourceStore[] {
    return this.#all;
  }

  lookup(group: string, version: string, plural: string): ResourceStore | undefined {
    return this.#byPath.get(pathKey(group, version, plural));
  }

  /** The store for a resource that must exist (controllers, the in-process client). */
  resource(group: string, plural: string): ResourceStore {
    const rs = this.#all.find((r) => r.def.group === group && r.def.plural === plural);
    if (!rs) throw new Error(`resource ${plural}.${group} is not served`);
    return rs;
  }

  watch(rs: ResourceStore, namespace: string | undefined, req: WatchRequest): ResourceWatch {
    return watchResource(rs, this.store, namespace, req);
  }
}

function pathKey(group: string, version: string, plural: string): string {
  return `${group}/${version}/${plural}`;
}
