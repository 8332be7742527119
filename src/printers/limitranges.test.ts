import { test } from 'node:test';
import assert from 'node:assert/strict';
import { limitRangePrinter } from './limitranges.js';

test('limit range columns are Name and Created At (a date cell with the RFC 3339 timestamp)', () => {
  assert.deepEqual(
    limitRangePrinter.columns.map((c) => [c.name, c.type, c.format, c.priority]),
    [
      ['Name', 'string', 'name', 0],
      ['Created At', 'date', '', 0],
    ],
  );
  assert.deepEqual(limitRangePrinter.row({ metadata: { name: 'limits', creationTimestamp: '2025-01-01T11:59:00Z' } }, 0), ['limits', '2025-01-01T11:59:00Z']);
});
