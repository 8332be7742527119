/**
 * metadata.managedFields: who owns which fields, as kube-apiserver's field manager keeps them
 * (k8s.io/apimachinery/pkg/util/managedfields/internal). Every write records its manager;
 * Update operations own the fields they changed (diff of the live and the new object), Apply
 * operations own their configuration (see apply.ts). A write that changes nothing leaves the
 * entries untouched, so kubectl can report "unchanged".
 */
import type { KObject, ManagedFieldsEntry } from '../apimachinery/meta.js';
import type { PatchMeta } from '../apimachinery/patch-meta.js';
import type { PathElement } from './field-set.js';
import { FieldSet, fieldElement } from './field-set.js';
import { addedFieldsV1, compareObjects, isPlainObject, type Comparison } from './field-set-typed.js';
import { rfc3339 } from './object-meta.js';

/** One decoded entry: the identity of a manager and the fields it owns. */
export interface ManagedEntry {
  manager: string;
  operation: 'Apply' | 'Update';
  apiVersion: string;
  time?: string;
  subresource?: string;
  set: FieldSet;
}

/** Who writes, and through which endpoint. */
export interface ManagerIdentity {
  manager: string;
  apiVersion: string;
  subresource?: 'status';
}

// as upstream's stripMetaManager: fields no manager ever owns
export const STRIPPED_FIELDS: FieldSet = FieldSet.of(
  [fieldElement('apiVersion')],
  [fieldElement('kind')],
  [fieldElement('metadata')],
  ...['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion'].map((f) => [
    fieldElement('metadata'),
    fieldElement(f),
  ]),
);

// as upstream's DefaultMaxUpdateManagers / capManagersManager
export const MAX_UPDATE_MANAGERS = 10;
export const ANCIENT_CHANGES_MANAGER = 'ancient-changes';
// validation.FieldManagerMaxLength
const FIELD_MANAGER_MAX_LENGTH = 128;

/**
 * The manager of a request without ?fieldManager=: the User-Agent up to its first `/`, keeping
 * printable characters, at most 128 bytes (upstream's prefixFromUserAgent). `kubectl/v1.30.0 …`
 * gives `kubectl`, `curl/8.5.0` gives `curl`.
 */
export function managerFromUserAgent(userAgent: string): string {
  const prefix = userAgent.split('/')[0] ?? '';
  let out = '';
  for (const ch of prefix) {
    if (!/^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(ch)) continue;
    if (Buffer.byteLength(out + ch) > FIELD_MANAGER_MAX_LENGTH) break;
    out += ch;
  }
  return out;
}

/**
 * The manager in-process writers (controllers, bootstrap) record when their context names no
 * user agent. Upstream's controllers are recorded by their binary's name (client-go's default
 * User-Agent); the endpoint, endpointslice and namespace controllers are kube-controller-manager's.
 */
export const IN_PROCESS_MANAGER = 'kube-controller-manager';

/** ?fieldManager= when given, else the User-Agent's prefix, else the in-process default. */
export function resolveManager(fieldManager: string | undefined, userAgent: string | undefined): string {
  if (fieldManager) return fieldManager;
  if (userAgent !== undefined) return managerFromUserAgent(userAgent);
  return IN_PROCESS_MANAGER;
}

function sameIdentity(e: ManagedEntry, manager: string, operation: 'Apply' | 'Update', apiVersion: string, subresource: string | undefined): boolean {
  // as BuildManagerIdentifier: an applier is the same manager whatever version it applies through
  return (
    e.manager === manager &&
    e.operation === operation &&
    (e.subresource ?? '') === (subresource ?? '') &&
    (operation === 'Apply' || e.apiVersion === apiVersion)
  );
}

export function findEntry(entries: ManagedEntry[], manager: string, operation: 'Apply' | 'Update', apiVersion: string, subresource?: string): ManagedEntry | undefined {
  return entries.find((e) => sameIdentity(e, manager, operation, apiVersion, subresource));
}

/** Decodes metadata.managedFields; throws on a malformed entry (as upstream's DecodeManagedFields). */
export function decodeManagedFields(entries: readonly ManagedFieldsEntry[] | undefined): ManagedEntry[] {
  const out: ManagedEntry[] = [];
  for (const e of entries ?? []) {
    if (e === null || typeof e !== 'object') throw new Error('managedFields entries must be objects');
    if (e.fieldsType !== undefined && e.fieldsType !== 'FieldsV1') throw new Error(`unsupported fieldsType ${String(e.fieldsType)}`);
    const entry: ManagedEntry = {
      manager: e.manager ?? '',
      operation: e.operation === 'Apply' ? 'Apply' : 'Update',
      apiVersion: e.apiVersion ?? '',
      set: FieldSet.fromFieldsV1(e.fieldsV1),
    };
    if (e.time) entry.time = e.time;
    if (e.subresource) entry.subresource = e.subresource;
    const same = findEntry(out, entry.manager, entry.operation, entry.apiVersion, entry.subresource);
    if (same) same.set = same.set.union(entry.set);
    else out.push(entry);
  }
  return out;
}

