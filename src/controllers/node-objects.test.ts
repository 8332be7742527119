import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../resources/pods.js';
import { isNodeReady, microTime, nodeLease, nodeStatus, nodeStatusDiffers, registeredNode, simulatedNodes, type NodeObject } from './node-objects.js';
import { feasibleNodes, unschedulableMessage } from './scheduling.js';

const t0 = Date.parse('2025-01-01T12:00:00Z');

test('simulated nodes: stable names, kind-like addresses, one podCIDR per cluster CIDR', () => {
  const nodes = simulatedNodes(3, ['10.244.0.0/16', 'fd00:10:244::/56']);
  assert.deepEqual(
    nodes.map((n) => [n.name, n.internalIP, n.podCIDRs]),
    [
      ['kubelevel-node-1', '172.18.0.2', ['10.244.0.0/24', 'fd00:10:244::/64']],
      ['kubelevel-node-2', '172.18.0.3', ['10.244.1.0/24', 'fd00:10:244:1::/64']],
      ['kubelevel-node-3', '172.18.0.4', ['10.244.2.0/24', 'fd00:10:244:2::/64']],
    ],
  );
  assert.equal(simulatedNodes(300, ['10.244.0.0/16'])[299]!.internalIP, '172.18.1.45');
  // a cluster CIDR narrower than /24 goes whole to the first node; the others get none
  assert.deepEqual(simulatedNodes(2, ['10.244.0.0/29']).map((n) => n.podCIDRs), [['10.244.0.0/29'], []]);
});

test('registeredNode carries labels, podCIDR and a Ready status', () => {
  const [first, second] = simulatedNodes(2, ['10.244.0.0/16']);
  const node = registeredNode(first!, t0);
  assert.equal(node.metadata.labels!['node-role.kubernetes.io/control-plane'], '');
  assert.equal(registeredNode(second!, t0).metadata.labels!['node-role.kubernetes.io/control-plane'], undefined);
  assert.deepEqual(node.spec, { podCIDR: '10.244.0.0/24', podCIDRs: ['10.244.0.0/24'] });
  assert.equal(isNodeReady(node), true);
  const ready = node.status!.conditions!.find((c) => c.type === 'Ready')!;
  assert.deepEqual(ready, {
    type: 'Ready',
    status: 'True',
    lastHeartbeatTime: '2025-01-01T12:00:00Z',
    lastTransitionTime: '2025-01-01T12:00:00Z',
    reason: 'KubeletReady',
    message: 'kubelet is posting ready status',
  });
});

test('a re-posted status keeps transition times, moves heartbeats, and differs only when something real changed', () => {
  const [sim] = simulatedNodes(1, ['10.244.0.0/16']);
  const first = nodeStatus(sim!, t0, undefined) as NodeObject['status'];
  const later = nodeStatus(sim!, t0 + 60_000, first);
  const ready = (later.conditions as { type: string; lastHeartbeatTime: string; lastTransitionTime: string }[]).find((c) => c.type === 'Ready')!;
  assert.equal(ready.lastTransitionTime, '2025-01-01T12:00:00Z');
  assert.equal(ready.lastHeartbeatTime, '2025-01-01T12:01:00Z');
  assert.equal(nodeStatusDiffers(first, later), false);
  const tampered = structuredClone(first)!;
  tampered.conditions!.find((c) => c.type === 'Ready')!.status = 'False';
  assert.equal(nodeStatusDiffers(tampered, later), true);
  assert.equal(nodeStatusDiffers(undefined, later), true);
});

test('node lease and MicroTime', () => {
  assert.equal(microTime(Date.parse('2025-01-01T12:00:00.123Z')), '2025-01-01T12:00:00.123000Z');
  assert.deepEqual(nodeLease('n1', 'uid-n1', t0), {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: { name: 'n1', namespace: 'kube-node-lease', ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'n1', uid: 'uid-n1' }] },
    spec: { holderIdentity: 'n1', leaseDurationSeconds: 40, renewTime: '2025-01-01T12:00:00.000000Z' },
  });
});

test('scheduling filters: cordon, taints, not-ready, nodeSelector, capacity', () => {
  const sims = simulatedNodes(5, ['10.244.0.0/16']);
  const nodes = sims.map((s) => registeredNode(s, t0));
  nodes[0]!.spec!.unschedulable = true;
  nodes[1]!.spec!.taints = [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }];
  nodes[2]!.status!.conditions = [];
  nodes[3]!.metadata.labels!.disk = 'hdd';
  const pod: Pod = { metadata: { name: 'p' }, spec: { containers: [], nodeSelector: { 'kubernetes.io/os': 'linux' } } };
  const { feasible, reasons } = feasibleNodes(pod, nodes, new Map([['kubelevel-node-5', 110]]));
  assert.deepEqual(feasible.map((n) => n.metadata.name), ['kubelevel-node-4']);
  assert.equal(
    unschedulableMessage(5, reasons),
    '0/5 nodes are available: 1 Too many pods, 1 node(s) had untolerated taint {dedicated: db}, 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }, 1 node(s) were unschedulable. preemption: 0/5 nodes are available: 5 Preemption is not helpful for scheduling.',
  );
  const tolerant: Pod = { metadata: { name: 't' }, spec: { containers: [], tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'db', effect: 'NoSchedule' }], nodeSelector: { disk: 'hdd' } } };
  assert.deepEqual(feasibleNodes(tolerant, nodes).feasible.map((n) => n.metadata.name), ['kubelevel-node-4']);
  nodes[3]!.metadata.labels!.disk = 'ssd';
  assert.deepEqual(feasibleNodes(tolerant, nodes).reasons.get("node(s) didn't match Pod's node affinity/selector"), 3);
  assert.equal(unschedulableMessage(0, new Map()), 'no nodes available to schedule pods');
});
