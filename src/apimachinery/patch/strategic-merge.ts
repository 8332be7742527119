/**
 * Strategic merge patch as a server applies it: k8s.io/apimachinery/pkg/util/strategicpatch
 * StrategicMergeMapPatch (MergeParallelList and IgnoreUnmatchedNulls on), errors mapped the way
 * kube-apiserver's interpretStrategicMergePatchError does:
 * - malformed directive lists → 400 BadRequest (`invalid patch format of …`);
 * - lists of lists → 422 Invalid with the generic message;
 * - everything else (unknown `$patch`, missing merge key, mismatched element types) is returned
 *   unwrapped by upstream and so reaches the client as a 500 with an empty reason, which kubectl
 *   prints as `Error from server: <message>`.
 *
 * Element order follows upstream's normalizeElementOrder: items named by `$setElementOrder` (or,
 * without it, the patch list) keep that order; server-only items keep theirs and are interleaved by
 * their live position; an item that is new to the server goes before the remaining server-only
 * items (so `kubectl patch` adding a container puts it first, as a real cluster does).
 */
import type { PatchMeta } from '../patch-meta.js';
import { StatusError, badRequest, failure } from '../status.js';

type JSONMap = Record<string, unknown>;
type Kind = 'object' | 'array' | 'string' | 'number' | 'boolean' | 'null';

const DIRECTIVE_MARKER = '$patch';
const DELETE_DIRECTIVE = 'delete';
const REPLACE_DIRECTIVE = 'replace';
const MERGE_DIRECTIVE = 'merge';
const RETAIN_KEYS_DIRECTIVE = '$retainKeys';
const RETAIN_KEYS_STRATEGY = 'retainKeys';
const DELETE_FROM_PRIMITIVE_LIST_PREFIX = '$deleteFromPrimitiveList';
const SET_ELEMENT_ORDER_PREFIX = '$setElementOrder';

// mergepatch error texts
export const ERR_BAD_PATCH_FORMAT_FOR_PRIMITIVE_LIST = 'invalid patch format of primitive list';
export const ERR_BAD_PATCH_FORMAT_FOR_RETAIN_KEYS = 'invalid patch format of retainKeys';
export const ERR_BAD_PATCH_FORMAT_FOR_SET_ELEMENT_ORDER_LIST = 'invalid patch format of setElementOrder list';
export const ERR_NO_LIST_OF_LISTS = 'lists of lists are not supported';

function unprocessable(detail: string): StatusError {
  const err = new StatusError(failure(422, 'Invalid', 'the server rejected our request due to an error in our request', {}));
  err.cause = new Error(detail);
  return err;
}

/** A plain error upstream does not translate: 500, no reason, the raw message. */
function untranslated(message: string): StatusError {
  const s = failure(500, '', message);
  delete s.reason;
  return new StatusError(s);
}

function isMap(v: unknown): v is JSONMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function has(m: JSONMap, k: string): boolean {
  return Object.prototype.hasOwnProperty.call(m, k);
}

function kindOf(v: unknown): Kind {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v as Kind;
}

