/**
 * Structured-merge-diff's typed operations over JSON objects, with the list semantics the schema
 * declares (PatchMeta): the field set of a value (ToFieldSet), the difference of two values
 * (Compare), the apply merge (Merge) and the removal of fields an applier dropped (prune).
 *
 * Lists: x-kubernetes-list-type `map` (items keyed by x-kubernetes-list-map-keys), `set` (items
 * by value) or `atomic`; without a list type, a `merge` patch strategy makes a map list keyed by
 * the patch merge key (a set without one), as kube-openapi's schema conversion does. Maps are
 * granular unless x-kubernetes-map-type is atomic.
 */
import type { PatchMeta } from '../apimachinery/patch-meta.js';
import type { PathElement } from './field-set.js';
import { FieldSet, compareElements, fieldElement, keyElement, valueElement } from './field-set.js';
import { deepEqualJSON } from './object-meta.js';

type Json = Record<string, unknown>;

export function isPlainObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A typed-value error (e.g. a map-list item without its key): upstream's ValidationErrors. */
export class TypedValueError extends Error {}

type ListKind = { kind: 'atomic' } | { kind: 'set' } | { kind: 'map'; keys: readonly string[] };

// The schema defaults of list-map key fields. Upstream reads them from the OpenAPI `default`;
// PatchMeta does not carry defaults, and `protocol` (TCP) is the only defaulted key in core/v1.
const KEY_DEFAULTS: Record<string, unknown> = { protocol: 'TCP' };

export function listKindOf(meta: PatchMeta): ListKind {
  if (meta.listType === 'atomic') return { kind: 'atomic' };
  if (meta.listType === 'set') return { kind: 'set' };
  if (meta.listType === 'map') {
    const keys = meta.listMapKeys ?? (meta.patchMergeKey ? [meta.patchMergeKey] : []);
    return keys.length > 0 ? { kind: 'map', keys } : { kind: 'atomic' };
  }
  if ((meta.patchStrategy ?? '').split(',').includes('merge')) {
    return meta.patchMergeKey ? { kind: 'map', keys: [meta.patchMergeKey] } : { kind: 'set' };
  }
  return { kind: 'atomic' };
}

function isAtomicMap(meta: PatchMeta): boolean {
  return meta.mapType === 'atomic';
}

/** The path element of a list item, or a TypedValueError naming the problem. */
export function itemElement(item: unknown, kind: ListKind, path: readonly PathElement[], index: number): PathElement {
  if (kind.kind === 'set') return valueElement(item);
  if (kind.kind === 'map') {
    if (!isPlainObject(item)) throw new TypedValueError(`${describe(path)}: element ${index}: associative list with keys may not have non-map elements`);
    const fields: Json = {};
    for (const k of kind.keys) {
      if (item[k] !== undefined && item[k] !== null) fields[k] = item[k];
      else if (k in KEY_DEFAULTS) fields[k] = KEY_DEFAULTS[k];
      else {
        throw new TypedValueError(
          `${describe(path)}: element ${index}: associative list with keys has an element that omits key field ${JSON.stringify(k)} (and doesn't have default value)`,
        );
      }
    }
    return keyElement(fields);
  }
  return `i:${index}`;
}

function describe(path: readonly PathElement[]): string {
  return path.map((pe) => (pe.startsWith('f:') ? `.${pe.slice(2)}` : `[${pe.slice(2)}]`)).join('');
}

/** Items of a non-atomic list by element, first occurrence winning; order of first appearance. */
function indexItems(list: readonly unknown[], kind: ListKind, path: readonly PathElement[]): { order: PathElement[]; items: Map<PathElement, unknown> } {
  const order: PathElement[] = [];
  const items = new Map<PathElement, unknown>();
  list.forEach((item, i) => {
    const pe = itemElement(item, kind, path, i);
    if (items.has(pe)) return;
    items.set(pe, item);
    order.push(pe);
  });
  return { order, items };
}

/** Upstream's ToFieldSet: leaves, list items, empty maps and nulls, never plain parents. */
export function toFieldSet(obj: Json, meta: PatchMeta): FieldSet {
  const out = new FieldSet();
  walkFields(obj, meta, [], out);
  return out;
}

