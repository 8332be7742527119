import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../apimachinery/meta.js';
import { resourceQuotaPrinter } from './resourcequotas.js';

const now = Date.parse('2025-01-01T12:00:00Z');

test('resource quota columns are Name, Age, Request, Limit', () => {
  assert.deepEqual(
    resourceQuotaPrinter.columns.map((c) => [c.name, c.type, c.format, c.priority]),
    [
      ['Name', 'string', 'name', 0],
      ['Age', 'string', '', 0],
      ['Request', 'string', '', 0],
      ['Limit', 'string', '', 0],
    ],
  );
});

test('requests and limits list used/hard per resource, sorted, limits.* apart', () => {
  const quota: KObject = {
    metadata: { name: 'compute', creationTimestamp: '2025-01-01T11:59:00Z' },
    status: {
      hard: { 'requests.memory': '1Gi', pods: '10', 'limits.cpu': '2', 'requests.cpu': '1', 'limits.memory': '2Gi' },
      used: { pods: '3', 'requests.cpu': '500m' },
    },
  };
  assert.deepEqual(resourceQuotaPrinter.row(quota, now), [
    'compute',
    '60s',
    'pods: 3/10, requests.cpu: 500m/1, requests.memory: 0/1Gi',
    'limits.cpu: 0/2, limits.memory: 0/2Gi',
  ]);
  // no status yet (the quota controller has not run): empty cells
  assert.deepEqual(resourceQuotaPrinter.row({ metadata: { name: 'new', creationTimestamp: '2025-01-01T12:00:00Z' } }, now), ['new', '0s', '', '']);
});
