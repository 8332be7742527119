import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../apimachinery/meta.js';
import { endpointsPrinter } from './endpoints.js';

const now = Date.parse('2025-01-01T12:00:00Z');
const ep = (subsets?: unknown[]): KObject => ({
  kind: 'Endpoints',
  apiVersion: 'v1',
  metadata: { name: 'web', namespace: 'default', creationTimestamp: '2025-01-01T11:55:00Z' },
  ...(subsets ? { subsets } : {}),
});
const addrs = (...ips: string[]) => ips.map((ip) => ({ ip }));

test('endpoints columns', () => {
  assert.deepEqual(
    endpointsPrinter.columns.map((c) => [c.name, c.type, c.priority]),
    [
      ['Name', 'string', 0],
      ['Endpoints', 'string', 0],
      ['Age', 'string', 0],
    ],
  );
});

test('endpoints rows', () => {
  const cases: { name: string; obj: KObject; cell: string }[] = [
    { name: 'no subsets', obj: ep(), cell: '<none>' },
    { name: 'empty subsets', obj: ep([]), cell: '<none>' },
    { name: 'one address, one port', obj: ep([{ addresses: addrs('10.244.0.5'), ports: [{ port: 80 }] }]), cell: '10.244.0.5:80' },
    {
      name: 'ports × addresses, port-major',
      obj: ep([{ addresses: addrs('10.0.0.1'), ports: [{ port: 80, name: 'http' }, { port: 443, name: 'https' }] }]),
      cell: '10.0.0.1:80,10.0.0.1:443',
    },
    { name: 'IPv6 in brackets', obj: ep([{ addresses: addrs('fd00::1'), ports: [{ port: 8080 }] }]), cell: '[fd00::1]:8080' },
    { name: 'no ports: bare IPs', obj: ep([{ addresses: addrs('10.0.0.1', '10.0.0.2') }]), cell: '10.0.0.1,10.0.0.2' },
    {
      name: 'exactly three: no suffix',
      obj: ep([{ addresses: addrs('10.0.0.1', '10.0.0.2', '10.0.0.3'), ports: [{ port: 80 }] }]),
      cell: '10.0.0.1:80,10.0.0.2:80,10.0.0.3:80',
    },
    {
      name: 'more than three across ports and subsets',
      obj: ep([
        { addresses: addrs('10.0.0.1', '10.0.0.2'), ports: [{ port: 80 }, { port: 443 }] },
        { addresses: addrs('10.0.0.9') },
      ]),
      cell: '10.0.0.1:80,10.0.0.2:80,10.0.0.1:443 + 2 more...',
    },
    {
      name: 'notReadyAddresses are not shown',
      obj: ep([{ addresses: addrs('10.0.0.1'), notReadyAddresses: addrs('10.0.0.2'), ports: [{ port: 80 }] }]),
      cell: '10.0.0.1:80',
    },
    { name: 'only not-ready addresses: empty cell', obj: ep([{ notReadyAddresses: addrs('10.0.0.2'), ports: [{ port: 80 }] }]), cell: '' },
  ];
  for (const c of cases) assert.deepEqual(endpointsPrinter.row(c.obj, now), ['web', c.cell, '5m'], c.name);
});
