/** System metadata the registry owns: uid, timestamps, generateName, and deep copies. */
import type { KObject } from '../apimachinery/meta.js';
import { copyMetadata } from './stored-objects.js';

/** Injected sources of time and randomness, so tests are deterministic. */
export interface RegistryClock {
  now(): number;
  uid(): string;
  /** n random characters from kube's alphabet for generateName. */
  randomSuffix(n: number): string;
}

// as k8s.io/apimachinery/pkg/util/rand: no vowels, no confusable characters
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

// random bytes are drawn a block at a time: one getRandomValues call per pod create (its token
// volume name) showed in profiles
const RANDOM_BLOCK = 1024;

export function defaultClock(): RegistryClock {
  const pool = new Uint8Array(RANDOM_BLOCK);
  let used = RANDOM_BLOCK;
  return {
    now: () => Date.now(),
    uid: () => crypto.randomUUID(),
    randomSuffix: (n) => {
      let s = '';
      for (let i = 0; i < n; i++) {
        if (used === RANDOM_BLOCK) {
          crypto.getRandomValues(pool);
          used = 0;
        }
        s += ALPHANUMS[pool[used++]! % ALPHANUMS.length];
      }
      return s;
    },
  };
}

// the last second formatted: a write formats the same second several times, and writes come in bursts
let lastSecond = NaN;
let lastText = '';

/** RFC 3339 with second precision, as metav1.Time serializes. */
export function rfc3339(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== lastSecond) {
    lastText = new Date(second * 1000).toISOString().replace('.000Z', 'Z');
    lastSecond = second;
  }
  return lastText;
}

/** A mutable deep copy of a (possibly frozen) JSON object. */
export function deepCopy<T>(v: T): T {
  // JSON values only: a JSON round trip is several times faster than structuredClone
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

/**
 * The object as served: resourceVersion from the store's modRevision (shallow copy; managedFields
 * a stored object keeps as text stay text).
 */
export function withResourceVersion<T extends KObject>(obj: T, rv: number | string): T {
  return { ...obj, metadata: copyMetadata(obj.metadata, { resourceVersion: String(rv) }) };
}

/** Everything but metadata and status: a change here bumps metadata.generation. */
export function specPart(obj: KObject): Record<string, unknown> {
  const { metadata: _m, status: _s, apiVersion: _a, kind: _k, ...rest } = obj;
  void _m;
  void _s;
  void _a;
  void _k;
  return rest;
}

/** Equality of JSON values; keys whose value is undefined count as absent (as in JSON). */
export function deepEqualJSON(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqualJSON(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  let na = 0;
  for (const k in ao) {
    if (ao[k] === undefined) continue;
    na++;
    if (!deepEqualJSON(ao[k], bo[k])) return false;
  }
  let nb = 0;
  for (const k in bo) if (bo[k] !== undefined) nb++;
  return na === nb;
}

/** Same object apart from resourceVersion and managedFields: a write of it is a no-op. */
export function sameIgnoringRV(a: KObject, b: KObject): boolean {
  for (const k in a) if (k !== 'metadata' && !deepEqualJSON(a[k], b[k])) return false;
  for (const k in b) if (k !== 'metadata' && a[k] === undefined && b[k] !== undefined) return false;
  // metadata key by key, never reading managedFields (a stored object decodes them on each read)
  const am = (a.metadata ?? {}) as Record<string, unknown>;
  const bm = (b.metadata ?? {}) as Record<string, unknown>;
  const ignored = (k: string) => k === 'resourceVersion' || k === 'managedFields';
  for (const k in am) if (!ignored(k) && !deepEqualJSON(am[k], bm[k])) return false;
  for (const k in bm) if (!ignored(k) && am[k] === undefined && bm[k] !== undefined) return false;
  return true;
}
