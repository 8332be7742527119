import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyStrategicMergePatch, goFormat, strategicMergePatchInto } from './strategic-merge.js';
import type { PatchMeta } from '../patch-meta.js';
import { EMPTY_PATCH_META } from '../patch-meta.js';
import { StatusError } from '../status.js';

interface MetaSpec {
  strategy?: string;
  key?: string;
  fields?: Record<string, MetaSpec>;
  items?: MetaSpec;
}

function meta(spec: MetaSpec): PatchMeta {
  return {
    ...(spec.strategy !== undefined ? { patchStrategy: spec.strategy } : {}),
    ...(spec.key !== undefined ? { patchMergeKey: spec.key } : {}),
    field: (name) => (spec.fields?.[name] ? meta(spec.fields[name]!) : EMPTY_PATCH_META),
    items: () => (spec.items ? meta(spec.items) : EMPTY_PATCH_META),
  };
}

const mergeList = (key: string, items?: MetaSpec): MetaSpec => ({ strategy: 'merge', key, items: items ?? {} });

const OBJECT_META: MetaSpec = {
  fields: {
    finalizers: { strategy: 'merge' },
    ownerReferences: mergeList('uid'),
  },
};

const CONTAINER: MetaSpec = {
  fields: {
    ports: mergeList('containerPort'),
    env: mergeList('name'),
    volumeMounts: mergeList('mountPath'),
  },
};

const POD = meta({
  fields: {
    metadata: OBJECT_META,
    spec: {
      fields: {
        containers: mergeList('name', CONTAINER),
        initContainers: mergeList('name', CONTAINER),
        volumes: { strategy: 'merge,retainKeys', key: 'name' },
      },
    },
    status: { fields: { conditions: mergeList('type') } },
  },
});

const SERVICE = meta({
  fields: {
    metadata: OBJECT_META,
    spec: { fields: { ports: { strategy: 'merge', key: 'port' } } },
  },
});

const DEPLOYMENT_LIKE = meta({
  fields: { spec: { fields: { strategy: { strategy: 'retainKeys' } } } },
});

// a generic shape for order tests: `list` merges maps by `name`, `prims` merges primitives
const ORDER = meta({ fields: { list: mergeList('name'), prims: { strategy: 'merge' } } });
const names = (xs: string[]): Array<{ name: string }> => xs.map((name) => ({ name }));

interface Case {
  name: string;
  meta: PatchMeta;
  doc: unknown;
  patch: unknown;
  want: unknown;
}

function run(cases: Case[]): void {
  for (const c of cases) {
    const doc = structuredClone(c.doc);
    const patch = structuredClone(c.patch);
    assert.deepEqual(applyStrategicMergePatch(doc, patch, c.meta), c.want, c.name);
    assert.deepEqual(doc, c.doc, `${c.name}: doc untouched`);
    assert.deepEqual(patch, c.patch, `${c.name}: patch untouched`);
    // the in-place form gives the same result, and still leaves the patch alone
    assert.deepEqual(strategicMergePatchInto(structuredClone(c.doc), patch, c.meta), c.want, `${c.name} (in place)`);
    assert.deepEqual(patch, c.patch, `${c.name}: patch untouched (in place)`);
  }
}