function walkFields(obj: Json, meta: PatchMeta, path: PathElement[], out: FieldSet): void {
  for (const [k, v] of Object.entries(obj)) {
    if (v === undefined) continue;
    const p = [...path, fieldElement(k)];
    if (v === null || (isPlainObject(v) && Object.keys(v).length === 0)) out.insert(p);
    else walkValue(v, meta.field(k), p, out);
  }
}

function walkValue(v: unknown, meta: PatchMeta, path: PathElement[], out: FieldSet): void {
  if (Array.isArray(v)) {
    const kind = listKindOf(meta);
    if (kind.kind === 'atomic') {
      out.insert(path);
      return;
    }
    const { order, items } = indexItems(v, kind, path);
    for (const pe of order) {
      const p = [...path, pe];
      out.insert(p);
      const item = items.get(pe);
      if (isPlainObject(item) && !isAtomicMap(meta.items())) walkFields(item, meta.items(), p, out);
    }
    return;
  }
  if (isPlainObject(v) && !isAtomicMap(meta)) {
    walkFields(v, meta, path, out);
    return;
  }
  out.insert(path);
}

/** What changed from `lhs` to `rhs`: upstream's typed Comparison. */
export interface Comparison {
  added: FieldSet;
  modified: FieldSet;
  removed: FieldSet;
}

export function isSame(c: Comparison): boolean {
  return c.added.isEmpty() && c.modified.isEmpty() && c.removed.isEmpty();
}

/**
 * Upstream's Compare: leaves (scalars, nulls, atomic lists and maps, empty containers) are
 * added, removed or modified; a map, list or list item that appears or disappears is itself
 * added or removed, which is where FieldsV1's `.` markers of Update entries come from.
 */
export function compareObjects(lhs: Json, rhs: Json, meta: PatchMeta): Comparison {
  const c: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  compareNode(lhs, rhs, meta, [], c);
  return c;
}

function isEmptyContainer(v: unknown): boolean {
  if (v === undefined || v === null) return true;
  if (Array.isArray(v)) return v.length === 0;
  return isPlainObject(v) && isEmptyMap(v);
}

function isEmptyMap(m: Json): boolean {
  for (const _ in m) return false;
  return true;
}

function compareLeaf(l: unknown, r: unknown, path: PathElement[], c: Comparison): void {
  if (path.length === 0) return;
  if (l === undefined) c.added.insert(path);
  else if (r === undefined) c.removed.insert(path);
  else if (!deepEqualJSON(l, r)) c.modified.insert(path);
}

// `path` is one array for the whole walk: pushed before a child is compared, popped after.
function compareNode(l: unknown, r: unknown, meta: PatchMeta, path: PathElement[], c: Comparison): void {
  if (l === undefined && r === undefined) return;
  // one side absent: everything on the other is added (or removed), with no comparing
  if (path.length > 0 && (l === undefined || r === undefined)) {
    markSubtree(l === undefined ? r : l, meta, path, l === undefined ? c.added : c.removed);
    return;
  }
  if (l === r && isTypeable(l, meta, path)) return;
  const isMap = (isPlainObject(l) || isPlainObject(r)) && !Array.isArray(l) && !Array.isArray(r);
  const isList = (Array.isArray(l) || Array.isArray(r)) && !isPlainObject(l) && !isPlainObject(r);
  const bothEmpty = isEmptyContainer(l) && isEmptyContainer(r);
  const typesAgree = (v: unknown) => v === undefined || v === null || (isMap ? isPlainObject(v) : Array.isArray(v));
  if (isMap && !isAtomicMap(meta) && !bothEmpty && typesAgree(l) && typesAgree(r)) {
    const lm = (isPlainObject(l) ? l : {}) as Json;
    const rm = (isPlainObject(r) ? r : {}) as Json;
    for (const k in lm) compareField(lm[k], rm[k], meta, k, path, c);
    for (const k in rm) if (!Object.hasOwn(lm, k)) compareField(undefined, rm[k], meta, k, path, c);
  } else if (isList && listKindOf(meta).kind !== 'atomic' && !bothEmpty && typesAgree(l) && typesAgree(r)) {
    const kind = listKindOf(meta);
    const li = indexItems(Array.isArray(l) ? l : [], kind, path);
    const ri = indexItems(Array.isArray(r) ? r : [], kind, path);
    const itemMeta = meta.items();
    const compareItem = (pe: PathElement) => {
      path.push(pe);
      compareNode(li.items.get(pe), ri.items.get(pe), itemMeta, path, c);
      path.pop();
    };
    for (const pe of li.order) compareItem(pe);
    for (const pe of ri.order) if (!li.items.has(pe)) compareItem(pe);
  } else {
    compareLeaf(l, r, path, c);
  }
}