/** Go's %v for decoded JSON: maps print as map[k:v] with sorted keys, slices as [a b]. */
export function goFormat(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goFormat).join(' ')}]`;
  if (isMap(v)) {
    return `map[${Object.keys(v)
      .sort()
      .map((k) => `${k}:${goFormat(v[k])}`)
      .join(' ')}]`;
  }
  return String(v);
}

function goTypeName(v: unknown): string {
  switch (kindOf(v)) {
    case 'object':
      return 'map[string]interface {}';
    case 'array':
      return '[]interface {}';
    case 'number':
      return Number.isInteger(v) ? 'int64' : 'float64';
    case 'boolean':
      return 'bool';
    case 'string':
      return 'string';
    default:
      return '%!s(<nil>)';
  }
}

const errBadArgType = (expected: string, actual: unknown): StatusError =>
  untranslated(`expected a ${expected}, but received a ${goTypeName(actual)}`);
const errNoMergeKey = (m: unknown, key: string): StatusError =>
  untranslated(`map: ${goFormat(m)} does not contain declared merge key: ${key}`);
const errBadPatchType = (t: unknown, m: JSONMap): StatusError =>
  untranslated(`unknown patch type: ${goFormat(t)} in map: ${goFormat(m)}`);

/** Go `==` on decoded JSON values: only scalars compare. */
function scalarEqual(a: unknown, b: unknown): boolean {
  if (isMap(a) || Array.isArray(a) || isMap(b) || Array.isArray(b)) return false;
  return (a ?? null) === (b ?? null);
}

function extractRetainKeysPatchStrategy(strategy: string | undefined): string {
  const parts = strategy ? strategy.split(',') : [];
  switch (parts.length) {
    case 0:
      return '';
    case 1:
      return parts[0] === RETAIN_KEYS_STRATEGY ? '' : parts[0]!;
    case 2:
      if (parts[0] === RETAIN_KEYS_STRATEGY) return parts[1]!;
      if (parts[1] === RETAIN_KEYS_STRATEGY) return parts[0]!;
  }
  throw untranslated(`unexpected patch strategy: [${parts.join(' ')}]`);
}

function extractKey(s: string, prefix: string): string {
  const slash = s.indexOf('/');
  if (slash < 0 || s.slice(0, slash) !== prefix) {
    if (prefix === DELETE_FROM_PRIMITIVE_LIST_PREFIX) throw badRequest(ERR_BAD_PATCH_FORMAT_FOR_PRIMITIVE_LIST);
    throw badRequest(ERR_BAD_PATCH_FORMAT_FOR_SET_ELEMENT_ORDER_LIST);
  }
  return s.slice(slash + 1);
}

/** Drop nulls everywhere in a value being added wholesale (discardNullValuesFromPatch). */
function discardNulls(v: unknown): void {
  if (isMap(v)) {
    for (const k of Object.keys(v)) {
      if (v[k] === null) delete v[k];
      else discardNulls(v[k]);
    }
  } else if (Array.isArray(v)) {
    for (const item of v) discardNulls(item);
  }
}

/** removeDirectives: maps carrying `$patch` vanish from a value being added wholesale. */
function removeDirectives(v: unknown): [unknown, boolean] {
  if (isMap(v)) {
    if (has(v, DIRECTIVE_MARKER)) return [null, false];
    for (const k of Object.keys(v)) {
      const [nv, keep] = removeDirectives(v[k]);
      if (keep) v[k] = nv;
      else delete v[k];
    }
    return [v, true];
  }
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const item of v) {
      const [nv, keep] = removeDirectives(item);
      if (keep) out.push(nv);
    }
    return [out, true];
  }
  return [v, true];
}

function handleDirectiveInMergeMap(directive: unknown, patch: JSONMap): JSONMap {
  if (directive === REPLACE_DIRECTIVE) {
    delete patch[DIRECTIVE_MARKER];
    return patch;
  }
  if (directive === DELETE_DIRECTIVE) return {};
  throw errBadPatchType(directive, patch);
}

function applyRetainKeysDirective(original: JSONMap, patch: JSONMap): void {
  if (!has(patch, RETAIN_KEYS_DIRECTIVE)) return;
  const list = patch[RETAIN_KEYS_DIRECTIVE];
  delete patch[RETAIN_KEYS_DIRECTIVE];
  if (!Array.isArray(list)) throw badRequest(ERR_BAD_PATCH_FORMAT_FOR_RETAIN_KEYS);
  const keep = new Set(list.filter((x): x is string => typeof x === 'string'));
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || k.startsWith(DELETE_FROM_PRIMITIVE_LIST_PREFIX) || k.startsWith(SET_ELEMENT_ORDER_PREFIX)) continue;
    if (!keep.has(k)) throw badRequest(ERR_BAD_PATCH_FORMAT_FOR_RETAIN_KEYS);
  }
  for (const k of Object.keys(original)) if (!keep.has(k)) delete original[k];
}

function sliceElementKind(...slices: unknown[][]): Kind {
  let prev: Kind | undefined;
  for (const s of slices) {
    for (const v of s) {
      const k = kindOf(v);
      if (prev === undefined) {
        if (k === 'array') throw unprocessable(ERR_NO_LIST_OF_LISTS);
        prev = k;
      } else if (k !== prev) {
        throw untranslated(`list element types are not identical: ${goFormat(slices)}`);
      }
    }
  }
  if (prev === undefined) throw untranslated('no elements in any of the given slices');
  return prev;
}

function findMapInSlice(list: unknown[], key: string, value: unknown): number {
  for (let i = 0; i < list.length; i++) {
    const m = list[i];
    if (!isMap(m)) throw untranslated(`value for key ${i} is not a map.`);
    if (has(m, key) && scalarEqual(m[key], value)) return i;
  }
  return -1;
}

/** Identity for primitives in Go map lookups. */
function primitiveKey(v: unknown): unknown {
  return isMap(v) || Array.isArray(v) ? Symbol('unhashable') : (v ?? null);
}

function partitionPrimitives(list: unknown[], by: unknown[]): [unknown[], unknown[]] {
  const inPatch = new Set(by.map(primitiveKey));
  const patch: unknown[] = [];
  const serverOnly: unknown[] = [];
  for (const v of list) (inPatch.has(primitiveKey(v)) ? patch : serverOnly).push(v);
  return [patch, serverOnly];
}

function partitionMaps(list: unknown[], by: unknown[], mergeKey: string): [unknown[], unknown[]] {
  const patch: unknown[] = [];
  const serverOnly: unknown[] = [];
  for (const v of list) {
    if (!isMap(v)) throw errBadArgType('map[string]interface {}', v);
    if (!has(v, mergeKey)) throw errNoMergeKey(v, mergeKey);
    (findMapInSlice(by, mergeKey, v[mergeKey]) >= 0 ? patch : serverOnly).push(v);
  }
  return [patch, serverOnly];
}

function indexIn(list: unknown[], val: unknown, mergeKey: string, kind: Kind): number {
  const get = kind === 'object' ? (x: unknown) => (isMap(x) ? x[mergeKey] : null) : (x: unknown) => x;
  const want = get(val);
  return list.findIndex((x) => scalarEqual(get(x), want));
}

function extractToDeleteItems(list: unknown[]): [unknown[], unknown[]] {
  const keep: unknown[] = [];
  const del: unknown[] = [];
  for (const v of list) {
    if (!isMap(v)) throw errBadArgType('map[string]interface {}', v);
    (v[DIRECTIVE_MARKER] === DELETE_DIRECTIVE ? del : keep).push(v);
  }
  return [keep, del];
}

/**
 * normalizeSliceOrder with Go's sort.SliceStable comparator, which says "less" whenever either
 * item is missing from `order`; insertion sort reproduces Go's result for lists up to 20 items.
 */
function normalizeSliceOrder(toSort: unknown[], order: unknown[], mergeKey: string, kind: Kind): unknown[] {
  let items = toSort;
  let toDelete: unknown[] = [];
  if (kind === 'object') {
    for (const list of [toSort, order]) {
      for (const item of list) {
        if (!isMap(item)) throw errBadArgType('map[string]interface {}', item);
        if (!has(item, mergeKey)) throw errNoMergeKey(item, mergeKey);
      }
    }
    [items, toDelete] = extractToDeleteItems(toSort);
  }
  const out = [...items];
  const less = (a: unknown, b: unknown): boolean => {
    const ia = indexIn(order, a, mergeKey, kind);
    const ib = indexIn(order, b, mergeKey, kind);
    return ia >= 0 && ib >= 0 ? ia < ib : true;
  };
  for (let i = 1; i < out.length; i++) {
    for (let j = i; j > 0 && less(out[j], out[j - 1]); j--) [out[j], out[j - 1]] = [out[j - 1], out[j]];
  }
  return [...out, ...toDelete];
}

/** mergeSortedSlice: interleave server-only items into the patch items by live position. */
function mergeSortedSlice(left: unknown[], right: unknown[], serverOrder: unknown[], mergeKey: string, kind: Kind): unknown[] {
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++]);
    else if (j >= right.length) out.push(left[i++]);
    else {
      const li = indexIn(serverOrder, left[i], mergeKey, kind);
      const ri = indexIn(serverOrder, right[j], mergeKey, kind);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}

function normalizeElementOrder(
  patch: unknown[],
  serverOnly: unknown[],
  patchOrder: unknown[],
  serverOrder: unknown[],
  mergeKey: string,
  kind: Kind,
): unknown[] {
  const p = normalizeSliceOrder(patch, patchOrder, mergeKey, kind);
  const s = normalizeSliceOrder(serverOnly, serverOrder, mergeKey, kind);
  return mergeSortedSlice(s, p, serverOrder, mergeKey, kind);
}

function mergeSliceWithSpecialElements(original: unknown[], patch: unknown[], mergeKey: string): [unknown[], unknown[]] {
  let orig = original;
  const rest: unknown[] = [];
  let replace = false;
  for (const v of patch as JSONMap[]) {
    if (!has(v, DIRECTIVE_MARKER)) {
      rest.push(v);
      continue;
    }
    const directive = v[DIRECTIVE_MARKER];
    if (directive === DELETE_DIRECTIVE) {
      if (!has(v, mergeKey)) throw errNoMergeKey(v, mergeKey);
      orig = orig.filter(() => true);
      for (let i = findMapInSlice(orig, mergeKey, v[mergeKey]); i >= 0; i = findMapInSlice(orig, mergeKey, v[mergeKey])) {
        orig.splice(i, 1);
      }
    } else if (directive === REPLACE_DIRECTIVE) {
      replace = true;
    } else if (directive === MERGE_DIRECTIVE) {
      throw untranslated('merging lists cannot yet be specified in the patch');
    } else {
      throw errBadPatchType(directive, v);
    }
  }
  return replace ? [rest, []] : [orig, rest];
}

function mergeSlice(original: unknown[], patch: unknown[], elemMeta: PatchMeta, mergeKey: string, isDeleteList: boolean): unknown[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = sliceElementKind(original, patch);
  let orig = original;
  let patchItems = patch;
  let merged: unknown[];
  if (kind !== 'object') {
    if (isDeleteList) {
      const del = new Set(patch.map(primitiveKey));
      return original.filter((v) => !del.has(primitiveKey(v)));
    }
    merged = [];
    const seen = new Set<unknown>();
    for (const v of [...original, ...patch]) {
      const k = primitiveKey(v);
      if (!seen.has(k)) {
        seen.add(k);
        merged.push(v);
      }
    }
  } else {
    if (mergeKey === '') throw untranslated('cannot merge lists without merge key for type map');
    [orig, patchItems] = mergeSliceWithSpecialElements(original, patch, mergeKey);
    merged = [...orig];
    for (const v of patchItems as JSONMap[]) {
      if (!has(v, mergeKey)) throw errNoMergeKey(v, mergeKey);
      const i = findMapInSlice(merged, mergeKey, v[mergeKey]);
      if (i >= 0) merged[i] = mergeMap(merged[i] as JSONMap, v, elemMeta);
      else merged.push(v);
    }
  }
  const [inPatch, serverOnly] =
    mergeKey === '' ? partitionPrimitives(merged, patchItems) : partitionMaps(merged, patchItems, mergeKey);
  return normalizeElementOrder(inPatch, serverOnly, patchItems, orig, mergeKey, kind);
}

function mergeSliceHandler(
  original: unknown[],
  patch: unknown[],
  listMeta: PatchMeta,
  strategy: string,
  isDeleteList: boolean,
): unknown[] {
  if (strategy !== MERGE_DIRECTIVE) return patch;
  return mergeSlice(original, patch, listMeta.items(), listMeta.patchMergeKey ?? '', isDeleteList);
}

function validatePatchWithSetOrderList(patchList: unknown[], setOrder: unknown[], mergeKey: string): void {
  if (setOrder.length === 0 || patchList.length === 0) return;
  const nonDelete = mergeKey !== '' ? extractToDeleteItems(patchList)[0] : patchList;
  let pi = 0;
  let si = 0;
  while (pi < nonDelete.length && si < setOrder.length) {
    const item = nonDelete[pi];
    if (isMap(item) && has(item, DIRECTIVE_MARKER)) {
      pi++;
      continue;
    }
    let equal: boolean;
    if (mergeKey === '') {
      equal = scalarEqual(item, setOrder[si]);
    } else {
      const l = item;
      const r = setOrder[si];
      if (!isMap(l)) throw errBadArgType('map[string]interface {}', l);
      if (!isMap(r)) throw errBadArgType('map[string]interface {}', r);
      if (!has(l, mergeKey)) throw errNoMergeKey(l, mergeKey);
      if (!has(r, mergeKey)) throw errNoMergeKey(r, mergeKey);
      equal = scalarEqual(l[mergeKey], r[mergeKey]);
    }
    if (equal) pi++;
    si++;
  }
  if (pi < nonDelete.length && si >= setOrder.length) {
    throw untranslated(
      `The order in patch list:\n${goFormat(patchList)}\n doesn't match ${SET_ELEMENT_ORDER_PREFIX} list:\n${goFormat(setOrder)}\n`,
    );
  }
}