function timeSeconds(e: ManagedEntry): number {
  return e.time ? Date.parse(e.time) / 1000 : 0;
}

function compareEntries(p: ManagedEntry, q: ManagedEntry): number {
  const str = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return (
    str(p.operation, q.operation) ||
    timeSeconds(p) - timeSeconds(q) ||
    str(p.manager, q.manager) ||
    str(p.apiVersion, q.apiVersion) ||
    str(p.subresource ?? '', q.subresource ?? '')
  );
}

/** metadata.managedFields as upstream encodes them: empty entries dropped, sorted, undefined when none. */
export function encodeManagedFields(entries: readonly ManagedEntry[]): ManagedFieldsEntry[] | undefined {
  const kept = entries.filter((e) => !e.set.isEmpty()).sort(compareEntries);
  if (kept.length === 0) return undefined;
  return kept.map((e) => encodeEntry(e, e.set.toFieldsV1()));
}

/** One metadata.managedFields entry, fields in upstream order. */
function encodeEntry(e: Omit<ManagedEntry, 'set'>, fieldsV1: Record<string, unknown>): ManagedFieldsEntry {
  const out: ManagedFieldsEntry = { manager: e.manager, operation: e.operation, apiVersion: e.apiVersion };
  if (e.time) out.time = e.time;
  out.fieldsType = 'FieldsV1';
  out.fieldsV1 = fieldsV1;
  if (e.subresource) out.subresource = e.subresource;
  if (out.manager === '') delete out.manager;
  return out;
}

/** Which top-level fields a write can own (upstream's reset fields of the strategies). */
export interface WriteScope {
  /** The resource serves /status: main writes never own `status`. */
  hasStatus: boolean;
  subresource?: 'status';
}

/** `set` without what the write cannot own: stripped metadata, and status or everything but status. */
export function scoped(set: FieldSet, scope: WriteScope): FieldSet {
  return narrowToScope(set.clone(), scope);
}

/** scoped() in place, for a set the caller gives up. */
function narrowToScope(set: FieldSet, scope: WriteScope): FieldSet {
  set.deleteAll(STRIPPED_FIELDS);
  const keepTop = topLevelFilter(scope);
  for (const m of set.members) if (!keepTop(m)) set.members.delete(m);
  for (const pe of set.children.keys()) if (!keepTop(pe)) set.children.delete(pe);
  return set;
}

const STATUS = fieldElement('status');

/** The top-level elements a write can own: status alone, or everything but status. */
function topLevelFilter(scope: WriteScope): (pe: PathElement) => boolean {
  return (pe) => (scope.subresource === 'status' ? pe === STATUS : !(scope.hasStatus && pe === STATUS));
}

/** The object as the typed comparison sees it: no managedFields (and they are not read). */
export function withoutManagedFields(obj: KObject): Record<string, unknown> {
  const meta: Record<string, unknown> = {};
  const from = obj.metadata as Record<string, unknown>;
  for (const k in from) if (k !== 'managedFields') meta[k] = from[k];
  return { ...obj, metadata: meta };
}

/**
 * The object an Update diffs a create against: the empty object of the kind (metadata, spec and
 * status present and empty, as a Go zero value serializes them).
 */
export function emptyLike(obj: KObject): Record<string, unknown> {
  const out: Record<string, unknown> = { metadata: {} };
  for (const k of ['spec', 'status']) if (isPlainObject(obj[k])) out[k] = {};
  return out;
}

// the fields emptyLike() holds as empty maps (when the object's are maps: otherwise they differ
// from the empty object the same way whether it has them or not)
const EMPTY_OBJECT_FIELDS: ReadonlySet<string> = new Set(['metadata', 'spec', 'status']);

