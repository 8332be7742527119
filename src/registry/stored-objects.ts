/**
 * How the registry's stored objects are held in memory once decoded. They are frozen and shared by
 * every reader, and their `metadata.managedFields` stay JSON text, decoded on each read.
 *
 * managedFields are about 60% of a decoded pod's heap (a pod from `kubectl create` is ~10.9 KB
 * decoded, ~4.1 KB without them, ~6.5 KB with them as text) and almost nothing reads them: the
 * controllers, selectors, Tables and watch filters never do, responses are encoded from the stored
 * text, and only a write to the object (its managed-fields update) or an encoding without the text
 * at hand reads them. So a large store keeps them as text.
 *
 * The property stays an ordinary enumerable one to every reader (JSON.stringify, spread,
 * structuredClone, `for…in`): a getter in its place, which returns a fresh frozen copy on each
 * read. Copies that keep the object (the served object with its resourceVersion) use
 * `copyMetadata`, which keeps the text instead of decoding it.
 */
import type { ObjectMeta } from '../apimachinery/meta.js';
import { deepFreeze } from '../storage/leveldb/records.js';

/** The managedFields text of a stored object's metadata (non-enumerable: never serialized or spread). */
const MANAGED_FIELDS_TEXT = Symbol('managedFieldsText');

type LazyMeta = ObjectMeta & { [MANAGED_FIELDS_TEXT]?: string };

/** One getter shared by every stored object, so their metadata keep one hidden class. */
function readManagedFields(this: LazyMeta): unknown {
  return deepFreeze(JSON.parse(this[MANAGED_FIELDS_TEXT]!) as unknown);
}

/** Assigning replaces the getter with the value (on a copy; a frozen stored object refuses). */
function writeManagedFields(this: LazyMeta, value: unknown): void {
  Object.defineProperty(this, 'managedFields', { value, writable: true, enumerable: true, configurable: true });
}

function defineManagedFields(meta: LazyMeta, text: string): void {
  Object.defineProperty(meta, MANAGED_FIELDS_TEXT, { value: text, configurable: true });
  Object.defineProperty(meta, 'managedFields', { get: readManagedFields, set: writeManagedFields, enumerable: true, configurable: true });
}

/**
 * Short string values shared between stored objects: the same image, policy, condition type,
 * timestamp or label value in 150k pods is one string, not 150k (~1.1 KB less per pod). Bounded:
 * when full it starts over (strings already shared stay shared).
 */
const INTERN_MAX_LENGTH = 64;
const INTERN_TABLE_SIZE = 100_000;
let interned = new Map<string, string>();

function intern(s: string): string {
  if (s.length > INTERN_MAX_LENGTH) return s;
  const shared = interned.get(s);
  if (shared !== undefined) return shared;
  if (interned.size >= INTERN_TABLE_SIZE) interned = new Map();
  interned.set(s, s);
  return s;
}

/** Deep-freezes a freshly parsed JSON value, sharing its short strings (see intern). */
function internFreeze(value: unknown): unknown {
  if (typeof value === 'string') return intern(value);
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) value[i] = internFreeze(value[i]);
  } else {
    const obj = value as Record<string, unknown>;
    for (const k in obj) obj[k] = internFreeze(obj[k]);
  }
  return Object.freeze(value);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/**
 * The storage decoder for registry objects: JSON.parse, then everything frozen and short strings
 * shared, with a non-empty metadata.managedFields kept as text (in its place in the key order).
 */
export function decodeStoredObject(json: string): unknown {
  const obj = JSON.parse(json) as unknown;
  if (!isRecord(obj)) return internFreeze(obj);
  const meta = obj.metadata;
  if (!isRecord(meta) || !Array.isArray(meta.managedFields) || meta.managedFields.length === 0) return internFreeze(obj);
  const text = JSON.stringify(meta.managedFields);
  for (const k in obj) if (k !== 'metadata') obj[k] = internFreeze(obj[k]);
  for (const k in meta) if (k !== 'managedFields') meta[k] = internFreeze(meta[k]);
  // a new object with the getter in managedFields' place in the key order (so the object serializes
  // as stored); redefining the parsed one's property instead would make it a slow dictionary object
  obj.metadata = Object.freeze(copyMetadata(meta, {}, text));
  return Object.freeze(obj);
}

/**
 * A shallow, mutable copy of a metadata object with `overrides` set (in place when the key exists,
 * else last, as a spread would). managedFields kept as text stay so in the copy.
 */
export function copyMetadata(
  meta: ObjectMeta,
  overrides: Partial<ObjectMeta> = {},
  text = (meta as LazyMeta)[MANAGED_FIELDS_TEXT],
): ObjectMeta {
  if (text === undefined) return { ...meta, ...overrides };
  const out: LazyMeta = {};
  const src = meta as Record<string, unknown>;
  const dst = out as Record<string, unknown>;
  for (const k in src) {
    if (k === 'managedFields') {
      if ('managedFields' in overrides) dst[k] = overrides.managedFields;
      else defineManagedFields(out, text);
    } else {
      dst[k] = src[k];
    }
  }
  for (const k in overrides) if (k !== 'managedFields' || !(k in src)) dst[k] = (overrides as Record<string, unknown>)[k];
  return out;
}