function compareField(l: unknown, r: unknown, meta: PatchMeta, k: string, path: PathElement[], c: Comparison): void {
  if (l === undefined && r === undefined) return;
  // equal subtrees (the bulk of most updates) have nothing to report; they are only checked for
  // what would make the typed walk fail (a map-list item without its key)
  const fieldMeta = meta.field(k);
  path.push(fieldElement(k));
  if (l !== undefined && r !== undefined && l !== r && typeof l === 'object' && deepEqualJSON(l, r)) {
    isTypeable(l, fieldMeta, path);
  } else {
    compareNode(l, r, fieldMeta, path, c);
  }
  path.pop();
}

/**
 * compareNode against nothing: the node at `path` and every node below it that the typed walk
 * visits (entries of granular maps, items of map and set lists) go into `into`.
 */
function markSubtree(v: unknown, meta: PatchMeta, path: PathElement[], into: FieldSet): void {
  markChildren(v, meta, path, into.insert(path), path[path.length - 1]!);
}

/** The children of `v` (at `path`) into `parent.childFor(pe)`, made only if there are any. */
function markChildren(v: unknown, meta: PatchMeta, path: PathElement[], parent: FieldSet, pe: PathElement): void {
  if (Array.isArray(v)) {
    if (v.length === 0) return;
    const kind = listKindOf(meta);
    if (kind.kind === 'atomic') return;
    const { order, items } = indexItems(v, kind, path);
    const at = parent.childFor(pe);
    const itemMeta = meta.items();
    for (const item of order) {
      at.members.add(item);
      path.push(item);
      markChildren(items.get(item), itemMeta, path, at, item);
      path.pop();
    }
    return;
  }
  if (!isPlainObject(v) || isAtomicMap(meta)) return;
  let at: FieldSet | undefined;
  for (const k in v) {
    const child = v[k];
    if (child === undefined) continue;
    at ??= parent.childFor(pe);
    const field = fieldElement(k);
    at.members.add(field);
    path.push(field);
    markChildren(child, meta.field(k), path, at, field);
    path.pop();
  }
}

/** What a create owns, for addedFieldsV1. */
export interface CreatedScope {
  /** Top-level fields the empty object has as empty maps (emptyLike): not owned themselves. */
  readonly emptyFields: ReadonlySet<string>;
  /** Member paths no write owns (as difference() removes them: members only, not what is below). */
  readonly excluded: FieldSet;
  /** Top-level elements the write may own at all. */
  keepTop(pe: PathElement): boolean;
}

/**
 * `compareObjects(empty, obj).added`, narrowed to `scope` and as FieldsV1, built straight from
 * `obj` (undefined when empty): what the Update entry of a create owns, without comparing against
 * the empty object or building a FieldSet. Throws a TypedValueError where the comparison does (the
 * dropped top-level fields included), though not necessarily the same one when there are several.
 */
export function addedFieldsV1(obj: Json, meta: PatchMeta, scope: CreatedScope): Record<string, unknown> | undefined {
  const path: PathElement[] = [];
  const entries: Array<[PathElement, Record<string, unknown>]> = [];
  for (const k in obj) {
    const v = obj[k];
    if (v === undefined) continue;
    const pe = fieldElement(k);
    const fieldMeta = meta.field(k);
    path.push(pe);
    if (!scope.keepTop(pe)) {
      isTypeable(v, fieldMeta, path);
    } else {
      const excluded = scope.excluded.children.get(pe);
      const isMember = !scope.excluded.members.has(pe);
      let e: Record<string, unknown> | undefined;
      if (!scope.emptyFields.has(k)) e = createdEntry(v, fieldMeta, path, excluded, isMember);
      // against an empty map of the empty object, a granular map adds what is below it; anything
      // else there (but another empty map) is modified
      else if (isPlainObject(v) && (isEmptyMap(v) || !isAtomicMap(fieldMeta))) e = createdEntry(v, fieldMeta, path, excluded, false);
      else if (isMember) e = {};
      if (e !== undefined) entries.push([pe, e]);
    }
    path.pop();
  }
  return entries.length === 0 ? undefined : fieldsV1Node(entries, false);
}