/** Merges the oldest Update entries into `ancient-changes` until at most MAX_UPDATE_MANAGERS remain. */
export function capUpdateManagers(entries: ManagedEntry[]): ManagedEntry[] {
  const updaters = entries.filter((e) => e.operation === 'Update');
  if (updaters.length <= MAX_UPDATE_MANAGERS) return entries;
  updaters.sort((a, b) => timeSeconds(a) - timeSeconds(b) || (a.manager < b.manager ? -1 : a.manager > b.manager ? 1 : 0));
  const dropped = new Set<ManagedEntry>();
  let first: ManagedEntry | undefined;
  let length = updaters.length;
  for (let i = 0; i < updaters.length && length > MAX_UPDATE_MANAGERS; i++) {
    const e = updaters[i]!;
    if (first === undefined) {
      first = e;
      continue;
    }
    let bucket = entries.find((b) => !dropped.has(b) && b.manager === ANCIENT_CHANGES_MANAGER && b.operation === 'Update' && !b.subresource && b.apiVersion === e.apiVersion);
    if (bucket === undefined) {
      first.manager = ANCIENT_CHANGES_MANAGER;
      delete first.subresource;
      bucket = first;
    }
    if (bucket === e) continue;
    bucket.set = e.set.union(bucket.set);
    if (e.time) bucket.time = e.time;
    else delete bucket.time;
    dropped.add(e);
    length--;
  }
  return entries.filter((e) => !dropped.has(e));
}

/** Options of one tracked write. */
export interface TrackOptions extends ManagerIdentity, WriteScope {
  /** Milliseconds since the epoch; entries carry it at second precision. */
  now: number;
  meta: PatchMeta;
}

/**
 * The managedFields after an Update-type write (create, update, patch) by `opts.manager`:
 * `requested` are the entries the written object carries (honoured when non-empty and not a
 * subresource write, as upstream lets clients rewrite managedFields), else `prev`'s. The manager
 * takes every field that was added or changed (from whoever owned it), removed fields leave every
 * owner, and the manager's entry gets a new time only when it took something.
 */
export function trackUpdate(
  prev: KObject | undefined,
  next: KObject,
  requested: readonly ManagedFieldsEntry[] | undefined,
  opts: TrackOptions,
): ManagedFieldsEntry[] | undefined {
  let entries: ManagedEntry[] | undefined;
  if (requested && requested.length > 0 && opts.subresource === undefined) {
    try {
      entries = decodeManagedFields(requested);
    } catch {
      entries = undefined; // as upstream: undecodable fields from a client fall back to the live ones
    }
  }
  const prevEntries = (): ManagedEntry[] => {
    try {
      return decodeManagedFields(prev?.metadata.managedFields);
    } catch {
      return [];
    }
  };
  entries ??= prevEntries();
  if (prev === undefined && entries.length === 0) return createdManagedFields(next, opts);
  let cmp: Comparison;
  try {
    cmp = compareObjects(prev ? withoutManagedFields(prev) : emptyLike(next), withoutManagedFields(next), opts.meta);
  } catch {
    return encodeManagedFields(entries); // an untypeable object (e.g. a map-list item without its key): leave ownership alone
  }
  // the comparison's sets and the decoded entries are this call's own: narrowed and merged in place
  const changed = narrowToScope(cmp.added.addAll(cmp.modified), opts);
  const removed = cmp.removed;
  for (const e of entries) e.set.deleteAll(changed).deleteAll(removed);
  if (!changed.isEmpty()) {
    const own = findEntry(entries, opts.manager, 'Update', opts.apiVersion, opts.subresource);
    const time = rfc3339(opts.now);
    if (own) {
      own.set.addAll(changed);
      own.time = time;
    } else {
      const entry: ManagedEntry = { manager: opts.manager, operation: 'Update', apiVersion: opts.apiVersion, time, set: changed };
      if (opts.subresource) entry.subresource = opts.subresource;
      entries.push(entry);
    }
  }
  return encodeManagedFields(capUpdateManagers(entries));
}

/**
 * trackUpdate of a create with no managedFields of its own: the writer's one entry owns the whole
 * object (within its scope), as compared against the empty object, built straight from it.
 */
function createdManagedFields(next: KObject, opts: TrackOptions): ManagedFieldsEntry[] | undefined {
  let fieldsV1: Record<string, unknown> | undefined;
  try {
    fieldsV1 = addedFieldsV1(withoutManagedFields(next), opts.meta, { emptyFields: EMPTY_OBJECT_FIELDS, excluded: STRIPPED_FIELDS, keepTop: topLevelFilter(opts) });
  } catch {
    return undefined; // untypeable: nobody owns anything, as trackUpdate leaves it
  }
  if (fieldsV1 === undefined) return undefined;
  const entry: Omit<ManagedEntry, 'set'> = { manager: opts.manager, operation: 'Update', apiVersion: opts.apiVersion, time: rfc3339(opts.now) };
  if (opts.subresource) entry.subresource = opts.subresource;
  return [encodeEntry(entry, fieldsV1)];
}
