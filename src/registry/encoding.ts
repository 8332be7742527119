/**
 * JSON encoding of stored objects, once per stored version: stored values are frozen and
 * shared, so their text is cached and a response only splices in the resourceVersion.
 * Lists of hundreds of objects then cost string joins rather than JSON.stringify of each.
 */
import type { KObject } from '../apimachinery/meta.js';
import { cachedJSON } from '../storage/json-cache.js';

/** JSON of a stored (frozen) value, shared with the storage's cache. */
export function storedJSON(value: KObject): string {
  return cachedJSON(value) as string;
}

const META = '"metadata":{';

/**
 * The object's JSON with metadata.resourceVersion set to `rv`. Relies on the registry's canonical
 * key order (apiVersion, kind, metadata first) so the first `"metadata":{` is the top-level one.
 */
export function encodeWithRV(value: KObject, rv: number | string): string {
  const text = storedJSON(value);
  const at = text.indexOf(META);
  if (at < 0 || value.metadata.resourceVersion !== undefined || !startsWithMetadata(value)) {
    return JSON.stringify({ ...value, metadata: { ...value.metadata, resourceVersion: String(rv) } });
  }
  const head = text.slice(0, at + META.length);
  const rest = text.slice(at + META.length);
  const field = `"resourceVersion":${JSON.stringify(String(rv))}`;
  return rest.startsWith('}') ? `${head}${field}${rest}` : `${head}${field},${rest}`;
}

/** A mutable deep copy of a stored value, parsed from its cached JSON. */
export function copyStored<T extends KObject>(value: T): T {
  return JSON.parse(storedJSON(value)) as T;
}

function startsWithMetadata(value: KObject): boolean {
  for (const k in value) {
    if (k === 'metadata') return true;
    if (k !== 'apiVersion' && k !== 'kind') return false;
  }
  return false;
}

/** apiVersion, kind, metadata first, the rest in their order: the shape every stored object has. */
export function canonicalOrder<T extends KObject>(obj: T): T {
  const { apiVersion, kind, metadata, ...rest } = obj;
  return { apiVersion, kind, metadata, ...rest } as T;
}
