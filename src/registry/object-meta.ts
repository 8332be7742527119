/** System metadata the registry owns: uid, timestamps, generateName, and deep copies. */
import type { KObject } from '../apimachinery/meta.js';
import { isDeepStrictEqual } from 'node:util';

/** Injected sources of time and randomness, so tests are deterministic. */
export interface RegistryClock {
  now(): number;
  uid(): string;
  /** n random characters from kube's alphabet for generateName. */
  randomSuffix(n: number): string;
}

// as k8s.io/apimachinery/pkg/util/rand: no vowels, no confusable characters
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

export function defaultClock(): RegistryClock {
  return {
    now: () => Date.now(),
    uid: () => crypto.randomUUID(),
    randomSuffix: (n) => {
      const bytes = crypto.getRandomValues(new Uint8Array(n));
      let s = '';
      for (const b of bytes) s += ALPHANUMS[b % ALPHANUMS.length];
      return s;
    },
  };
}

/** RFC 3339 with second precision, as metav1.Time serializes. */
export function rfc3339(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** A mutable deep copy of a (possibly frozen) JSON object. */
export function deepCopy<T>(v: T): T {
  return structuredClone(v) as T;
}

/** The object as served: resourceVersion from the store's modRevision (shallow copy). */
export function withResourceVersion<T extends KObject>(obj: T, rv: number | string): T {
  return { ...obj, metadata: { ...obj.metadata, resourceVersion: String(rv) } };
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

export function sameIgnoringRV(a: KObject, b: KObject): boolean {
  const strip = (o: KObject) => ({ ...o, metadata: { ...o.metadata, resourceVersion: undefined, managedFields: undefined } });
  return isDeepStrictEqual(JSON.parse(JSON.stringify(strip(a))), JSON.parse(JSON.stringify(strip(b))));
}

export function deepEqualJSON(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(a, b);
}
