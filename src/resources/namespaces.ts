/** core/v1 Namespace: cluster-scoped; deletion marks it Terminating until its content is gone. */
import type { KObject } from '../apimachinery/meta.js';
import { forbidden } from '../apimachinery/status.js';
import { nameIsDNSLabel } from '../apimachinery/validation.js';
import type { ResourceDefinition } from '../registry/resource-definition.js';
import { rfc3339 } from '../registry/object-meta.js';
import { namespacePrinter } from '../printers/namespaces.js';

interface Namespace extends KObject {
  spec?: { finalizers?: string[] };
  status?: { phase?: string; conditions?: unknown[] };
}

/** Namespaces that always exist and can't be deleted, as kube-apiserver keeps them. */
export const IMMORTAL_NAMESPACES = new Set(['default', 'kube-system', 'kube-public']);
export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

export const namespacesResource: ResourceDefinition<Namespace> = {
  group: '',
  version: 'v1',
  kind: 'Namespace',
  plural: 'namespaces',
  singular: 'namespace',
  shortNames: ['ns'],
  categories: [],
  namespaced: false,
  verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  validateName: nameIsDNSLabel,
  returnDeletedObject: true,
  storageVersionHash: 'Q3oi5N2YM8M=',
  strategy: {
    prepareForCreate(ns) {
      const finalizers = ns.spec?.finalizers ?? [];
      ns.spec = { finalizers: finalizers.includes('kubernetes') ? finalizers : [...finalizers, 'kubernetes'] };
      ns.status = { phase: 'Active' };
      labelWithName(ns);
    },
    prepareForUpdate(next, prev) {
      // spec.finalizers change only through /finalize, as upstream
      next.spec = { ...(next.spec ?? {}), finalizers: prev.spec?.finalizers ?? [] };
      labelWithName(next);
    },
    allowUnconditionalUpdate: true,
  },
  statusStrategy: {
    prepareForUpdate(next, prev) {
      next.spec = prev.spec;
    },
  },
  hooks: {
    planDelete(ns, _opts, ctx) {
      const name = ns.metadata.name ?? '';
      if (IMMORTAL_NAMESPACES.has(name)) throw forbidden({ group: '', resource: 'namespaces' }, name, 'this namespace may not be deleted');
      // finalized (spec.finalizers emptied by the namespace controller): gone for good
      if (ns.metadata.deletionTimestamp && (ns.spec?.finalizers ?? []).length === 0 && (ns.metadata.finalizers ?? []).length === 0) {
        return { action: 'delete' };
      }
      if (!ns.metadata.deletionTimestamp) ns.metadata.deletionTimestamp = rfc3339(ctx.now);
      ns.metadata.deletionGracePeriodSeconds = 0;
      ns.status = { ...(ns.status ?? {}), phase: 'Terminating' };
      return { action: 'update', obj: ns };
    },
  },
  printer: namespacePrinter,
  fieldSelectors: { 'status.phase': (ns) => ns.status?.phase },
};

function labelWithName(ns: Namespace): void {
  // as upstream (NamespaceDefaultLabelName): the immutable name label every namespace carries
  ns.metadata.labels = { ...(ns.metadata.labels ?? {}), 'kubernetes.io/metadata.name': ns.metadata.name ?? '' };
}
