import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../apimachinery/meta.js';
import { formatLabels, serviceExternalIP, servicePrinter } from './services.js';

const now = Date.parse('2025-01-01T12:00:00Z');
const created = '2025-01-01T10:00:00Z'; // 120m

function svc(name: string, spec: Record<string, unknown>, status?: Record<string, unknown>): KObject {
  return { kind: 'Service', apiVersion: 'v1', metadata: { name, namespace: 'default', creationTimestamp: created }, spec, ...(status ? { status } : {}) };
}

test('service columns: names, types and priorities as kube-apiserver', () => {
  assert.deepEqual(
    servicePrinter.columns.map((c) => [c.name, c.type, c.priority]),
    [
      ['Name', 'string', 0],
      ['Type', 'string', 0],
      ['Cluster-IP', 'string', 0],
      ['External-IP', 'string', 0],
      ['Port(s)', 'string', 0],
      ['Age', 'string', 0],
      ['Selector', 'string', 1],
    ],
  );
});

test('service rows', () => {
  const cases: { name: string; obj: KObject; cells: unknown[] }[] = [
    {
      name: 'ClusterIP with a selector sorted by key',
      obj: svc('web', { type: 'ClusterIP', clusterIPs: ['10.96.0.10'], ports: [{ port: 80, protocol: 'TCP' }], selector: { tier: 'fe', app: 'web' } }),
      cells: ['web', 'ClusterIP', '10.96.0.10', '<none>', '80/TCP', '120m', 'app=web,tier=fe'],
    },
    {
      name: 'NodePort with two ports',
      obj: svc('np', {
        type: 'NodePort',
        clusterIPs: ['10.96.12.34'],
        ports: [
          { port: 80, nodePort: 30001, protocol: 'TCP' },
          { port: 53, nodePort: 30053, protocol: 'UDP' },
        ],
        selector: { app: 'web' },
      }),
      cells: ['np', 'NodePort', '10.96.12.34', '<none>', '80:30001/TCP,53:30053/UDP', '120m', 'app=web'],
    },
    {
      name: 'headless, no selector, no ports',
      obj: svc('hl', { type: 'ClusterIP', clusterIP: 'None', clusterIPs: ['None'] }),
      cells: ['hl', 'ClusterIP', 'None', '<none>', '<none>', '120m', '<none>'],
    },
    {
      name: 'clusterIP without clusterIPs falls back',
      obj: svc('old', { type: 'ClusterIP', clusterIP: '10.96.0.7', ports: [{ port: 443, protocol: 'TCP' }] }),
      cells: ['old', 'ClusterIP', '10.96.0.7', '<none>', '443/TCP', '120m', '<none>'],
    },
    {
      name: 'ClusterIP with externalIPs',
      obj: svc('ext', { type: 'ClusterIP', clusterIPs: ['10.96.0.8'], externalIPs: ['1.2.3.4', '5.6.7.8'], ports: [{ port: 80, protocol: 'TCP' }] }),
      cells: ['ext', 'ClusterIP', '10.96.0.8', '1.2.3.4,5.6.7.8', '80/TCP', '120m', '<none>'],
    },
    {
      name: 'ExternalName',
      obj: svc('ext', { type: 'ExternalName', externalName: 'example.com' }),
      cells: ['ext', 'ExternalName', '<none>', 'example.com', '<none>', '120m', '<none>'],
    },
    {
      name: 'LoadBalancer without ingress is pending',
      obj: svc('lb', { type: 'LoadBalancer', clusterIPs: ['10.96.0.99'], ports: [{ port: 443, nodePort: 31443, protocol: 'TCP' }], selector: { app: 'lb' } }),
      cells: ['lb', 'LoadBalancer', '10.96.0.99', '<pending>', '443:31443/TCP', '120m', 'app=lb'],
    },
    {
      name: 'LoadBalancer ingress: de-duplicated, sorted, hostname when no ip, never cut server-side',
      obj: svc(
        'lb',
        { type: 'LoadBalancer', clusterIPs: ['10.96.0.99'], ports: [{ port: 80, nodePort: 30080, protocol: 'TCP' }] },
        { loadBalancer: { ingress: [{ ip: '203.0.113.20' }, { hostname: 'lb.example.com' }, { ip: '203.0.113.10' }, { ip: '203.0.113.20' }] } },
      ),
      cells: ['lb', 'LoadBalancer', '10.96.0.99', '203.0.113.10,203.0.113.20,lb.example.com', '80:30080/TCP', '120m', '<none>'],
    },
    {
      name: 'LoadBalancer ingress followed by externalIPs',
      obj: svc(
        'lb',
        { type: 'LoadBalancer', clusterIPs: ['10.96.0.99'], externalIPs: ['9.9.9.9'], ports: [{ port: 80, protocol: 'TCP' }] },
        { loadBalancer: { ingress: [{ ip: '1.1.1.1' }] } },
      ),
      cells: ['lb', 'LoadBalancer', '10.96.0.99', '1.1.1.1,9.9.9.9', '80/TCP', '120m', '<none>'],
    },
    {
      name: 'LoadBalancer with only externalIPs',
      obj: svc('lb', { type: 'LoadBalancer', clusterIPs: ['10.96.0.99'], externalIPs: ['9.9.9.9'], ports: [{ port: 80, protocol: 'TCP' }] }),
      cells: ['lb', 'LoadBalancer', '10.96.0.99', '9.9.9.9', '80/TCP', '120m', '<none>'],
    },
    {
      name: 'unknown type',
      obj: svc('odd', { clusterIPs: ['10.96.0.5'], ports: [{ port: 80, protocol: 'SCTP' }] }),
      cells: ['odd', '', '10.96.0.5', '<unknown>', '80/SCTP', '120m', '<none>'],
    },
  ];
  for (const c of cases) assert.deepEqual(servicePrinter.row(c.obj, now), c.cells, c.name);
});

test('serviceExternalIP cuts LoadBalancer addresses over 16 chars when not wide', () => {
  const lb = svc('lb', { type: 'LoadBalancer' }, { loadBalancer: { ingress: [{ ip: '203.0.113.10' }, { ip: '203.0.113.20' }] } });
  assert.equal(serviceExternalIP(lb, false), '203.0.113.10,...');
  assert.equal(serviceExternalIP(lb, true), '203.0.113.10,203.0.113.20');
  const short = svc('lb', { type: 'LoadBalancer' }, { loadBalancer: { ingress: [{ ip: '203.0.113.10' }] } });
  assert.equal(serviceExternalIP(short, false), '203.0.113.10');
});

test('formatLabels', () => {
  assert.equal(formatLabels(undefined), '<none>');
  assert.equal(formatLabels({}), '<none>');
  assert.equal(formatLabels({ b: '2', a: '1' }), 'a=1,b=2');
});
