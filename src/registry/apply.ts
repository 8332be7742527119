/**
 * Server-side apply (PATCH application/apply-patch+yaml), as kube-apiserver's field manager and
 * sigs.k8s.io/structured-merge-diff do it: the applied configuration is merged into the live
 * object, fields the applier owned before and dropped now are removed unless another manager owns
 * them, and a change to a field another manager owns is a conflict unless ?force=true.
 */
import type { KObject } from '../apimachinery/meta.js';
import type { PatchMeta } from '../apimachinery/patch-meta.js';
import { fieldErr } from '../apimachinery/field-errors.js';
import { badRequest, failure, internal, invalid, StatusError, type StatusCause } from '../apimachinery/status.js';
import type { PathElement } from './field-set.js';
import { FieldSet, pathString } from './field-set.js';
import { compareObjects, isPlainObject, isSame, mergeApplied, pruneDropped, toFieldSet, TypedValueError } from './field-set-typed.js';
import type { ManagedEntry, ManagerIdentity, WriteScope } from './managed-fields.js';
import {
  capUpdateManagers,
  decodeManagedFields,
  emptyLike,
  encodeManagedFields,
  findEntry,
  scoped,
  withoutManagedFields,
} from './managed-fields.js';
import { deepCopy, rfc3339 } from './object-meta.js';
import type { RequestContext } from './resource-definition.js';
import type { ResourceStore, WriteOptions } from './store.js';
import { parseResourceVersion } from './keys.js';

export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';
// the manager kubectl apply --server-side uses by default; only its applies keep the
// client-side-apply annotation in step (upstream's lastAppliedUpdater / lastAppliedManager)
const KUBECTL_MANAGER = 'kubectl';
// upstream's lastAppliedUpdater drops an annotation larger than this
const LAST_APPLIED_MAX_BYTES = 256 * 1024;

/** One apply as the merge sees it. */
export interface ApplyRequest {
  /** The stored object (with its managedFields), or undefined when the apply creates. */
  live: KObject | undefined;
  /** The applied configuration, decoded (apiVersion/kind checked, unknown fields handled). */
  config: KObject;
  identity: ManagerIdentity & WriteScope;
  force: boolean;
  /** Milliseconds since the epoch. */
  now: number;
  meta: PatchMeta;
}

interface Conflict {
  entry: ManagedEntry;
  path: PathElement[];
}

function managerLabel(e: ManagedEntry): string {
  let s = JSON.stringify(e.manager);
  if (e.subresource) s += ` with subresource ${JSON.stringify(e.subresource)}`;
  if (e.operation === 'Update') s += ` using ${e.apiVersion}`;
  return s;
}

function identityKey(e: ManagedEntry): string {
  return JSON.stringify([e.manager, e.operation, e.apiVersion, e.subresource ?? '']);
}

/** The 409 upstream answers (internal/conflict.go NewConflictError). */
export function applyConflictError(conflicts: readonly Conflict[]): StatusError {
  const causes: StatusCause[] = conflicts.map((c) => ({
    reason: 'FieldManagerConflict',
    message: `conflict with ${managerLabel(c.entry)}`,
    field: pathString(c.path),
  }));
  let message: string;
  if (conflicts.length === 1) {
    const [c] = conflicts;
    message = `Apply failed with 1 conflict: conflict with ${managerLabel(c!.entry)}: ${pathString(c!.path)}`;
  } else {
    const byManager = new Map<string, { entry: ManagedEntry; paths: PathElement[][] }>();
    for (const c of conflicts) {
      const k = identityKey(c.entry);
      const group = byManager.get(k) ?? { entry: c.entry, paths: [] };
      group.paths.push(c.path);
      byManager.set(k, group);
    }
    const lines: string[] = [];
    for (const k of [...byManager.keys()].sort()) {
      const g = byManager.get(k)!;
      lines.push(`conflicts with ${managerLabel(g.entry)}:`);
      for (const p of g.paths) lines.push(`- ${pathString(p)}`);
    }
    message = `Apply failed with ${conflicts.length} conflicts: ${lines.join('\n')}`;
  }
  return new StatusError(failure(409, 'Conflict', message, { causes }));
}

function typedError(config: KObject, err: unknown): StatusError {
  if (err instanceof TypedValueError) {
    const [group, version] = splitApiVersion(config.apiVersion ?? '');
    return internal(new Error(`failed to create typed patch object (${group}/${version}, Kind=${config.kind ?? ''}): ${err.message}`));
  }
  return err instanceof StatusError ? err : internal(err);
}

