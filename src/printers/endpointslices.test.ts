import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../apimachinery/meta.js';
import { endpointSlicePrinter } from './endpointslices.js';

const now = Date.parse('2025-01-01T12:00:00Z');
const slice = (fields: Record<string, unknown>): KObject => ({
  kind: 'EndpointSlice',
  apiVersion: 'discovery.k8s.io/v1',
  metadata: { name: 'web-abc12', namespace: 'default', creationTimestamp: '2025-01-01T11:00:00Z' },
  addressType: 'IPv4',
  ...fields,
});

test('endpointslice columns', () => {
  assert.deepEqual(
    endpointSlicePrinter.columns.map((c) => [c.name, c.type, c.priority]),
    [
      ['Name', 'string', 0],
      ['AddressType', 'string', 0],
      ['Ports', 'string', 0],
      ['Endpoints', 'string', 0],
      ['Age', 'string', 0],
    ],
  );
});

test('endpointslice rows', () => {
  const cases: { name: string; obj: KObject; cells: [string, string, string] }[] = [
    { name: 'nothing set', obj: slice({}), cells: ['IPv4', '<unset>', '<unset>'] },
    { name: 'null lists', obj: slice({ ports: null, endpoints: null }), cells: ['IPv4', '<unset>', '<unset>'] },
    {
      name: 'ports and addresses',
      obj: slice({ ports: [{ name: 'http', port: 80, protocol: 'TCP' }], endpoints: [{ addresses: ['10.0.0.1'] }, { addresses: ['10.0.0.2'] }] }),
      cells: ['IPv4', '80', '10.0.0.1,10.0.0.2'],
    },
    {
      name: 'port name when number is null, * when both are',
      obj: slice({ ports: [{ name: 'http', port: null }, {}, { name: '', port: 53 }] }),
      cells: ['IPv4', 'http,*,53', '<unset>'],
    },
    {
      name: 'more than three ports and addresses',
      obj: slice({
        ports: [{ port: 1 }, { port: 2 }, { port: 3 }, { port: 4 }, { port: 5 }],
        endpoints: [{ addresses: ['10.0.0.1', '10.0.0.2'] }, { addresses: ['10.0.0.3'] }, { addresses: ['10.0.0.4'] }, {}],
      }),
      cells: ['IPv4', '1,2,3 + 2 more...', '10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...'],
    },
    {
      name: 'IPv6 addresses are printed bare',
      obj: slice({ addressType: 'IPv6', ports: [{ port: 80 }], endpoints: [{ addresses: ['fd00::1'] }] }),
      cells: ['IPv6', '80', 'fd00::1'],
    },
  ];
  for (const c of cases) assert.deepEqual(endpointSlicePrinter.row(c.obj, now), ['web-abc12', ...c.cells, '60m'], c.name);
});
