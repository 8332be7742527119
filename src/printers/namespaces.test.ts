import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../apimachinery/meta.js';
import { namespacePrinter } from './namespaces.js';

const now = Date.parse('2025-01-01T12:00:00Z');

test('namespace columns and rows', () => {
  assert.deepEqual(
    namespacePrinter.columns.map((c) => [c.name, c.type, c.priority]),
    [
      ['Name', 'string', 0],
      ['Status', 'string', 0],
      ['Age', 'string', 0],
    ],
  );
  const cases: { obj: KObject; cells: unknown[] }[] = [
    { obj: { metadata: { name: 'default', creationTimestamp: '2024-12-29T12:00:00Z' }, status: { phase: 'Active' } }, cells: ['default', 'Active', '3d'] },
    { obj: { metadata: { name: 'old', creationTimestamp: '2025-01-01T11:00:00Z', deletionTimestamp: '2025-01-01T11:59:00Z' }, status: { phase: 'Terminating' } }, cells: ['old', 'Terminating', '60m'] },
    { obj: { metadata: { name: 'bare' } }, cells: ['bare', '', '<unknown>'] },
  ];
  for (const c of cases) assert.deepEqual(namespacePrinter.row(c.obj, now), c.cells);
});
