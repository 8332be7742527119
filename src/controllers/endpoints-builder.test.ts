import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Service } from '../resources/service-types.js';
import type { EndpointsPod } from './endpoints-pods.js';
import { buildEndpoints, computeSubsets, repackSubsets, truncateSubsets, subsetsEqual, type EndpointSubset, type Endpoints } from './endpoints-builder.js';

function svc(spec: Service['spec'], labels?: Record<string, string>): Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'ns', uid: 'svc-uid', creationTimestamp: '2024-01-01T00:00:00Z', ...(labels ? { labels } : {}) },
    spec: { clusterIP: '10.96.0.10', ipFamilies: ['IPv4'], selector: { app: 'web' }, ...spec },
  };
}

interface PodOpts {
  ip?: string;
  ready?: boolean;
  phase?: string;
  deleting?: boolean;
  ports?: { name?: string; containerPort: number; protocol?: string }[];
  hostname?: string;
  subdomain?: string;
  node?: string;
}

function pod(name: string, o: PodOpts = {}): EndpointsPod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'ns', uid: `uid-${name}`, labels: { app: 'web' }, ...(o.deleting ? { deletionTimestamp: '2024-01-01T00:01:00Z' } : {}) },
    spec: {
      nodeName: o.node ?? 'node-1',
      ...(o.hostname ? { hostname: o.hostname } : {}),
      ...(o.subdomain ? { subdomain: o.subdomain } : {}),
      containers: [{ ports: o.ports ?? [] }],
    },
    status: {
      phase: o.phase ?? 'Running',
      ...(o.ip === undefined ? { podIP: `10.0.0.${name.replace(/\D/g, '') || '1'}`, podIPs: [{ ip: `10.0.0.${name.replace(/\D/g, '') || '1'}` }] } : o.ip ? { podIP: o.ip, podIPs: [{ ip: o.ip }] } : {}),
      conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True', lastTransitionTime: '2024-01-01T00:00:30Z' }],
    },
  };
}

const addr = (name: string, ip: string, node = 'node-1') => ({ ip, nodeName: node, targetRef: { kind: 'Pod', namespace: 'ns', name, uid: `uid-${name}` } });

interface Case {
  name: string;
  svc: Service;
  pods: EndpointsPod[];
  want: EndpointSubset[];
}

const P80 = [{ port: 80, targetPort: 8080 }];

