/** core/v1 Namespace: cluster-scoped; deletion marks it Terminating until its content is gone. */
import type { KObject } from '../apimachinery/meta.js';
import { badRequest, conflict, forbidden } from '../apimachinery/status.js';
import { fieldErr, type FieldError } from '../apimachinery/field-errors.js';
import { isQualifiedName, nameIsDNSLabel } from '../apimachinery/validation.js';
import type { ActionRequest, ResourceDefinition, UpdateStrategy } from '../registry/resource-definition.js';
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
    // as upstream's namespace REST: a terminating namespace goes only once spec.finalizers is empty too
    shouldDeleteDuringUpdate: (ns) => (ns.spec?.finalizers ?? []).length === 0,
  },
  customSubresources: [{ name: 'finalize', verbs: ['update'], handle: finalize }],
  printer: namespacePrinter,
  fieldSelectors: { 'status.phase': (ns) => ns.status?.phase },
};

function labelWithName(ns: Namespace): void {
  // as upstream (NamespaceDefaultLabelName): the immutable name label every namespace carries
  ns.metadata.labels = { ...(ns.metadata.labels ?? {}), 'kubernetes.io/metadata.name': ns.metadata.name ?? '' };
}

// as upstream (IsStandardFinalizerName): finalizer names allowed without a domain prefix
const STANDARD_FINALIZERS = new Set(['kubernetes', 'orphan', 'foregroundDeletion']);

function validateFinalizerName(name: string, path: string): FieldError[] {
  const errs = isQualifiedName(name).map((msg) => fieldErr.invalid(path, name, msg));
  if (errs.length === 0 && !name.includes('/') && !STANDARD_FINALIZERS.has(name)) {
    errs.push(fieldErr.invalid(path, name, 'name is neither a standard finalizer name nor is it fully qualified'));
  }
  return errs;
}

/** namespaceFinalizeStrategy: status is kept; spec.finalizers is what may change. */
const finalizeStrategy: UpdateStrategy<KObject> = {
  prepareForUpdate(next, prev) {
    next.status = prev.status;
  },
  validateUpdate(next) {
    const finalizers = (next as Namespace).spec?.finalizers ?? [];
    return finalizers.flatMap((f, i) => validateFinalizerName(f, `spec.finalizers[${i}]`));
  },
};

/**
 * PUT namespaces/{name}/finalize (upstream's FinalizeREST): replaces spec.finalizers and nothing
 * else. Emptying it on a terminating namespace with no metadata.finalizers deletes the namespace.
 */
async function finalize(req: ActionRequest): Promise<{ code: number; body: unknown }> {
  const body = req.store.decodeBody(req.body, {}, req.ctx) as Namespace;
  if (body.metadata.name !== undefined && body.metadata.name !== req.name) {
    throw badRequest(`the name of the object (${body.metadata.name}) does not match the name on the URL (${req.name})`);
  }
  const rv = body.metadata.resourceVersion;
  const finalizers = body.spec?.finalizers ?? [];
  const obj = await req.store.guaranteedUpdate(
    undefined,
    req.name,
    (current) => {
      if (rv && current.metadata.resourceVersion !== rv) throw conflict({ group: '', resource: 'namespaces' }, req.name);
      const ns = current as Namespace;
      ns.spec = { ...(ns.spec ?? {}), finalizers };
      return ns;
    },
    req.ctx,
    { strategy: finalizeStrategy },
  );
  return { code: 200, body: obj };
}