/**
 * FieldsV1 of the node `v` at `path` and everything below it; undefined when none of it is owned.
 * Children are visited in upstream element order, so each node is built in its final key order.
 */
function createdEntry(v: unknown, meta: PatchMeta, path: PathElement[], excluded: FieldSet | undefined, isMember: boolean): Record<string, unknown> | undefined {
  let out: Record<string, unknown> | undefined;
  if (Array.isArray(v)) {
    const kind = v.length === 0 ? undefined : listKindOf(meta);
    if (kind !== undefined && kind.kind !== 'atomic') {
      const { order, items } = indexItems(v, kind, path);
      const itemMeta = meta.items();
      if (order.length > 1) order.sort(compareElements);
      for (const pe of order) {
        path.push(pe);
        const e = createdEntry(items.get(pe), itemMeta, path, excluded?.children.get(pe), !(excluded?.members.has(pe) ?? false));
        path.pop();
        if (e !== undefined) (out ??= fieldsV1Start(isMember))[pe] = e;
      }
    }
  } else if (isPlainObject(v) && !isAtomicMap(meta)) {
    // field elements order as their names do
    const keys = Object.keys(v);
    if (keys.length > 1) keys.sort(compareStrings);
    for (const k of keys) {
      const child = v[k];
      if (child === undefined) continue;
      const pe = fieldElement(k);
      path.push(pe);
      const e = createdEntry(child, meta.field(k), path, excluded?.children.get(pe), !(excluded?.members.has(pe) ?? false));
      path.pop();
      if (e !== undefined) (out ??= fieldsV1Start(isMember))[pe] = e;
    }
  }
  return out ?? (isMember ? {} : undefined);
}