const cases: Case[] = [
  { name: 'no pods: no subsets', svc: svc({ ports: P80 }), pods: [], want: [] },
  {
    name: 'ready and not-ready pods share a subset',
    svc: svc({ ports: P80 }),
    pods: [pod('p2'), pod('p1'), pod('p3', { ready: false })],
    want: [{ addresses: [addr('p1', '10.0.0.1'), addr('p2', '10.0.0.2')], notReadyAddresses: [addr('p3', '10.0.0.3')], ports: [{ port: 8080, protocol: 'TCP' }] }],
  },
  {
    name: 'publishNotReadyAddresses lists not-ready pods as ready',
    svc: svc({ ports: P80, publishNotReadyAddresses: true }),
    pods: [pod('p1', { ready: false })],
    want: [{ addresses: [addr('p1', '10.0.0.1')], ports: [{ port: 8080, protocol: 'TCP' }] }],
  },
  {
    name: 'pods without IP, terminal pods and terminating pods are left out',
    svc: svc({ ports: P80 }),
    pods: [pod('p1'), pod('p2', { ip: '' }), pod('p3', { phase: 'Succeeded' }), pod('p4', { phase: 'Failed' }), pod('p5', { deleting: true })],
    want: [{ addresses: [addr('p1', '10.0.0.1')], ports: [{ port: 8080, protocol: 'TCP' }] }],
  },
  {
    name: 'publishNotReadyAddresses keeps terminating pods',
    svc: svc({ ports: P80, publishNotReadyAddresses: true }),
    pods: [pod('p5', { deleting: true })],
    want: [{ addresses: [addr('p5', '10.0.0.5')], ports: [{ port: 8080, protocol: 'TCP' }] }],
  },
  {
    name: 'named targetPort resolves per pod; a pod without the port is left out of it',
    svc: svc({ ports: [{ name: 'http', port: 80, targetPort: 'web' }] }),
    pods: [
      pod('p1', { ports: [{ name: 'web', containerPort: 8080, protocol: 'TCP' }] }),
      pod('p2', { ports: [{ name: 'web', containerPort: 9090, protocol: 'TCP' }] }),
      pod('p3', { ports: [{ name: 'other', containerPort: 7070, protocol: 'TCP' }] }),
      pod('p4', { ports: [{ name: 'web', containerPort: 6060, protocol: 'UDP' }] }),
    ],
    want: [
      { addresses: [addr('p1', '10.0.0.1')], ports: [{ name: 'http', port: 8080, protocol: 'TCP' }] },
      { addresses: [addr('p2', '10.0.0.2')], ports: [{ name: 'http', port: 9090, protocol: 'TCP' }] },
    ],
  },
  {
    name: 'multiple ports and protocols, appProtocol kept; pods with the same ports share a subset',
    svc: svc({
      ports: [
        { name: 'dns', port: 53, targetPort: 5353, protocol: 'UDP' },
        { name: 'dns-tcp', port: 53, targetPort: 5353, protocol: 'TCP', appProtocol: 'dns' },
      ],
    }),
    pods: [pod('p1'), pod('p2', { ready: false })],
    want: [
      {
        addresses: [addr('p1', '10.0.0.1')],
        notReadyAddresses: [addr('p2', '10.0.0.2')],
        ports: [
          { name: 'dns', port: 5353, protocol: 'UDP' },
          { name: 'dns-tcp', port: 5353, protocol: 'TCP', appProtocol: 'dns' },
        ],
      },
    ],
  },
  {
    name: 'a port only some pods serve gets its own subset',
    svc: svc({
      ports: [
        { name: 'a', port: 80, targetPort: 80 },
        { name: 'b', port: 81, targetPort: 'metrics' },
      ],
    }),
    pods: [pod('p1', { ports: [{ name: 'metrics', containerPort: 9100 }] }), pod('p2')],
    want: [
      { addresses: [addr('p1', '10.0.0.1'), addr('p2', '10.0.0.2')], ports: [{ name: 'a', port: 80, protocol: 'TCP' }] },
      { addresses: [addr('p1', '10.0.0.1')], ports: [{ name: 'b', port: 9100, protocol: 'TCP' }] },
    ],
  },
  {
    name: 'headless without ports: addresses only',
    svc: svc({ clusterIP: 'None', ports: [] }),
    pods: [pod('p1'), pod('p2', { ready: false })],
    want: [{ addresses: [addr('p1', '10.0.0.1')], notReadyAddresses: [addr('p2', '10.0.0.2')] }],
  },
  {
    name: 'hostname only when the pod names the service as its subdomain',
    svc: svc({ clusterIP: 'None', ports: [] }),
    pods: [pod('p1', { hostname: 'h1', subdomain: 'web' }), pod('p2', { hostname: 'h2', subdomain: 'other' })],
    want: [{ addresses: [{ ip: '10.0.0.1', hostname: 'h1', nodeName: 'node-1', targetRef: addr('p1', '').targetRef }, addr('p2', '10.0.0.2')] }],
  },
  {
    name: 'the service family picks the pod IP',
    svc: svc({ ipFamilies: ['IPv6'], clusterIP: 'fd00::10', ports: P80 }),
    pods: [
      { ...pod('p1'), status: { phase: 'Running', podIP: '10.0.0.1', podIPs: [{ ip: '10.0.0.1' }, { ip: 'fd00::1' }], conditions: [{ type: 'Ready', status: 'True' }] } },
      pod('p2'),
    ],
    want: [{ addresses: [{ ...addr('p1', 'fd00::1') }], ports: [{ port: 8080, protocol: 'TCP' }] }],
  },
];

for (const c of cases) {
  test(`computeSubsets: ${c.name}`, () => {
    assert.deepEqual(computeSubsets(c.svc, c.pods), c.want);
  });
}

test('repackSubsets: not-ready wins over ready for the same address and port; sorting is stable', () => {
  const a = addr('p1', '10.0.0.1');
  const out = repackSubsets([
    { addresses: [a], ports: [{ port: 80, protocol: 'TCP' }] },
    { notReadyAddresses: [a], ports: [{ port: 80, protocol: 'TCP' }] },
  ]);
  assert.deepEqual(out, [{ notReadyAddresses: [a], ports: [{ port: 80, protocol: 'TCP' }] }]);
  const x = [
    { addresses: [addr('p2', '10.0.0.2')], ports: [{ name: 'b', port: 2, protocol: 'TCP' }] },
    { addresses: [addr('p1', '10.0.0.1')], ports: [{ name: 'a', port: 1, protocol: 'TCP' }] },
  ];
  assert.deepEqual(repackSubsets(x), repackSubsets([...x].reverse()));
});