function splitApiVersion(apiVersion: string): [string, string] {
  const i = apiVersion.indexOf('/');
  return i < 0 ? ['', apiVersion] : [apiVersion.slice(0, i), apiVersion.slice(i + 1)];
}

/**
 * The fields the client-side-apply annotation proves `kubectl` applied: those of the annotation
 * that still match the live object (upstream's allowedConflictsFromLastApplied); undefined when
 * there is no usable annotation.
 */
function lastAppliedFields(live: KObject, apiVersion: string, meta: PatchMeta): FieldSet | undefined {
  const raw = live.metadata.annotations?.[LAST_APPLIED_ANNOTATION];
  if (!raw) return undefined;
  try {
    const last = JSON.parse(raw) as unknown;
    if (!isPlainObject(last) || last.apiVersion !== apiVersion) return undefined;
    const set = toFieldSet(last, meta);
    const cmp = compareObjects(last, withoutManagedFields(live), meta);
    return set.difference(cmp.modified).difference(cmp.added).difference(cmp.removed);
  } catch {
    return undefined;
  }
}

/** The annotation kubectl's applies keep: the applied object without the annotation itself, as JSON. */
function buildLastApplied(config: KObject): string {
  const copy = deepCopy(config);
  if (copy.metadata.annotations) delete copy.metadata.annotations[LAST_APPLIED_ANNOTATION];
  return `${JSON.stringify(sortKeys(copy))}\n`;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (!isPlainObject(v)) return v;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(v).sort()) out[k] = sortKeys(v[k]);
  return out;
}

function conflictsOf(others: readonly ManagedEntry[], changed: FieldSet): Conflict[] {
  const out: Conflict[] = [];
  const sorted = [...others].sort((a, b) => (identityKey(a) < identityKey(b) ? -1 : identityKey(a) > identityKey(b) ? 1 : 0));
  for (const entry of sorted) for (const path of entry.set.intersection(changed).paths()) out.push({ entry, path });
  return out;
}

/**
 * Merges the configuration into the live object and computes the new managedFields (on the
 * returned object). Throws the 409 of upstream on conflicts unless `force`. Never mutates `live`.
 */
export function computeApply(req: ApplyRequest): KObject {
  const { identity, meta } = req;
  const time = rfc3339(req.now);
  let configSet: FieldSet;
  let merged: Record<string, unknown>;
  const live = req.live ? withoutManagedFields(req.live) : emptyLike(req.config);
  try {
    configSet = toFieldSet(req.config, meta);
    merged = req.live ? mergeApplied(live, req.config, meta) : deepCopy(req.config);
  } catch (err) {
    throw typedError(req.config, err);
  }
  let entries: ManagedEntry[];
  try {
    entries = decodeManagedFields(req.live?.metadata.managedFields);
  } catch {
    entries = [];
  }
  const owned = scoped(configSet, identity);
  const previous = findEntry(entries, identity.manager, 'Apply', identity.apiVersion, identity.subresource);
  const others = entries.filter((e) => e !== previous);

  if (previous) {
    const keep = others.reduce((acc, e) => acc.union(e.set), configSet);
    pruneDropped(merged, previous.set, keep, meta, ['apiVersion', 'kind', 'metadata']);
  }

  let cmp;
  try {
    cmp = compareObjects(live, merged, meta);
  } catch (err) {
    throw typedError(req.config, err);
  }
  const changed = scoped(cmp.added.union(cmp.modified), identity);
  const removed = scoped(cmp.removed, identity);
  let force = req.force;
  const conflicts = conflictsOf(others, changed);
  if (conflicts.length > 0 && !force) {
    // kubectl's first server-side apply over a client-side-applied object takes over the fields
    // its annotation proves it applied (upstream's lastAppliedManager)
    const allowed = identity.manager === KUBECTL_MANAGER && req.live ? lastAppliedFields(req.live, identity.apiVersion, meta) : undefined;
    const remaining = allowed ? conflicts.filter((c) => !allowed.has(c.path)) : conflicts;
    if (remaining.length > 0) throw applyConflictError(remaining);
    force = true;
  }
  for (const e of others) {
    if (force) e.set = e.set.difference(changed);
    e.set = e.set.difference(removed);
  }
  const objectChanged = !isSame({ added: changed, modified: new FieldSet(), removed });
  const entry: ManagedEntry = { manager: identity.manager, operation: 'Apply', apiVersion: identity.apiVersion, set: owned };
  if (identity.subresource) entry.subresource = identity.subresource;
  // as managedFieldsUpdater: the applier's time moves only when the object changed
  if (objectChanged || !req.live) entry.time = time;
  else if (previous?.time) entry.time = previous.time;
  const result = merged as KObject;
  result.metadata = { ...(result.metadata ?? {}) };
  const managed = encodeManagedFields(capUpdateManagers([...others, entry]));
  if (managed) result.metadata.managedFields = managed;
  else delete result.metadata.managedFields;

  const annotations = result.metadata.annotations;
  if (identity.manager === KUBECTL_MANAGER && annotations?.[LAST_APPLIED_ANNOTATION] !== undefined) {
    const value = buildLastApplied(req.config);
    if (Buffer.byteLength(value) > LAST_APPLIED_MAX_BYTES) delete annotations[LAST_APPLIED_ANNOTATION];
    else annotations[LAST_APPLIED_ANNOTATION] = value;
  }
  return result;
}

