/**
 * The generic REST store: create / get / list / update / patch / delete for any resource,
 * driven by its ResourceDefinition — kube's registry/generic/registry/store.go in small.
 * Storage errors become API errors here and nowhere else.
 */
import type { KObject, KList, ManagedFieldsEntry } from '../apimachinery/meta.js';
import { apiVersionOf } from '../apimachinery/meta.js';
import type { FieldError } from '../apimachinery/field-errors.js';
import type { PatchMeta } from '../apimachinery/patch-meta.js';
import { fieldErr } from '../apimachinery/field-errors.js';
import {
  alreadyExists,
  badRequest,
  conflict,
  expired,
  internal,
  invalid,
  notFound,
  StatusError,
  successStatus,
  type Status,
} from '../apimachinery/status.js';
import { nameIsDNSSubdomain, validateObjectMeta, validateObjectMetaUpdate } from '../apimachinery/validation.js';
import type { KeyValue, Revision, Store } from '../storage/storage.js';
import {
  ConflictError,
  FutureRevisionError,
  KeyExistsError,
  KeyNotFoundError,
  RevisionCompactedError,
} from '../storage/storage.js';
import { encodeContinue, listStart, objectKey, parseResourceVersion, resourcePrefix, scopePrefix, tooLargeResourceVersion } from './keys.js';
import type { DeleteOptions, Finish, RequestContext, ResourceDefinition, UpdateStrategy } from './resource-definition.js';
import { deepCopy, rfc3339, sameIgnoringRV, specPart, withResourceVersion, deepEqualJSON } from './object-meta.js';
import type { RegistryClock } from './object-meta.js';
import type { SchemaChecks } from './schema-checks.js';
import { canonicalOrder, copyStored, encodeStored, listEncoding, rememberEncoded, type ListEncoding } from './encoding.js';
import { makeObjectFilter, type ObjectFilter, type SelectorOptions } from './filter.js';
import type { Admission } from './admission.js';
import { resolveManager, trackUpdate } from './managed-fields.js';

export type FieldValidation = 'Strict' | 'Warn' | 'Ignore';

export interface WriteOptions {
  fieldManager?: string;
  fieldValidation?: FieldValidation;
}

export interface ListOptions extends SelectorOptions {
  limit?: number;
  continue?: string;
  resourceVersion?: string;
  resourceVersionMatch?: string;
  /** The caller will call encode(): have the stored texts at hand (read back from disk if need be). */
  forEncoding?: boolean;
  /** The caller reads each item once (storage ListOptions.transient): objects are not kept decoded. */
  transient?: boolean;
}

export interface ListResponse extends ListEncoding {
  list: KList;
  revision: Revision;
}

// as kube-apiserver (RetryGenerateName): a generated name that collides is retried
const GENERATE_NAME_RETRIES = 8;
const GENERATE_NAME_SUFFIX = 5;
// an unconditional update that keeps losing races gives up eventually
const MAX_UPDATE_RETRIES = 16;

export interface ResourceStoreDeps {
  store: Store;
  clock: RegistryClock;
  schema: SchemaChecks;
  admission: Admission;
}

/** Produces the new object from the current one; may throw StatusErrors. */
export type TryUpdate = (current: KObject) => KObject | Promise<KObject>;

export class ResourceStore {
  readonly def: ResourceDefinition;
  readonly #deps: ResourceStoreDeps;
  readonly #gr: { group: string; resource: string };
  readonly #gk: { group: string; kind: string };

  constructor(def: ResourceDefinition, deps: ResourceStoreDeps) {
    this.def = def;
    this.#deps = deps;
    this.#gr = { group: def.group, resource: def.plural };
    this.#gk = { group: def.group, kind: def.kind };
  }

  get apiVersion(): string {
    return apiVersionOf(this.def.group, this.def.version);
  }

  key(namespace: string | undefined, name: string): string {
    return objectKey(this.def, namespace, name);
  }

  prefix(namespace?: string): string {
    return scopePrefix(this.def, namespace);
  }

  patchMeta(): PatchMeta {
    return this.#deps.schema.patchMeta(this.def);
  }

  /** The object as a client sees it (resourceVersion from the store). */
  present(kv: KeyValue): KObject {
    return withResourceVersion(kv.value as KObject, kv.modRevision);
  }