/** mergePatchIntoOriginal: each `$setElementOrder/<list>` with its list, merged and ordered. */
function mergePatchIntoOriginal(original: JSONMap, patch: JSONMap, meta: PatchMeta): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER_PREFIX)) continue;
    const setOrder = patch[key];
    delete patch[key];
    if (!Array.isArray(setOrder)) throw errBadArgType('[]interface {}', setOrder);
    const listKey = extractKey(key, SET_ELEMENT_ORDER_PREFIX);
    const foundOriginal = has(original, listKey);
    const foundPatch = has(patch, listKey);
    let originalList: unknown[] = [];
    let patchList: unknown[] = [];
    if (foundOriginal) {
      if (!Array.isArray(original[listKey])) throw errBadArgType('[]interface {}', original[listKey]);
      originalList = original[listKey] as unknown[];
    }
    if (foundPatch) {
      if (!Array.isArray(patch[listKey])) throw errBadArgType('[]interface {}', patch[listKey]);
      patchList = patch[listKey] as unknown[];
    }
    const listMeta = meta.field(listKey);
    const strategy = extractRetainKeysPatchStrategy(listMeta.patchStrategy);
    const mergeKey = listMeta.patchMergeKey ?? '';
    validatePatchWithSetOrderList(patchList, setOrder, mergeKey);
    let merged: unknown[];
    if (foundOriginal && !foundPatch) merged = originalList;
    else if (!foundOriginal && foundPatch) {
      // upstream keeps `$patch` items of a list the server lacks, which then decode as real
      // elements; we drop them (and nulls) as mergeMap does for any other newly added value
      discardNulls(patchList);
      merged = removeDirectives(patchList)[0] as unknown[];
    }
    else if (foundOriginal && foundPatch) merged = mergeSliceHandler(originalList, patchList, listMeta, strategy, false);
    else continue;
    const [inOrder, serverOnly] =
      mergeKey === '' ? partitionPrimitives(merged, setOrder) : partitionMaps(merged, setOrder, mergeKey);
    const kind = sliceElementKind(originalList, patchList);
    original[listKey] = normalizeElementOrder(inOrder, serverOnly, setOrder, originalList, mergeKey, kind);
    delete patch[listKey];
  }
}

