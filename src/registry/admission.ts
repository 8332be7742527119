/**
 * Admission that every write passes, as kube-apiserver's built-in plugins: NamespaceLifecycle
 * (no new objects in a missing or terminating namespace).
 */
import type { KObject } from '../apimachinery/meta.js';
import { forbidden, notFound } from '../apimachinery/status.js';
import type { Store } from '../storage/storage.js';
import type { RequestContext, ResourceDefinition } from './resource-definition.js';

export interface Admission {
  admitCreate(def: ResourceDefinition, obj: KObject, ctx: RequestContext): Promise<void>;
}

export function namespaceLifecycle(store: Store): Admission {
  return {
    async admitCreate(def, obj) {
      if (!def.namespaced) return;
      const ns = obj.metadata.namespace as string;
      const kv = await store.get<KObject>(`/registry/namespaces/${ns}`);
      if (!kv) throw notFound({ group: '', resource: 'namespaces' }, ns);
      // as upstream, the phase decides (deletionTimestamp alone does not)
      if ((kv.value.status as { phase?: string } | undefined)?.phase === 'Terminating') {
        throw forbidden(
          { group: def.group, resource: def.plural },
          obj.metadata.name ?? '',
          `unable to create new content in namespace ${ns} because it is being terminated`,
        );
      }
    },
  };
}