test('strategic merge: kubectl apply patch for a Service (wire contract §9.2)', () => {
  const live = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: {
      name: 'mysvc',
      namespace: 'default',
      labels: { app: 's', tier: 'fe' },
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': 'old', note: 'x' },
    },
    spec: {
      clusterIP: '10.0.0.5',
      externalIPs: ['9.9.9.9'],
      ports: [
        { name: 'http', port: 80, protocol: 'TCP', targetPort: 8080 },
        { name: 'https', port: 443, protocol: 'TCP', targetPort: 8443 },
      ],
      selector: { app: 's1' },
      type: 'NodePort',
    },
  };
  const patch = {
    metadata: {
      annotations: { 'kubectl.kubernetes.io/last-applied-configuration': 'new', note: null },
      labels: { tier: null },
    },
    spec: {
      '$setElementOrder/ports': [{ port: 443 }, { port: 9100 }],
      externalIPs: ['1.2.3.4'],
      ports: [{ port: 443, targetPort: 9443 }, { name: 'metrics', port: 9100, protocol: 'UDP' }, { $patch: 'delete', port: 80 }],
      selector: { app: 's2' },
      type: 'ClusterIP',
    },
  };
  run([
    {
      name: 'apply',
      meta: SERVICE,
      doc: live,
      patch,
      want: {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: {
          name: 'mysvc',
          namespace: 'default',
          labels: { app: 's' },
          annotations: { 'kubectl.kubernetes.io/last-applied-configuration': 'new' },
        },
        spec: {
          clusterIP: '10.0.0.5',
          externalIPs: ['1.2.3.4'],
          ports: [
            { name: 'https', port: 443, protocol: 'TCP', targetPort: 9443 },
            { name: 'metrics', port: 9100, protocol: 'UDP' },
          ],
          selector: { app: 's2' },
          type: 'ClusterIP',
        },
      },
    },
  ]);
});

test('strategic merge: maps, nulls, scalars and non-merge lists', () => {
  run([
    { name: 'empty patch', meta: POD, doc: { a: 1 }, patch: {}, want: { a: 1 } },
    { name: 'null patch', meta: POD, doc: { a: 1 }, patch: null, want: { a: 1 } },
    {
      name: 'kubectl cordon',
      meta: EMPTY_PATCH_META,
      doc: { metadata: { name: 'n1' }, spec: { podCIDR: '10.0.0.0/24' } },
      patch: { spec: { unschedulable: true } },
      want: { metadata: { name: 'n1' }, spec: { podCIDR: '10.0.0.0/24', unschedulable: true } },
    },
    {
      name: 'kubectl label/annotate style',
      meta: POD,
      doc: { metadata: { labels: { a: '1', b: '2' } } },
      patch: { metadata: { labels: { a: null, c: '3' }, annotations: { x: 'y' } } },
      want: { metadata: { labels: { b: '2', c: '3' }, annotations: { x: 'y' } } },
    },
    {
      name: 'list without strategy is replaced',
      meta: POD,
      doc: { spec: { tolerations: [{ key: 'a' }, { key: 'b' }] } },
      patch: { spec: { tolerations: [{ key: 'c' }] } },
      want: { spec: { tolerations: [{ key: 'c' }] } },
    },
    {
      name: 'a new value loses its nulls and $patch items',
      meta: POD,
      doc: { spec: {} },
      patch: { spec: { newMap: { a: null, b: 1, c: { d: null } }, newList: [{ $patch: 'delete', name: 'x' }, { name: 'y', z: null }] } },
      want: { spec: { newMap: { b: 1, c: {} }, newList: [{ name: 'y' }] } },
    },
    {
      name: 'a change of type takes the patch value',
      meta: POD,
      doc: { a: 'x', b: { c: 1 }, d: [1], e: null },
      patch: { a: { k: 'v', n: null }, b: 'y', d: { k: 1 }, e: [1] },
      want: { a: { k: 'v' }, b: 'y', d: { k: 1 }, e: [1] },
    },
    {
      name: 'metadata.resourceVersion from kubectl diff is just merged',
      meta: POD,
      doc: { metadata: { name: 'p', resourceVersion: '5' } },
      patch: { metadata: { resourceVersion: '7' } },
      want: { metadata: { name: 'p', resourceVersion: '7' } },
    },
  ]);
});

