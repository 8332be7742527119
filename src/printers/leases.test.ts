import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../apimachinery/meta.js';
import { leasePrinter } from './leases.js';

const now = Date.parse('2025-01-01T12:00:00Z');

test('lease columns are Name, Holder, Age', () => {
  assert.deepEqual(
    leasePrinter.columns.map((c) => [c.name, c.type, c.priority]),
    [
      ['Name', 'string', 0],
      ['Holder', 'string', 0],
      ['Age', 'string', 0],
    ],
  );
  const cases: { obj: KObject; cells: unknown[] }[] = [
    {
      obj: { metadata: { name: 'kubelevel-node-1', creationTimestamp: '2025-01-01T11:55:00Z' }, spec: { holderIdentity: 'kubelevel-node-1' } },
      cells: ['kubelevel-node-1', 'kubelevel-node-1', '5m'],
    },
    { obj: { metadata: { name: 'free', creationTimestamp: '2025-01-01T11:59:30Z' }, spec: {} }, cells: ['free', '', '30s'] },
  ];
  for (const c of cases) assert.deepEqual(leasePrinter.row(c.obj, now), c.cells);
});
