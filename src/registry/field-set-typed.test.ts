import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import type { PatchMeta } from '../apimachinery/patch-meta.js';
import { loadSchemas } from './schema.js';
import type { PathElement } from './field-set.js';
import { FieldSet, fieldElement } from './field-set.js';
import { addedFieldsV1, compareObjects, isPlainObject, itemElement, listKindOf, TypedValueError, type Comparison } from './field-set-typed.js';
import type { KObject } from '../apimachinery/meta.js';
import { emptyLike, scoped, STRIPPED_FIELDS, withoutManagedFields } from './managed-fields.js';

const podMeta = loadSchemas().patchMeta('', 'v1', 'Pod');

type Json = Record<string, unknown>;

/**
 * The typed comparison as first written (a direct transcription of upstream's Compare, walking
 * both sides everywhere): the oracle the faster compareObjects must agree with.
 */
function referenceCompare(lhs: Json, rhs: Json, meta: PatchMeta): Comparison {
  const c: Comparison = { added: new FieldSet(), modified: new FieldSet(), removed: new FieldSet() };
  const isEmpty = (v: unknown) => v === undefined || v === null || (Array.isArray(v) ? v.length === 0 : isPlainObject(v) && Object.keys(v).length === 0);
  const index = (list: unknown[], kind: ReturnType<typeof listKindOf>, path: PathElement[]) => {
    const order: PathElement[] = [];
    const items = new Map<PathElement, unknown>();
    list.forEach((item, i) => {
      const pe = itemElement(item, kind, path, i);
      if (!items.has(pe)) {
        items.set(pe, item);
        order.push(pe);
      }
    });
    return { order, items };
  };
  const node = (l: unknown, r: unknown, m: PatchMeta, path: PathElement[]): void => {
    if (l === undefined && r === undefined) return;
    const isMap = (isPlainObject(l) || isPlainObject(r)) && !Array.isArray(l) && !Array.isArray(r);
    const isList = (Array.isArray(l) || Array.isArray(r)) && !isPlainObject(l) && !isPlainObject(r);
    const bothEmpty = isEmpty(l) && isEmpty(r);
    const agrees = (v: unknown) => v === undefined || v === null || (isMap ? isPlainObject(v) : Array.isArray(v));
    if (isMap && m.mapType !== 'atomic' && !bothEmpty && agrees(l) && agrees(r)) {
      const lm = (isPlainObject(l) ? l : {}) as Json;
      const rm = (isPlainObject(r) ? r : {}) as Json;
      for (const k of new Set([...Object.keys(lm), ...Object.keys(rm)])) node(lm[k], rm[k], m.field(k), [...path, fieldElement(k)]);
    } else if (isList && listKindOf(m).kind !== 'atomic' && !bothEmpty && agrees(l) && agrees(r)) {
      const kind = listKindOf(m);
      const li = index(Array.isArray(l) ? l : [], kind, path);
      const ri = index(Array.isArray(r) ? r : [], kind, path);
      for (const pe of [...li.order, ...ri.order.filter((p) => !li.items.has(p))]) node(li.items.get(pe), ri.items.get(pe), m.items(), [...path, pe]);
    } else {
      if (path.length === 0) return;
      if (l === undefined) c.added.insert(path);
      else if (r === undefined) c.removed.insert(path);
      else if (!isDeepStrictEqual(l, r)) c.modified.insert(path);
      return;
    }
    if (path.length === 0) return;
    if (l === undefined) c.added.insert(path);
    else if (r === undefined) c.removed.insert(path);
  };
  node(lhs, rhs, meta, []);
  return c;
}

/** A deterministic pseudo-random source (mulberry32). */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pick<T>(rnd: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rnd() * xs.length)]!;
}

function randomPod(rnd: () => number): Json {
  const container = (name: string | undefined) => {
    const c: Json = { image: pick(rnd, ['nginx', 'nginx:1.25', 'busybox']) };
    if (name !== undefined) c.name = name;
    if (rnd() < 0.6) {
      c.ports = Array.from({ length: Math.floor(rnd() * 3) }, () => {
        const p: Json = { containerPort: pick(rnd, [80, 443, 8080]) };
        if (rnd() < 0.5) p.protocol = pick(rnd, ['TCP', 'UDP']);
        if (rnd() < 0.3) p.name = pick(rnd, ['http', 'https']);
        return p;
      });
    }
    if (rnd() < 0.5) c.env = [{ name: 'MODE', value: pick(rnd, ['a', 'b']) }];
    if (rnd() < 0.5) c.resources = rnd() < 0.3 ? {} : { requests: { cpu: pick(rnd, ['100m', '200m']) } };
    if (rnd() < 0.2) c.args = ['--x', pick(rnd, ['1', '2'])];
    return c;
  };
  const names = ['web', 'side', 'log'];
  const metadata: Json = { name: 'p', namespace: 'ns' };
  if (rnd() < 0.8) metadata.labels = Object.fromEntries(Array.from({ length: Math.floor(rnd() * 3) }, () => [pick(rnd, ['app', 'tier', 'v']), pick(rnd, ['x', 'y'])]));
  if (rnd() < 0.5) metadata.annotations = { 'bench/sent': String(Math.floor(rnd() * 3)) };
  if (rnd() < 0.3) metadata.finalizers = Array.from({ length: Math.floor(rnd() * 3) }, () => pick(rnd, ['a.io/x', 'b.io/y']));
  if (rnd() < 0.1) metadata.labels = null;
  const spec: Json = {
    containers: Array.from({ length: 1 + Math.floor(rnd() * 2) }, () => container(rnd() < 0.05 ? undefined : pick(rnd, names))),
  };
  if (rnd() < 0.5) spec.restartPolicy = pick(rnd, ['Always', 'Never']);
  if (rnd() < 0.4) spec.tolerations = [{ key: pick(rnd, ['a', 'b']), operator: 'Exists' }];
  if (rnd() < 0.3) spec.nodeSelector = rnd() < 0.3 ? {} : { disk: pick(rnd, ['ssd', 'hdd']) };
  if (rnd() < 0.3) spec.volumes = [{ name: pick(rnd, ['v1', 'v2']), emptyDir: rnd() < 0.5 ? {} : { medium: 'Memory' } }];
  if (rnd() < 0.1) spec.containers = rnd() < 0.5 ? [] : null;
  if (rnd() < 0.05) spec.containers = ['not-a-map'];
  const pod: Json = { apiVersion: 'v1', kind: 'Pod', metadata, spec };
  if (rnd() < 0.6) pod.status = rnd() < 0.3 ? {} : { phase: pick(rnd, ['Pending', 'Running']), conditions: [{ type: 'Ready', status: pick(rnd, ['True', 'False']) }] };
  // a status condition without its key: the typed walk fails even where status is not owned
  if (rnd() < 0.05) pod.status = { conditions: [{ status: 'True' }] };
  return pod;
}