function mergeMap(original: JSONMap | null, patch: JSONMap, meta: PatchMeta): JSONMap {
  if (has(patch, DIRECTIVE_MARKER)) return handleDirectiveInMergeMap(patch[DIRECTIVE_MARKER], patch);
  const orig = original ?? {};
  applyRetainKeysDirective(orig, patch);
  mergePatchIntoOriginal(orig, patch, meta);
  for (const rawKey of Object.keys(patch)) {
    const patchV = patch[rawKey];
    let k = rawKey;
    let isDeleteList = false;
    if (rawKey.startsWith(DELETE_FROM_PRIMITIVE_LIST_PREFIX)) {
      k = extractKey(rawKey, DELETE_FROM_PRIMITIVE_LIST_PREFIX);
      isDeleteList = true;
    }
    if (patchV === null) {
      delete orig[k];
      continue;
    }
    const origKind = has(orig, k) ? kindOf(orig[k]) : undefined;
    if (origKind === undefined || origKind !== kindOf(patchV)) {
      // new key, or a change of type: take the patch value, minus nulls and directives
      if (!isDeleteList) {
        discardNulls(patchV);
        const [v, keep] = removeDirectives(patchV);
        if (keep) orig[k] = v;
        else delete orig[k];
      }
      continue;
    }
    if (origKind === 'object') {
      const fieldMeta = meta.field(k);
      const strategy = extractRetainKeysPatchStrategy(fieldMeta.patchStrategy);
      orig[k] = strategy === REPLACE_DIRECTIVE ? patchV : mergeMap(orig[k] as JSONMap, patchV as JSONMap, fieldMeta);
    } else if (origKind === 'array') {
      const listMeta = meta.field(k);
      const strategy = extractRetainKeysPatchStrategy(listMeta.patchStrategy);
      orig[k] = mergeSliceHandler(orig[k] as unknown[], patchV as unknown[], listMeta, strategy, isDeleteList);
    } else {
      orig[k] = patchV;
    }
  }
  return orig;
}

function goJsonTypeWord(v: unknown): string {
  const k = kindOf(v);
  return k === 'boolean' ? 'bool' : k;
}

/**
 * Apply a decoded `application/strategic-merge-patch+json` body to `doc`, using `meta` for each
 * field's patch strategy and merge key. Never mutates its inputs. Throws StatusErrors as described
 * in the module comment.
 */
export function applyStrategicMergePatch(doc: unknown, patch: unknown, meta: PatchMeta): unknown {
  return strategicMergePatchInto(isMap(doc) || patch === null ? structuredClone(doc) : doc, patch, meta);
}

/**
 * applyStrategicMergePatch for a `doc` the caller gives up (a fresh copy of the live object): the
 * patch is merged into it in place, sparing a copy of the whole document. Never mutates `patch`.
 */
export function strategicMergePatchInto(doc: unknown, patch: unknown, meta: PatchMeta): unknown {
  if (patch === null) return doc;
  if (!isMap(patch)) {
    throw badRequest(`json: cannot unmarshal ${goJsonTypeWord(patch)} into Go value of type map[string]interface {}`);
  }
  return mergeMap(isMap(doc) ? doc : {}, structuredClone(patch), meta);
}