/** A FieldsV1 node about to get children: `.` first when the node is a member too. */
function fieldsV1Start(isMember: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (isMember) out['.'] = {};
  return out;
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A FieldsV1 node from its entries: upstream element order, `.` first when the node is a member too. */
function fieldsV1Node(entries: Array<[PathElement, Record<string, unknown>]>, isMember: boolean): Record<string, unknown> {
  if (entries.length > 1) entries.sort((a, b) => compareElements(a[0], b[0]));
  const out: Record<string, unknown> = {};
  if (isMember) out['.'] = {};
  for (const [pe, e] of entries) out[pe] = e;
  return out;
}

/**
 * Throws the TypedValueError compareNode(v, v) would throw, else true: the same walk (map-list
 * items indexed by their keys, the first of duplicates descended into) with nothing to record.
 */
function isTypeable(v: unknown, meta: PatchMeta, path: PathElement[]): true {
  if (Array.isArray(v)) {
    if (v.length === 0) return true;
    const kind = listKindOf(meta);
    if (kind.kind === 'atomic') return true;
    const { order, items } = indexItems(v, kind, path);
    const itemMeta = meta.items();
    for (const pe of order) {
      const item = items.get(pe);
      if (typeof item !== 'object' || item === null) continue;
      path.push(pe);
      isTypeable(item, itemMeta, path);
      path.pop();
    }
    return true;
  }
  if (!isPlainObject(v) || isAtomicMap(meta)) return true;
  for (const k in v) {
    const child = v[k];
    if (typeof child !== 'object' || child === null) continue;
    path.push(fieldElement(k));
    isTypeable(child, meta.field(k), path);
    path.pop();
  }
  return true;
}

/**
 * Upstream's apply merge: the applied configuration `rhs` over the live object `lhs`. Maps merge
 * field by field, map and set lists item by item (keeping live order, inserting applied items
 * where upstream does), and everything else is replaced. A null in the configuration removes.
 */
export function mergeApplied(lhs: Json, rhs: Json, meta: PatchMeta): Json {
  return mergeNode(lhs, rhs, meta, []) as Json;
}

function mergeNode(l: unknown, r: unknown, meta: PatchMeta, path: PathElement[]): unknown {
  if (r === undefined) return structuredClone(l);
  if (l === undefined || l === null) return structuredClone(r);
  if (isPlainObject(l) && isPlainObject(r) && !isAtomicMap(meta)) {
    const out: Json = {};
    for (const [k, v] of Object.entries(l)) {
      if (!(k in r)) out[k] = structuredClone(v);
      else if (r[k] !== null) out[k] = mergeNode(v, r[k], meta.field(k), [...path, fieldElement(k)]);
    }
    for (const [k, v] of Object.entries(r)) if (!(k in l) && v !== null && v !== undefined) out[k] = structuredClone(v);
    return out;
  }
  if (Array.isArray(l) && Array.isArray(r)) {
    const kind = listKindOf(meta);
    if (kind.kind !== 'atomic') return mergeList(l, r, kind, meta.items(), path);
  }
  return structuredClone(r);
}

/** structured-merge-diff's order-preserving interleave of live and applied list items. */
function mergeList(l: unknown[], r: unknown[], kind: ListKind, itemMeta: PatchMeta, path: PathElement[]): unknown[] {
  const lhs = indexItems(l, kind, path);
  const rhs = indexItems(r, kind, path);
  const lPEs = lhs.order;
  const rPEs = rhs.order;
  const shared = rPEs.filter((pe) => lhs.items.has(pe));
  let nextShared = shared.shift();
  const merged = new Set<PathElement>();
  const out: unknown[] = [];
  const take = (pe: PathElement) => {
    merged.add(pe);
    out.push(mergeNode(lhs.items.get(pe), rhs.items.get(pe), itemMeta, [...path, pe]));
  };
  let li = 0;
  let ri = 0;
  while (li < lPEs.length || ri < rPEs.length) {
    if (li < lPEs.length && ri < rPEs.length) {
      const pe = lPEs[li]!;
      if (pe === rPEs[ri]) {
        take(pe);
        li++;
        ri++;
        nextShared = shared.shift();
        continue;
      }
      if (rhs.items.has(pe) && nextShared !== undefined && nextShared !== pe) {
        li++;
        continue;
      }
    }
    if (li < lPEs.length) {
      const pe = lPEs[li]!;
      if (!rhs.items.has(pe)) {
        out.push(structuredClone(lhs.items.get(pe)));
        li++;
        continue;
      }
      if (merged.has(pe)) {
        li++;
        continue;
      }
    }
    if (ri < rPEs.length) {
      const pe = rPEs[ri]!;
      take(pe);
      ri++;
      if (nextShared === pe) nextShared = shared.shift();
    }
  }
  return out;
}

/**
 * Upstream's prune: removes from `obj` (in place) what the applier owned last time (`last`) and
 * no manager owns now (`keep`: every manager's set, the applier's new configuration included).
 * A struct field counts as owned when anything below it is (EnsureNamedFieldsAreMembers); a list
 * item only when the item itself is.
 */
export function pruneDropped(obj: Json, last: FieldSet, keep: FieldSet, meta: PatchMeta, protectedRoot: readonly string[]): void {
  pruneMap(obj, last, keep, meta, new Set(protectedRoot));
}

function pruneMap(obj: Json, last: FieldSet, keep: FieldSet | undefined, meta: PatchMeta, protect?: Set<string>): void {
  for (const k of Object.keys(obj)) {
    const pe = fieldElement(k);
    const lastChild = last.children.get(pe);
    const inLast = last.members.has(pe) || lastChild !== undefined;
    if (!inLast) continue;
    const keepChild = keep?.children.get(pe);
    const inKeep = keep !== undefined && (keep.members.has(pe) || keepChild !== undefined);
    if (!inKeep && !protect?.has(k)) {
      delete obj[k];
      continue;
    }
    if (lastChild !== undefined) pruneValue(obj, k, lastChild, keepChild, meta.field(k));
  }
}

function pruneValue(parent: Json, key: string, last: FieldSet, keep: FieldSet | undefined, meta: PatchMeta): void {
  const v = parent[key];
  if (isPlainObject(v) && !isAtomicMap(meta)) {
    pruneMap(v, last, keep, meta);
    return;
  }
  if (!Array.isArray(v)) return;
  const kind = listKindOf(meta);
  if (kind.kind === 'atomic') return;
  const kept: unknown[] = [];
  v.forEach((item, i) => {
    const pe = itemElement(item, kind, [], i);
    const inLast = last.members.has(pe);
    const inKeep = keep?.members.has(pe) ?? false;
    if (inLast && !inKeep) return;
    const lastChild = last.children.get(pe);
    if (lastChild !== undefined && isPlainObject(item) && !isAtomicMap(meta.items())) {
      pruneMap(item, lastChild, keep?.children.get(pe), meta.items());
    }
    kept.push(item);
  });
  parent[key] = kept;
}