test('strategic merge: lists merged by key (containers, ports, env, conditions)', () => {
  const pod = {
    spec: {
      containers: [
        {
          name: 'app',
          image: 'nginx:1.25',
          ports: [{ containerPort: 80, protocol: 'TCP' }],
          env: [
            { name: 'A', value: '1' },
            { name: 'B', value: '2' },
          ],
        },
      ],
    },
    status: {
      conditions: [
        { type: 'Ready', status: 'False' },
        { type: 'PodScheduled', status: 'True' },
      ],
    },
  };
  run([
    {
      name: 'kubectl edit: image change with $setElementOrder',
      meta: POD,
      doc: pod,
      patch: { spec: { '$setElementOrder/containers': [{ name: 'app' }], containers: [{ image: 'nginx:1.26', name: 'app' }] } },
      want: { ...pod, spec: { containers: [{ ...pod.spec.containers[0], image: 'nginx:1.26' }] } },
    },
    {
      name: 'nested merge lists inside a merged element',
      meta: POD,
      doc: pod,
      patch: {
        spec: {
          containers: [
            {
              name: 'app',
              ports: [{ containerPort: 443 }],
              env: [{ name: 'B', value: '20' }, { name: 'A', $patch: 'delete' }],
            },
          ],
        },
      },
      want: {
        ...pod,
        spec: {
          containers: [
            {
              name: 'app',
              image: 'nginx:1.25',
              ports: [{ containerPort: 443 }, { containerPort: 80, protocol: 'TCP' }],
              env: [{ name: 'B', value: '20' }],
            },
          ],
        },
      },
    },
    {
      name: 'a container new to the server goes first, as on a real cluster',
      meta: POD,
      doc: pod,
      patch: { spec: { containers: [{ name: 'sidecar', image: 'busybox' }] } },
      want: { ...pod, spec: { containers: [{ name: 'sidecar', image: 'busybox' }, pod.spec.containers[0]] } },
    },
    {
      name: 'status conditions by type',
      meta: POD,
      doc: pod,
      patch: { status: { conditions: [{ type: 'Ready', status: 'True' }] } },
      want: {
        ...pod,
        status: {
          conditions: [
            { type: 'Ready', status: 'True' },
            { type: 'PodScheduled', status: 'True' },
          ],
        },
      },
    },
    {
      name: '$patch: delete removes every match; unknown keys are ignored',
      meta: ORDER,
      doc: { list: [{ name: 'a' }, { name: 'b', v: 1 }, { name: 'b', v: 2 }] },
      patch: { list: [{ name: 'b', $patch: 'delete' }, { name: 'zz', $patch: 'delete' }] },
      want: { list: [{ name: 'a' }] },
    },
    {
      name: '$patch: replace in a list replaces it with the other items',
      meta: POD,
      doc: pod,
      patch: { spec: { containers: [{ name: 'only', image: 'x' }, { $patch: 'replace' }] } },
      want: { ...pod, spec: { containers: [{ name: 'only', image: 'x' }] } },
    },
    {
      name: 'duplicate keys in the patch merge into one element',
      meta: ORDER,
      doc: { list: [] },
      patch: { list: [{ name: 'n', a: 1 }, { name: 'n', b: 2 }] },
      want: { list: [{ name: 'n', a: 1, b: 2 }] },
    },
  ]);
});

test('strategic merge: map directives and $retainKeys', () => {
  run([
    {
      name: '$patch: replace on a map',
      meta: POD,
      doc: { spec: { nodeSelector: { a: '1', b: '2' } } },
      patch: { spec: { nodeSelector: { $patch: 'replace', c: '3' } } },
      want: { spec: { nodeSelector: { c: '3' } } },
    },
    {
      name: '$patch: delete on a map',
      meta: POD,
      doc: { spec: { nodeSelector: { a: '1' }, x: 1 } },
      patch: { spec: { nodeSelector: { $patch: 'delete' } } },
      want: { spec: { nodeSelector: {}, x: 1 } },
    },
    {
      name: '$patch: replace at the top',
      meta: POD,
      doc: { a: 1, b: 2 },
      patch: { $patch: 'replace', c: 3 },
      want: { c: 3 },
    },
    {
      name: '$retainKeys clears the keys it does not list',
      meta: DEPLOYMENT_LIKE,
      doc: { spec: { strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1 } } } },
      patch: { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate' } } },
      want: { spec: { strategy: { type: 'Recreate' } } },
    },
    {
      name: '$retainKeys on list elements (volumes)',
      meta: POD,
      doc: { spec: { volumes: [{ name: 'v', emptyDir: {} }] } },
      patch: { spec: { volumes: [{ name: 'v', $retainKeys: ['name', 'hostPath'], hostPath: { path: '/x' } }] } },
      want: { spec: { volumes: [{ name: 'v', hostPath: { path: '/x' } }] } },
    },
  ]);
});