/** `invalid object type: /v1, Kind=Service`, as upstream's versionCheckManager. */
function checkTypeOf(doc: Record<string, unknown>, rs: ResourceStore): void {
  const apiVersion = typeof doc.apiVersion === 'string' ? doc.apiVersion : '';
  const kind = typeof doc.kind === 'string' ? doc.kind : '';
  if (apiVersion === rs.apiVersion && kind === rs.def.kind) return;
  const [group, version] = splitApiVersion(apiVersion);
  throw badRequest(`invalid object type: ${group}/${version}, Kind=${kind}`);
}

export interface ApplyOptions extends WriteOptions {
  force?: boolean;
}

/**
 * PATCH with application/apply-patch+yaml: creates the object when missing (created: true),
 * otherwise merges. `doc` is the parsed body. The store records the returned managedFields as
 * they are (ctx.fieldsApplied) instead of tracking the write as an Update.
 */
export async function applyPatch(
  rs: ResourceStore,
  namespace: string | undefined,
  name: string,
  doc: unknown,
  opts: ApplyOptions,
  ctx: RequestContext,
  subresource?: 'status',
): Promise<{ obj: KObject; created: boolean }> {
  const manager = opts.fieldManager;
  if (!manager) {
    throw invalid({ group: 'meta.k8s.io', kind: 'PatchOptions' }, '', [fieldErr.required('fieldManager', 'is required for apply patch')]);
  }
  if (!isPlainObject(doc)) throw badRequest('error decoding patch: the applied configuration must be an object');
  checkTypeOf(doc, rs);
  const docMeta = isPlainObject(doc.metadata) ? doc.metadata : {};
  if (docMeta.managedFields !== undefined && docMeta.managedFields !== null) throw badRequest('metadata.managedFields must be nil');
  if (docMeta.name !== undefined && docMeta.name !== name) {
    throw badRequest(`the name of the object (${String(docMeta.name)}) does not match the name on the URL (${name})`);
  }
  if (rs.def.namespaced && docMeta.namespace !== undefined && docMeta.namespace !== '' && docMeta.namespace !== namespace) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  const config = rs.decodeBody({ ...doc, metadata: { ...docMeta, name } }, opts, ctx);
  if (rs.def.namespaced) config.metadata.namespace = namespace;
  const rv = config.metadata.resourceVersion;
  const expectedRV = typeof rv === 'string' && rv !== '' ? parseResourceVersion(rv) : undefined;
  const applyCtx: RequestContext = { ...ctx, fieldsApplied: true };
  const base = {
    config,
    identity: { manager, apiVersion: rs.apiVersion, subresource, hasStatus: rs.def.statusStrategy !== undefined },
    force: opts.force === true,
    meta: rs.patchMeta(),
  };

  const existing = await rs.find(namespace, name);
  if (!existing && subresource === undefined) {
    const obj = computeApply({ ...base, live: undefined, now: ctx.now });
    delete obj.metadata.resourceVersion;
    try {
      return { obj: await rs.createDecoded(namespace, obj, applyCtx), created: true };
    } catch (err) {
      // created concurrently: apply over it, as upstream's patcher retries
      if (!(err instanceof StatusError && err.reason === 'AlreadyExists')) throw err;
    }
  }
  const obj = await rs.guaranteedUpdate(
    namespace,
    name,
    (current) => computeApply({ ...base, live: current, now: ctx.now }),
    applyCtx,
    { expectedRV, subresource },
  );
  return { obj, created: false };
}