/** Another pod mostly like `pod`: a few random fields replaced by the other's. */
function mutate(pod: Json, other: Json, rnd: () => number): Json {
  const out = structuredClone(pod);
  const walk = (a: Json, b: Json) => {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      const r = rnd();
      if (r < 0.15) {
        if (b[k] === undefined) delete a[k];
        else a[k] = structuredClone(b[k]);
      } else if (isPlainObject(a[k]) && isPlainObject(b[k])) walk(a[k] as Json, b[k] as Json);
    }
  };
  walk(out, other);
  return out;
}

function outcome(f: () => Comparison): string {
  try {
    const c = f();
    return JSON.stringify([c.added.toFieldsV1(), c.modified.toFieldsV1(), c.removed.toFieldsV1()]);
  } catch (err) {
    if (err instanceof TypedValueError) return `TypedValueError: ${err.message}`;
    throw err;
  }
}

test('compareObjects agrees with the two-sided walk on random pods and their edits', () => {
  const rnd = random(42);
  for (let i = 0; i < 3000; i++) {
    const a = randomPod(rnd);
    const b = rnd() < 0.5 ? mutate(a, randomPod(rnd), rnd) : randomPod(rnd);
    for (const [l, r] of [
      [a, b],
      [b, a],
      [a, structuredClone(a)],
      [{ metadata: {}, spec: {} }, b],
    ] as const) {
      assert.equal(outcome(() => compareObjects(l, r, podMeta)), outcome(() => referenceCompare(l, r, podMeta)), `case ${i}: ${JSON.stringify(l)} → ${JSON.stringify(r)}`);
    }
  }
});

test('compareObjects: an unchanged map-list item without its key still makes the comparison fail', () => {
  const pod = { metadata: { name: 'p' }, spec: { containers: [{ image: 'nginx' }] } };
  assert.throws(() => compareObjects(pod, structuredClone(pod), podMeta), TypedValueError);
  assert.throws(() => compareObjects(pod, pod, podMeta), TypedValueError);
});

test('compareObjects: a created object owns every leaf, list item and non-empty map below the top level', () => {
  const pod = { metadata: { name: 'p', labels: { app: 'x' } }, spec: { containers: [{ name: 'web', ports: [{ containerPort: 80 }] }], nodeSelector: {} } };
  const c = compareObjects({ metadata: {}, spec: {} }, pod, podMeta);
  assert.deepEqual(c.added.toFieldsV1(), {
    'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} }, 'f:name': {} },
    'f:spec': {
      'f:containers': { '.': {}, 'k:{"name":"web"}': { '.': {}, 'f:name': {}, 'f:ports': { '.': {}, 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {} } } } },
      'f:nodeSelector': {},
    },
  });
  assert.ok(c.modified.isEmpty() && c.removed.isEmpty());
});

test('addedFieldsV1 is the scoped comparison of a create against the empty object', () => {
  const rnd = random(7);
  const status = fieldElement('status');
  for (let i = 0; i < 3000; i++) {
    const pod = randomPod(rnd) as KObject;
    if (rnd() < 0.2) pod.metadata = { ...pod.metadata, uid: 'u', generation: 1, creationTimestamp: 't', managedFields: [] };
    if (rnd() < 0.1) pod.spec = pick(rnd, [{}, null, 'x']) as KObject['spec'];
    if (rnd() < 0.1) pod.extra = { a: [1, 2] };
    for (const scope of [{ hasStatus: true }, { hasStatus: false }, { hasStatus: true, subresource: 'status' as const }]) {
      const keepTop = (pe: string) => (scope.subresource === 'status' ? pe === status : !(scope.hasStatus && pe === status));
      const want = outcomeOf(() => {
        const c = compareObjects(emptyLike(pod), withoutManagedFields(pod), podMeta);
        const set = scoped(c.added.union(c.modified), scope);
        return set.isEmpty() ? undefined : set.toFieldsV1();
      });
      const got = outcomeOf(() =>
        addedFieldsV1(withoutManagedFields(pod), podMeta, { emptyFields: new Set(['metadata', 'spec', 'status']), excluded: STRIPPED_FIELDS, keepTop }),
      );
      assert.equal(got, want, `case ${i} ${JSON.stringify(scope)}: ${JSON.stringify(pod)}`);
    }
  }
});

/** The FieldsV1 text, or that the typed walk failed (which item it names may differ when several are bad). */
function outcomeOf(f: () => unknown): string {
  try {
    return JSON.stringify(f()) ?? 'undefined';
  } catch (err) {
    if (err instanceof TypedValueError) return 'TypedValueError';
    throw err;
  }
}