test('strategic merge: primitive lists', () => {
  run([
    {
      name: 'merge strategy unions, patch items first when new',
      meta: POD,
      doc: { metadata: { finalizers: ['a', 'b'] } },
      patch: { metadata: { finalizers: ['c', 'a'] } },
      want: { metadata: { finalizers: ['c', 'a', 'b'] } },
    },
    {
      name: '$deleteFromPrimitiveList',
      meta: POD,
      doc: { metadata: { finalizers: ['a', 'b', 'c'] } },
      patch: { metadata: { '$deleteFromPrimitiveList/finalizers': ['b', 'zz'] } },
      want: { metadata: { finalizers: ['a', 'c'] } },
    },
    {
      name: '$deleteFromPrimitiveList for a list the server lacks is a no-op',
      meta: POD,
      doc: { metadata: {} },
      patch: { metadata: { '$deleteFromPrimitiveList/finalizers': ['b'] } },
      want: { metadata: {} },
    },
    {
      name: 'upstream design example: $setElementOrder + delete + add on finalizers',
      meta: POD,
      doc: { metadata: { finalizers: ['b', 'e', 'a', 'c', 'd'] } },
      patch: {
        metadata: {
          '$setElementOrder/finalizers': ['a', 'b', 'f'],
          '$deleteFromPrimitiveList/finalizers': ['c'],
          finalizers: ['f'],
        },
      },
      want: { metadata: { finalizers: ['e', 'a', 'b', 'f', 'd'] } },
    },
    {
      name: 'list of primitives without strategy is replaced',
      meta: SERVICE,
      doc: { spec: { externalIPs: ['1.1.1.1', '2.2.2.2'] } },
      patch: { spec: { externalIPs: ['3.3.3.3'] } },
      want: { spec: { externalIPs: ['3.3.3.3'] } },
    },
  ]);
});

test('strategic merge: element order', () => {
  run([
    {
      name: 'no $setElementOrder: patch order wins, server-only items by live position',
      meta: ORDER,
      doc: { list: names(['B', 'C', 'A']) },
      patch: { list: [{ name: 'A', v: 1 }, { name: 'B', v: 1 }, { name: 'D' }] },
      want: { list: [{ name: 'C' }, { name: 'A', v: 1 }, { name: 'B', v: 1 }, { name: 'D' }] },
    },
    {
      name: '$setElementOrder alone reorders',
      meta: ORDER,
      doc: { list: names(['B', 'A']) },
      patch: { '$setElementOrder/list': names(['A', 'B']) },
      want: { list: names(['A', 'B']) },
    },
    {
      name: '$setElementOrder names unknown to the server are ignored',
      meta: ORDER,
      doc: { list: names(['A', 'B']) },
      patch: { '$setElementOrder/list': names(['C', 'A', 'B']), list: names(['A', 'B']) },
      want: { list: names(['A', 'B']) },
    },
    {
      name: 'server-only items interleave by their live position',
      meta: ORDER,
      doc: { list: names(['C', 'B', 'D', 'A', 'E']) },
      patch: { '$setElementOrder/list': names(['A', 'B']), list: names(['A', 'B']) },
      want: { list: names(['C', 'D', 'A', 'B', 'E']) },
    },
    {
      name: '$setElementOrder for a list the server lacks',
      meta: ORDER,
      doc: {},
      patch: { '$setElementOrder/list': names(['B', 'A']), list: [{ name: 'X', $patch: 'delete' }, { name: 'B' }, { name: 'A' }] },
      want: { list: names(['B', 'A']) },
    },
    {
      name: 'primitive $setElementOrder',
      meta: ORDER,
      doc: { prims: ['x', 'y'] },
      patch: { '$setElementOrder/prims': ['y', 'x', 'z'], prims: ['z'] },
      want: { prims: ['y', 'x', 'z'] },
    },
  ]);
});

