import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../apimachinery/meta.js';
import { nodePrinter } from './nodes.js';

const now = Date.parse('2025-01-01T12:00:00Z');
function node(labels: Record<string, string>, spec: Record<string, unknown>, status: Record<string, unknown>): KObject {
  return { kind: 'Node', apiVersion: 'v1', metadata: { name: 'node-1', labels, creationTimestamp: '2024-12-01T12:00:00Z' }, spec, status };
}
const info = { kubeletVersion: 'v1.30.2', osImage: 'Ubuntu 22.04.4 LTS', kernelVersion: '6.5.0-1', containerRuntimeVersion: 'containerd://1.7.13' };
const addresses = [
  { type: 'Hostname', address: 'node-1' },
  { type: 'InternalIP', address: '192.168.1.10' },
  { type: 'InternalIP', address: '192.168.1.11' },
  { type: 'ExternalIP', address: '203.0.113.5' },
];

test('node columns', () => {
  assert.deepEqual(
    nodePrinter.columns.map((c) => [c.name, c.type, c.priority]),
    [
      ['Name', 'string', 0],
      ['Status', 'string', 0],
      ['Roles', 'string', 0],
      ['Age', 'string', 0],
      ['Version', 'string', 0],
      ['Internal-IP', 'string', 1],
      ['External-IP', 'string', 1],
      ['OS-Image', 'string', 1],
      ['Kernel-Version', 'string', 1],
      ['Container-Runtime', 'string', 1],
    ],
  );
});

test('node full row', () => {
  const obj = node({ 'node-role.kubernetes.io/control-plane': '' }, {}, { conditions: [{ type: 'Ready', status: 'True' }], addresses, nodeInfo: info });
  assert.deepEqual(nodePrinter.row(obj, now), [
    'node-1', 'Ready', 'control-plane', '31d', 'v1.30.2', '192.168.1.10', '203.0.113.5', 'Ubuntu 22.04.4 LTS', '6.5.0-1', 'containerd://1.7.13',
  ]);
});

test('node STATUS and ROLES', () => {
  const cases: { name: string; obj: KObject; status: string; roles: string }[] = [
    { name: 'no conditions', obj: node({}, {}, {}), status: 'Unknown', roles: '<none>' },
    { name: 'not ready', obj: node({}, {}, { conditions: [{ type: 'MemoryPressure', status: 'False' }, { type: 'Ready', status: 'False' }] }), status: 'NotReady', roles: '<none>' },
    { name: 'ready unknown', obj: node({}, {}, { conditions: [{ type: 'Ready', status: 'Unknown' }] }), status: 'NotReady', roles: '<none>' },
    { name: 'cordoned', obj: node({}, { unschedulable: true }, { conditions: [{ type: 'Ready', status: 'True' }] }), status: 'Ready,SchedulingDisabled', roles: '<none>' },
    { name: 'cordoned without conditions', obj: node({}, { unschedulable: true }, {}), status: 'Unknown,SchedulingDisabled', roles: '<none>' },
    {
      name: 'roles from both label forms, sorted and de-duplicated; empty suffix ignored',
      obj: node(
        { 'node-role.kubernetes.io/worker': '', 'kubernetes.io/role': 'edge', 'node-role.kubernetes.io/': 'x', 'node-role.kubernetes.io/control-plane': 'true', 'node-role.kubernetes.io/edge': '' },
        {},
        { conditions: [{ type: 'Ready', status: 'True' }] },
      ),
      status: 'Ready',
      roles: 'control-plane,edge,worker',
    },
    { name: 'empty kubernetes.io/role ignored', obj: node({ 'kubernetes.io/role': '' }, {}, {}), status: 'Unknown', roles: '<none>' },
  ];
  for (const c of cases) {
    const row = nodePrinter.row(c.obj, now);
    assert.deepEqual([row[1], row[2]], [c.status, c.roles], c.name);
  }
});

test('node wide cells default to <none> / <unknown>', () => {
  const row = nodePrinter.row(node({}, {}, { addresses: [{ type: 'Hostname', address: 'node-1' }] }), now);
  assert.deepEqual(row.slice(4), ['', '<none>', '<none>', '<unknown>', '<unknown>', '<unknown>']);
});