function many(n: number, ready: boolean, offset = 0): EndpointSubset {
  const list = Array.from({ length: n }, (_, i) => addr(`p${i + offset}`, `10.1.${Math.floor((i + offset) / 250)}.${(i + offset) % 250}`));
  return ready ? { addresses: list, ports: [{ port: 80 }] } : { notReadyAddresses: list, ports: [{ port: 80 }] };
}

test('truncateSubsets: at most 1000 addresses, ready ones kept first', () => {
  assert.equal(truncateSubsets([many(1000, true)]), undefined);
  const t1 = truncateSubsets([{ ...many(600, true), notReadyAddresses: many(600, false, 600).notReadyAddresses }])!;
  assert.equal(t1[0]!.addresses!.length, 600);
  assert.equal(t1[0]!.notReadyAddresses!.length, 400);
  const t2 = truncateSubsets([many(900, true), { ...many(300, true, 900), ports: [{ port: 81 }] }, many(50, false, 2000)])!;
  // ready beyond capacity: proportional shares of ready addresses, no not-ready ones
  assert.equal(t2[0]!.addresses!.length, 750);
  assert.equal(t2[1]!.addresses!.length, 250);
  assert.equal(t2[2]!.notReadyAddresses, undefined);
});

test('buildEndpoints: create shape, headless label, trigger time, no write when nothing changed', () => {
  const s = svc({ ports: P80 }, { team: 'a' });
  const created = buildEndpoints(s, [pod('p1')], undefined, '2024-01-01T00:00:30Z')!;
  assert.deepEqual(created, {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'web', namespace: 'ns', labels: { team: 'a' }, annotations: { 'endpoints.kubernetes.io/last-change-trigger-time': '2024-01-01T00:00:30Z' } },
    subsets: [{ addresses: [addr('p1', '10.0.0.1')], ports: [{ port: 8080, protocol: 'TCP' }] }],
  });
  const stored: Endpoints = { ...structuredClone(created), metadata: { ...created.metadata, resourceVersion: '7' } };
  // the pod's resourceVersion in targetRef and the trigger time do not count as changes
  stored.subsets![0]!.addresses![0]!.targetRef!.resourceVersion = '3';
  assert.equal(buildEndpoints(s, [pod('p1')], stored, undefined), undefined);
  const changed = buildEndpoints(s, [pod('p1'), pod('p2')], stored, undefined)!;
  assert.equal(changed.metadata.resourceVersion, '7', 'updates are conditional on the cached version');
  assert.equal(changed.metadata.annotations, undefined, 'no trigger time: the annotation goes');
  // a label change on the service alone causes a write
  assert.ok(buildEndpoints(svc({ ports: P80 }, { team: 'b' }), [pod('p1')], stored, undefined));
  const headless = buildEndpoints(svc({ clusterIP: 'None', ports: P80 }), [], undefined, undefined)!;
  assert.deepEqual(headless.metadata.labels, { 'service.kubernetes.io/headless': '' });
  assert.equal(headless.subsets, undefined);
});

test('buildEndpoints: over capacity is truncated and annotated, and then stable', () => {
  const s = svc({ ports: P80 });
  const pods = Array.from({ length: 1005 }, (_, i) => ({
    ...pod(`p${i}`),
    status: { phase: 'Running', podIP: `10.2.${Math.floor(i / 250)}.${i % 250}`, podIPs: [{ ip: `10.2.${Math.floor(i / 250)}.${i % 250}` }], conditions: [{ type: 'Ready', status: 'True' }] },
  }));
  const ep = buildEndpoints(s, pods, undefined, undefined)!;
  assert.equal(ep.subsets![0]!.addresses!.length, 1000);
  assert.equal(ep.metadata.annotations!['endpoints.kubernetes.io/over-capacity'], 'truncated');
  assert.equal(buildEndpoints(s, pods, { ...ep, metadata: { ...ep.metadata, resourceVersion: '2' } }, undefined), undefined);
  const back = buildEndpoints(s, pods.slice(0, 10), { ...ep, metadata: { ...ep.metadata, resourceVersion: '2' } }, undefined)!;
  assert.equal(back.metadata.annotations, undefined);
});

test('subsetsEqual treats missing and empty lists alike', () => {
  assert.ok(subsetsEqual(undefined, []));
  assert.ok(subsetsEqual([{ addresses: [{ ip: '1.1.1.1' }], ports: [{ port: 1 }] }], [{ addresses: [{ ip: '1.1.1.1' }], notReadyAddresses: [], ports: [{ port: 1, protocol: 'TCP' }] }]));
  assert.ok(!subsetsEqual([{ addresses: [{ ip: '1.1.1.1' }] }], [{ notReadyAddresses: [{ ip: '1.1.1.1' }] }]));
});
