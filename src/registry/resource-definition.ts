/**
 * A resource's whole definition: names, scope, strategies, hooks, printing and field selectors.
 * The generic registry and the server's installer read nothing else; adding a resource is one
 * file in src/resources/ that exports one of these.
 */
import type { FieldError } from '../apimachinery/field-errors.js';
import type { KObject } from '../apimachinery/meta.js';
import type { Printer } from '../printers/table.js';
import type { UserInfo } from '../auth/authn.js';
import type { ResourceStore } from './store.js';

/** Who asks, and how: passed to every strategy and hook. */
export interface RequestContext {
  user: UserInfo;
  /** dryRun=All: run everything, persist nothing. */
  dryRun: boolean;
  /** Milliseconds since the epoch (the registry's clock). */
  now: number;
  /** n random characters from the registry clock (generated names in admission); absent: crypto random. */
  randomSuffix?: (n: number) => string;
  /** Warnings to send back in `Warning` headers. */
  warnings: string[];
  /** ?fieldManager=: the manager recorded in metadata.managedFields for this write. */
  fieldManager?: string;
  /** The request's User-Agent (its first `/`-separated token is the default field manager); absent for in-process writers. */
  userAgent?: string;
  /** Set by server-side apply: the written object's managedFields are final, the store does not track the write as an Update. */
  fieldsApplied?: boolean;
}

/**
 * Called when a write is about to be stored; resolves to a `finish(ok)` that commits (ok) or
 * reverts (not ok) the side effects (e.g. allocated ClusterIPs) once the store has answered.
 */
export type Finish = (ok: boolean) => void;

export interface CreateStrategy<T extends KObject> {
  /** May mutate: defaults, clearing status. Runs before validation. */
  prepareForCreate?(obj: T, ctx: RequestContext): void;
  /** Must not mutate. Returns every problem at once. */
  validate?(obj: T, ctx: RequestContext): FieldError[];
}

export interface UpdateStrategy<T extends KObject> {
  /** May mutate `next` (e.g. keep status from `prev`). Never mutates `prev`. */
  prepareForUpdate?(next: T, prev: T, ctx: RequestContext): void;
  validateUpdate?(next: T, prev: T, ctx: RequestContext): FieldError[];
}

export interface Strategy<T extends KObject> extends CreateStrategy<T>, UpdateStrategy<T> {
  /** PUT of a missing object creates it (Endpoints, as upstream). */
  allowCreateOnUpdate?: boolean;
  /** PUT without metadata.resourceVersion is accepted (last write wins). */
  allowUnconditionalUpdate?: boolean;
}

/** What DELETE does for a given object, decided by the resource (graceful pods, namespaces). */
export type DeletePlan<T extends KObject> =
  /** Remove now. */
  | { action: 'delete' }
  /** Keep the object, stored as `obj` (deletionTimestamp set, status changed…). */
  | { action: 'update'; obj: T };

export interface DeleteOptions {
  gracePeriodSeconds?: number;
  propagationPolicy?: 'Orphan' | 'Background' | 'Foreground';
  preconditions?: { uid?: string; resourceVersion?: string };
  dryRun?: string[];
}

export interface Hooks<T extends KObject> {
  /** Side effects of a create (allocation). Runs after validation, before storage. */
  beginCreate?(obj: T, ctx: RequestContext): Promise<Finish> | Finish;
  /** Side effects of an update, on (next, prev). */
  beginUpdate?(next: T, prev: T, ctx: RequestContext): Promise<Finish> | Finish;
  /**
   * Decide what a DELETE does before finalizers are considered. Absent: delete now (or mark
   * deletion when finalizers remain). `obj` is a private copy; mutate it for the update plan.
   */
  planDelete?(obj: T, opts: DeleteOptions, ctx: RequestContext): DeletePlan<T> | undefined;
  /** After the object is gone from storage (release allocations). Not called for dry runs. */
  afterDelete?(obj: T): void;
  /**
   * Whether an update that leaves a pending deletion without finalizers may remove the object
   * (upstream's ShouldDeleteDuringUpdate). Absent: yes. Namespaces also wait for spec.finalizers.
   */
  shouldDeleteDuringUpdate?(obj: T): boolean;
}

/** What a custom subresource handler gets: the resource's own store and the request. */
export interface ActionRequest {
  store: ResourceStore;
  namespace: string | undefined;
  name: string;
  body: unknown;
  ctx: RequestContext;
}

/** A subresource served by its own handler (pods/binding). status is declarative instead. */
export interface CustomSubresource {
  name: string;
  verbs: ('create' | 'update' | 'get')[];
  kind?: string;
  group?: string;
  version?: string;
  /** Handles the subresource's verb; returns the response body and code. */
  handle(req: ActionRequest): Promise<{ code: number; body: unknown }>;
}

export interface ResourceDefinition<T extends KObject = KObject> {
  group: string;
  version: string;
  kind: string;
  /** URL plural, e.g. `services`. */
  plural: string;
  singular: string;
  shortNames: string[];
  categories: string[];
  namespaced: boolean;
  /** Name rules (upstream's ValidateNameFunc); default: DNS-1123 subdomain. */
  validateName?: (name: string, prefix: boolean) => string[];
  /** Storage key segment under /registry/, when it differs from the plural (`services/specs`). */
  storageResource?: string;
  /** metadata.generation is kept and bumped on spec changes. */
  hasGeneration?: boolean;
  /** Served /status with this strategy (spec is kept from the stored object). */
  statusStrategy?: UpdateStrategy<T>;
  /** Subresources with their own handlers (see Registry.custom). */
  customSubresources?: CustomSubresource[];
  strategy: Strategy<T>;
  hooks?: Hooks<T>;
  /** DELETE answers with the object (pods, services, namespaces) rather than a Status. */
  returnDeletedObject?: boolean;
  /**
   * A virtual, create-only resource (SelfSubjectReview…): nothing is stored; POST answers with
   * what this returns. Such a resource declares `verbs: ['create']`.
   */
  createOnly?: (body: KObject, ctx: RequestContext) => KObject;
  /** Verbs on the collection and items; default: the eight standard verbs. */
  verbs?: string[];
  /** Server-side printing (kubectl get). */
  printer: Printer<KObject>;
  /** Field selectors beyond metadata.name and metadata.namespace. */
  fieldSelectors?: Record<string, (obj: T) => string | undefined>;
  /** Deprecation or other warnings sent on every request to this resource. */
  warning?: string;
  /** Kubernetes' storageVersionHash, advertised in discovery. */
  storageVersionHash?: string;
}

export function apiVersionOfDef(def: ResourceDefinition): string {
  return def.group === '' ? def.version : `${def.group}/${def.version}`;
}