function assertStatus(fn: () => unknown, code: number, reason: string | undefined, message: string): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof StatusError, message);
    assert.equal(err.code, code, message);
    assert.equal(err.reason, reason, message);
    assert.equal(err.status.message, message);
    return true;
  });
}

test('strategic merge: malformed directives are 400s', () => {
  const cases: Array<[unknown, string]> = [
    [{ metadata: { $deleteFromPrimitiveList: ['a'] } }, 'invalid patch format of primitive list'],
    [{ metadata: { '$deleteFromPrimitiveListX/finalizers': ['a'] } }, 'invalid patch format of primitive list'],
    [{ spec: { $setElementOrder: [] } }, 'invalid patch format of setElementOrder list'],
    [{ spec: { strategy: { $retainKeys: 'type' } } }, 'invalid patch format of retainKeys'],
    [{ spec: { strategy: { $retainKeys: ['type'], rollingUpdate: {} } } }, 'invalid patch format of retainKeys'],
    [[{ a: 1 }], 'json: cannot unmarshal array into Go value of type map[string]interface {}'],
    ['x', 'json: cannot unmarshal string into Go value of type map[string]interface {}'],
  ];
  for (const [patch, message] of cases) {
    assertStatus(() => applyStrategicMergePatch({ spec: { strategy: { type: 'A' } }, metadata: {} }, patch, DEPLOYMENT_LIKE), 400, 'BadRequest', message);
  }
});

test('strategic merge: lists of lists are kube’s generic 422', () => {
  assertStatus(
    () => applyStrategicMergePatch({ prims: [['a']] }, { prims: [['b']] }, ORDER),
    422,
    'Invalid',
    'the server rejected our request due to an error in our request',
  );
});

test('strategic merge: errors upstream leaves untranslated are 500s with the raw message', () => {
  const cases: Array<[unknown, unknown, string]> = [
    [{ spec: { x: { a: 1 } } }, { spec: { x: { $patch: 'foo', a: 'b' } } }, 'unknown patch type: foo in map: map[$patch:foo a:b]'],
    [{ list: names(['a']) }, { list: [{ $patch: 'frob', name: 'a' }] }, 'unknown patch type: frob in map: map[$patch:frob name:a]'],
    [{ list: names(['a']) }, { list: [{ $patch: 'merge' }] }, 'merging lists cannot yet be specified in the patch'],
    [{ list: names(['a']) }, { list: [{ image: 'nginx' }] }, 'map: map[image:nginx] does not contain declared merge key: name'],
    [{ list: names(['a']) }, { list: [{ $patch: 'delete' }] }, 'map: map[$patch:delete] does not contain declared merge key: name'],
    [{ prims: ['a'] }, { prims: [1] }, 'list element types are not identical: [[a] [1]]'],
    [{ list: names(['a']) }, { '$setElementOrder/list': 'a' }, 'expected a []interface {}, but received a string'],
    [
      { list: names(['a', 'b']) },
      { '$setElementOrder/list': names(['b']), list: names(['a', 'b']) },
      "The order in patch list:\n[map[name:a] map[name:b]]\n doesn't match $setElementOrder list:\n[map[name:b]]\n",
    ],
  ];
  for (const [doc, patch, message] of cases) {
    assertStatus(() => applyStrategicMergePatch(doc, patch, ORDER), 500, undefined, message);
  }
});

test('goFormat renders values like Go %v', () => {
  const cases: Array<[unknown, string]> = [
    [null, '<nil>'],
    ['s', 's'],
    [80, '80'],
    [1.5, '1.5'],
    [true, 'true'],
    [[1, 'a', [2]], '[1 a [2]]'],
    [{ b: 1, a: { c: null } }, 'map[a:map[c:<nil>] b:1]'],
  ];
  for (const [v, want] of cases) assert.equal(goFormat(v), want);
});