  async get(namespace: string | undefined, name: string): Promise<KObject> {
    const kv = await this.#deps.store.get(this.key(namespace, name));
    if (!kv) throw notFound(this.#gr, name);
    return this.present(kv);
  }

  /** GET as JSON text, from the stored object's cached encoding. */
  async getEncoded(namespace: string | undefined, name: string): Promise<string> {
    const kv = await this.#deps.store.get<KObject>(this.key(namespace, name));
    if (!kv) throw notFound(this.#gr, name);
    return encodeStored(kv);
  }

  /** The stored key-value, or undefined (no 404). */
  async find(namespace: string | undefined, name: string): Promise<KeyValue<KObject> | undefined> {
    return this.#deps.store.get<KObject>(this.key(namespace, name));
  }

  filterFor(opts: SelectorOptions): ObjectFilter {
    return makeObjectFilter(this.def, opts);
  }

  async list(namespace: string | undefined, opts: ListOptions = {}): Promise<ListResponse> {
    const filter = this.filterFor(opts);
    const prefix = this.prefix(namespace);
    const { revision, startKey, startCount } = listStart(this.def, prefix, opts, this.#deps.store.currentRevision());
    const limit = opts.limit && opts.limit > 0 ? opts.limit : undefined;
    let result;
    try {
      result = await this.#deps.store.list<KObject>(filter.narrowPrefix(prefix), {
        revision,
        startKey,
        ...(startCount !== undefined && !filter.acceptsKeyValue ? { startCount } : {}),
        ...(opts.forEncoding ? { withText: true } : {}),
        ...(opts.transient ? { transient: true } : {}),
        limit,
        filter: filter.acceptsKeyValue,
      });
    } catch (err) {
      if (err instanceof RevisionCompactedError) {
        if (opts.continue) {
          throw expired(
            'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter, or use the continue token in this response to retrieve the remainder of the results. Continuing with the provided token results in an inconsistent list - objects that were created, modified, or deleted between the time the first chunk was returned and now may show up in the list.',
          );
        }
        throw expired(`too old resource version: ${revision} (${err.compacted + 1})`);
      }
      if (err instanceof FutureRevisionError) {
        throw tooLargeResourceVersion(err.requested, err.current);
      }
      throw err;
    }
    // decoded only for callers that read the items (controllers, Tables); JSON responses use encode()
    let items: KObject[] | undefined;
    const present = () => (items ??= result.items.map((kv) => this.present(kv)));
    const meta: KList['metadata'] = { resourceVersion: String(result.revision) };
    if (result.nextKey !== undefined) {
      meta.continue = encodeContinue(result.revision, result.nextKey.slice(resourcePrefix(this.def).length), result.remaining);
      if (result.remaining !== undefined) meta.remainingItemCount = result.remaining;
    }
    return {
      list: {
        kind: `${this.def.kind}List`,
        apiVersion: this.apiVersion,
        metadata: meta,
        get items() {
          return present();
        },
      },
      revision: result.revision,
      ...listEncoding(`${this.def.kind}List`, this.apiVersion, meta, result.items),
    };
  }

  /**
   * Checks and normalizes a request body: apiVersion/kind, unknown fields, JSON types. The result
   * is a copy of `body`, unless `ownership` is 'take': the body is then the caller's own JSON value
   * (just parsed, say), shared with nothing, and becomes the result.
   */
  decodeBody(body: unknown, opts: WriteOptions, ctx: RequestContext, ownership: 'copy' | 'take' = 'copy'): KObject {
    if (body === null || typeof body !== 'object' || Array.isArray(body)) {
      throw badRequest(`the object provided is unrecognized (must be of type ${this.def.kind})`);
    }
    let obj = (ownership === 'take' ? body : deepCopy(body)) as KObject;
    if (obj.kind !== undefined && obj.kind !== this.def.kind) {
      throw badRequest(`the object provided is unrecognized (must be of type ${this.def.kind}): couldn't get version/kind; json parse error (kind ${String(obj.kind)})`);
    }
    if (obj.apiVersion !== undefined && obj.apiVersion !== this.apiVersion) {
      throw badRequest(`the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (${this.apiVersion})`);
    }
    if (obj.metadata === undefined || obj.metadata === null) obj.metadata = {};
    if (typeof obj.metadata !== 'object' || Array.isArray(obj.metadata)) {
      throw badRequest(`${this.def.kind} in version "${this.def.version}" cannot be handled as a ${this.def.kind}: json: cannot unmarshal ${typeof obj.metadata} into Go struct field ${this.def.kind}.metadata of type v1.ObjectMeta`);
    }
    const typeErr = this.#deps.schema.decodeError(obj, this.def);
    if (typeErr) throw typeErr;
    const unknown = this.#deps.schema.unknownFields(obj, this.def);
    if (unknown.length > 0) {
      const mode = opts.fieldValidation ?? 'Warn';
      if (mode === 'Strict') {
        throw badRequest(
          `${this.def.kind} in version "${this.def.version}" cannot be handled as a ${this.def.kind}: strict decoding error: ${unknown.map((f) => `unknown field "${f}"`).join(', ')}`,
        );
      }
      if (mode === 'Warn') for (const f of unknown) ctx.warnings.push(`unknown field "${f}"`);
      obj = this.#deps.schema.pruneUnknownFields(obj, this.def);
    }
    obj.apiVersion = this.apiVersion;
    obj.kind = this.def.kind;
    return obj;
  }

  async create(namespace: string | undefined, body: unknown, opts: WriteOptions, ctx: RequestContext): Promise<KObject> {
    const obj = this.decodeBody(body, opts, ctx);
    return this.createDecoded(namespace, obj, ctx);
  }

  /** Create from an already-decoded object (apply-creates, update-creates). */
  async createDecoded(namespace: string | undefined, obj: KObject, ctx: RequestContext): Promise<KObject> {
    const meta = obj.metadata;
    this.#checkNamespace(namespace, meta.namespace);
    if (this.def.namespaced) meta.namespace = namespace;
    else delete meta.namespace;
    await this.#deps.admission.admitCreate(this.def, obj, ctx);

    const generated = !meta.name && !!meta.generateName;
    for (let attempt = 0; ; attempt++) {
      const candidate = attempt === 0 ? obj : deepCopy(obj);
      if (generated) candidate.metadata.name = `${meta.generateName}${this.#deps.clock.randomSuffix(GENERATE_NAME_SUFFIX)}`;
      try {
        return await this.#createOnce(candidate, ctx);
      } catch (err) {
        if (generated && attempt + 1 < GENERATE_NAME_RETRIES && err instanceof StatusError && err.reason === 'AlreadyExists') continue;
        throw err;
      }
    }
  }

  async #createOnce(obj: KObject, ctx: RequestContext): Promise<KObject> {
    const meta = obj.metadata;
    meta.uid = this.#deps.clock.uid();
    meta.creationTimestamp = rfc3339(ctx.now);
    delete meta.resourceVersion;
    delete meta.deletionTimestamp;
    delete meta.deletionGracePeriodSeconds;
    delete meta.selfLink;
    if (this.def.hasGeneration) meta.generation = 1;
    else delete meta.generation;
    this.def.strategy.prepareForCreate?.(obj, ctx);
    this.#validate(obj, [
      ...validateObjectMeta(meta, this.#metaOpts()),
      ...(this.def.strategy.validate?.(obj, ctx) ?? []),
    ]);
    this.#trackFields(undefined, obj, meta.managedFields, ctx, undefined);
    const name = meta.name as string;
    if (ctx.dryRun) {
      const existing = await this.#deps.store.get(this.key(meta.namespace, name));
      if (existing) throw alreadyExists(this.#gr, name);
    }
    const finish = await this.def.hooks?.beginCreate?.(obj, ctx);
    if (ctx.dryRun) {
      finish?.(false);
      return obj;
    }
    try {
      const stored = canonicalOrder(obj);
      const kv = await this.#deps.store.create(this.key(meta.namespace, name), stored);
      finish?.(true);
      return this.#written(kv, stored);
    } catch (err) {
      finish?.(false);
      if (err instanceof KeyExistsError) throw alreadyExists(this.#gr, name);
      throw err;
    }
  }

  /**
   * PUT: replace the object. `body.metadata.resourceVersion`, when set, must match (409 otherwise).
   * `subresource` 'status' applies the status strategy instead of the main one.
   */
  async update(
    namespace: string | undefined,
    name: string,
    body: unknown,
    opts: WriteOptions,
    ctx: RequestContext,
    subresource?: 'status',
  ): Promise<{ obj: KObject; created: boolean }> {
    const next = this.decodeBody(body, opts, ctx);
    if (next.metadata.name !== undefined && next.metadata.name !== name) {
      throw badRequest(`the name of the object (${next.metadata.name}) does not match the name on the URL (${name})`);
    }
    this.#checkNamespace(namespace, next.metadata.namespace);
    next.metadata.name = name;
    const rv = next.metadata.resourceVersion;
    const current = await this.find(namespace, name);
    if (!current) {
      if (this.def.strategy.allowCreateOnUpdate && subresource === undefined) {
        return { obj: await this.createDecoded(namespace, next, ctx), created: true };
      }
      throw notFound(this.#gr, name);
    }
    if (!rv && !this.def.strategy.allowUnconditionalUpdate) {
      this.#validate(next, [fieldErr.invalid('metadata.resourceVersion', 0, 'must be specified for an update')]);
    }
    const obj = await this.guaranteedUpdate(namespace, name, () => next, ctx, {
      expectedRV: rv ? parseResourceVersion(rv) : undefined,
      subresource,
      current,
    });
    return { obj, created: false };
  }

  /**
   * Read-modify-write with optimistic concurrency, as storage.GuaranteedUpdate: `tryUpdate` gets
   * the current object; a lost race re-reads and retries unless the caller pinned a revision.
   */
  async guaranteedUpdate(
    namespace: string | undefined,
    name: string,
    tryUpdate: TryUpdate,
    ctx: RequestContext,
    opts: { expectedRV?: Revision; subresource?: 'status'; current?: KeyValue<KObject>; strategy?: UpdateStrategy<KObject> } = {},
  ): Promise<KObject> {
    const key = this.key(namespace, name);
    let current = opts.current;
    for (let attempt = 0; ; attempt++) {
      current ??= await this.#deps.store.get<KObject>(key);
      if (!current) throw notFound(this.#gr, name);
      if (opts.expectedRV !== undefined && opts.expectedRV !== current.modRevision) throw conflict(this.#gr, name);
      const prev = this.present(current);
      const next = await tryUpdate(withResourceVersion(copyStored(current), current.modRevision));
      const prepared = await this.#prepareUpdate(next, prev, ctx, opts.subresource, opts.strategy);
      if (prepared === 'unchanged') return prev;
      if (ctx.dryRun) {
        prepared.finish?.(false);
        return prepared.obj;
      }
      try {
        const written = await this.#write(key, prepared.obj, current.modRevision);
        prepared.finish?.(true);
        if (!written) {
          this.def.hooks?.afterDelete?.(prepared.obj);
          return prepared.obj;
        }
        return written;
      } catch (err) {
        prepared.finish?.(false);
        if (err instanceof ConflictError || err instanceof KeyNotFoundError) {
          if (opts.expectedRV !== undefined || attempt >= MAX_UPDATE_RETRIES) {
            if (err instanceof KeyNotFoundError) throw notFound(this.#gr, name);
            throw conflict(this.#gr, name);
          }
          current = undefined;
          continue;
        }
        throw err;
      }
    }
  }

  /** Stores `obj`, or removes the key when a pending deletion has no finalizers left. */
  async #write(key: string, obj: KObject, expected: Revision): Promise<KObject | undefined> {
    const meta = obj.metadata;
    if (
      meta.deletionTimestamp &&
      (meta.finalizers ?? []).length === 0 &&
      (meta.deletionGracePeriodSeconds ?? 0) === 0 &&
      (this.def.hooks?.shouldDeleteDuringUpdate?.(obj) ?? true)
    ) {
      await this.#deps.store.delete(key, expected);
      return undefined;
    }
    const stored = { ...obj, metadata: { ...meta } };
    delete stored.metadata.resourceVersion;
    const ordered = canonicalOrder(stored);
    return this.#written(await this.#deps.store.update(key, ordered, expected), ordered);
  }

  /**
   * A write's result as the client sees it, made from the object just written rather than by
   * decoding the stored copy (equal once serialized); its response text is the stored text.
   */
  #written(kv: KeyValue, stored: KObject): KObject {
    const out = withResourceVersion(stored, kv.modRevision);
    rememberEncoded(out, encodeStored(kv as KeyValue<KObject>));
    return out;
  }

  async #prepareUpdate(
    next: KObject,
    prev: KObject,
    ctx: RequestContext,
    subresource: 'status' | undefined,
    /** A subresource's own update strategy (namespaces/finalize) in place of the main one. */
    strategy: UpdateStrategy<KObject> = this.def.strategy,
  ): Promise<'unchanged' | { obj: KObject; finish?: Finish }> {
    const meta = next.metadata;
    const requestedFields = meta.managedFields;
    meta.name = prev.metadata.name;
    if (this.def.namespaced) meta.namespace = prev.metadata.namespace;
    next.apiVersion = this.apiVersion;
    next.kind = this.def.kind;
    // system-owned metadata always comes from storage
    if (meta.uid === undefined) meta.uid = prev.metadata.uid;
    if (meta.creationTimestamp === undefined || meta.creationTimestamp === null) meta.creationTimestamp = prev.metadata.creationTimestamp;
    meta.deletionTimestamp = prev.metadata.deletionTimestamp;
    meta.deletionGracePeriodSeconds = prev.metadata.deletionGracePeriodSeconds;
    if (meta.deletionTimestamp === undefined) delete meta.deletionTimestamp;
    if (meta.deletionGracePeriodSeconds === undefined) delete meta.deletionGracePeriodSeconds;
    delete meta.selfLink;
    // an unconditional update is checked against the version it replaces
    if (!meta.resourceVersion) meta.resourceVersion = prev.metadata.resourceVersion;
    // generation is the server's: kept here, bumped below when the spec changed
    if (this.def.hasGeneration) meta.generation = prev.metadata.generation ?? 1;
    else delete meta.generation;
    if (subresource === 'status') {
      // /status writes change status only (and nothing in metadata but what kube lets through)
      const status = next.status;
      const kept = deepCopy(prev);
      if (status === undefined) delete kept.status;
      else kept.status = status;
      kept.metadata.resourceVersion = meta.resourceVersion;
      this.def.statusStrategy?.prepareForUpdate?.(kept, prev, ctx);
      this.#validate(kept, this.def.statusStrategy?.validateUpdate?.(kept, prev, ctx) ?? []);
      next = kept;
    } else {
      if (this.def.statusStrategy && prev.status !== undefined) next.status = deepCopy(prev.status);
      else if (this.def.statusStrategy) delete next.status;
      strategy.prepareForUpdate?.(next, prev, ctx);
      this.#validate(next, [
        ...validateObjectMeta(next.metadata, this.#metaOpts()),
        ...validateObjectMetaUpdate(next.metadata, prev.metadata),
        ...(strategy.validateUpdate?.(next, prev, ctx) ?? []),
      ]);
    }
    if (this.def.hasGeneration && !deepEqualJSON(specPart(next), specPart(prev))) {
      next.metadata.generation = (prev.metadata.generation ?? 1) + 1;
    }
    this.#trackFields(prev, next, requestedFields, ctx, subresource);
    if (sameIgnoringRV(next, prev) && deepEqualJSON(next.metadata.managedFields, prev.metadata.managedFields)) return 'unchanged';
    const finish = subresource === 'status' ? undefined : await this.def.hooks?.beginUpdate?.(next, prev, ctx);
    return { obj: next, finish };
  }

  /** metadata.managedFields of a write (managed-fields.ts); a server-side apply brings its own. */
  #trackFields(prev: KObject | undefined, next: KObject, requested: ManagedFieldsEntry[] | undefined, ctx: RequestContext, subresource: 'status' | undefined): void {
    const fields = ctx.fieldsApplied
      ? requested
      : trackUpdate(prev, next, requested, {
          manager: resolveManager(ctx.fieldManager, ctx.userAgent),
          apiVersion: this.apiVersion,
          subresource,
          hasStatus: this.def.statusStrategy !== undefined,
          now: ctx.now,
          meta: this.patchMeta(),
        });
    if (fields) next.metadata.managedFields = fields;
    else delete next.metadata.managedFields;
  }

  /** DELETE one object. Returns what the API answers: the object, or a Success Status. */
  async delete(
    namespace: string | undefined,
    name: string,
    opts: DeleteOptions,
    ctx: RequestContext,
  ): Promise<{ obj: KObject; deleted: boolean; response: KObject | Status }> {
    const key = this.key(namespace, name);
    for (let attempt = 0; ; attempt++) {
      const current = await this.#deps.store.get<KObject>(key);
      if (!current) throw notFound(this.#gr, name);
      const obj = this.present(current);
      const pre = opts.preconditions;
      if (pre?.uid && pre.uid !== obj.metadata.uid) {
        throw conflict(this.#gr, name, `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${obj.metadata.uid ?? ''}`);
      }
      if (pre?.resourceVersion && pre.resourceVersion !== obj.metadata.resourceVersion) {
        throw conflict(
          this.#gr,
          name,
          `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in meta: ${obj.metadata.resourceVersion ?? ''}`,
        );
      }
      const plan = this.#planDelete(deepCopy(obj), opts, ctx);
      try {
        if (plan.action === 'update') {
          if (sameIgnoringRV(plan.obj, obj)) return { obj, deleted: false, response: obj };
          if (ctx.dryRun) return { obj: plan.obj, deleted: false, response: plan.obj };
          const stored = { ...plan.obj, metadata: { ...plan.obj.metadata } };
          delete stored.metadata.resourceVersion;
          const ordered = canonicalOrder(stored);
          const updated = this.#written(await this.#deps.store.update(key, ordered, current.modRevision), ordered);
          return { obj: updated, deleted: false, response: updated };
        }
        if (!ctx.dryRun) {
          const kv = await this.#deps.store.delete<KObject>(key, current.modRevision);
          this.def.hooks?.afterDelete?.(kv.value);
        }
        const response: KObject | Status = this.def.returnDeletedObject
          ? obj
          : successStatus({ name, ...(this.def.group ? { group: this.def.group } : {}), kind: this.def.plural, uid: obj.metadata.uid });
        return { obj, deleted: true, response };
      } catch (err) {
        if ((err instanceof ConflictError || err instanceof KeyNotFoundError) && attempt < MAX_UPDATE_RETRIES) continue;
        if (err instanceof KeyNotFoundError) throw notFound(this.#gr, name);
        throw err;
      }
    }
  }

  #planDelete(obj: KObject, opts: DeleteOptions, ctx: RequestContext): { action: 'delete' } | { action: 'update'; obj: KObject } {
    const custom = this.def.hooks?.planDelete?.(obj, opts, ctx);
    if (custom) return custom;
    const finalizers = obj.metadata.finalizers ?? [];
    if (finalizers.length > 0) {
      // as upstream: objects with finalizers are only marked; the last finalizer's removal deletes
      if (!obj.metadata.deletionTimestamp) {
        obj.metadata.deletionTimestamp = rfc3339(ctx.now);
        obj.metadata.deletionGracePeriodSeconds = 0;
      }
      return { action: 'update', obj };
    }
    return { action: 'delete' };
  }

  /** DELETE on the collection: every object the selectors match. */
  async deleteCollection(
    namespace: string | undefined,
    listOpts: ListOptions,
    opts: DeleteOptions,
    ctx: RequestContext,
  ): Promise<KList> {
    const { list } = await this.list(namespace, { labelSelector: listOpts.labelSelector, fieldSelector: listOpts.fieldSelector });
    const items: KObject[] = [];
    for (const item of list.items) {
      try {
        const res = await this.delete(item.metadata.namespace, item.metadata.name as string, opts, ctx);
        items.push(res.obj);
      } catch (err) {
        if (err instanceof StatusError && err.reason === 'NotFound') continue;
        throw err;
      }
    }
    return { kind: list.kind, apiVersion: list.apiVersion, metadata: { resourceVersion: String(this.#deps.store.currentRevision()) }, items };
  }

  #metaOpts() {
    return { namespaced: this.def.namespaced, nameFn: this.def.validateName ?? nameIsDNSSubdomain };
  }

  #checkNamespace(urlNamespace: string | undefined, bodyNamespace: string | undefined): void {
    if (!this.def.namespaced) return;
    if (!urlNamespace) throw badRequest('the server could not find the requested resource (namespace is required)');
    if (bodyNamespace && bodyNamespace !== urlNamespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
  }

  #validate(obj: KObject, errs: FieldError[]): void {
    if (errs.length > 0) throw invalid(this.#gk, obj.metadata.name ?? obj.metadata.generateName ?? '', errs);
  }

  /** Wraps unexpected failures so callers see a Status. */
  static wrap(err: unknown): StatusError {
    return err instanceof StatusError ? err : internal(err);
  }
}
