import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../apimachinery/meta.js';
import { eventPrinter } from './events.js';

const now = Date.parse('2025-01-01T12:00:00Z');
const ago = (ms: number): string => new Date(now - ms).toISOString();
const MIN = 60_000;

function event(fields: Record<string, unknown>): KObject {
  return {
    kind: 'Event',
    apiVersion: 'v1',
    metadata: { name: 'web-1.17a2b3c4d5e6f7a8', namespace: 'default', creationTimestamp: ago(10 * MIN) },
    involvedObject: { kind: 'Pod', name: 'web-1', namespace: 'default', fieldPath: 'spec.containers{app}' },
    reason: 'Pulled',
    message: 'Container image "nginx:1.25" already present on machine',
    type: 'Normal',
    source: { component: 'kubelet', host: 'node-1' },
    ...fields,
  };
}

test('event columns: no Name in the default view, Name is priority 1 with format name', () => {
  assert.deepEqual(
    eventPrinter.columns.map((c) => [c.name, c.type, c.format, c.priority]),
    [
      ['Last Seen', 'string', '', 0],
      ['Type', 'string', '', 0],
      ['Reason', 'string', '', 0],
      ['Object', 'string', '', 0],
      ['Subobject', 'string', '', 1],
      ['Source', 'string', '', 1],
      ['Message', 'string', '', 0],
      ['First Seen', 'string', '', 1],
      ['Count', 'string', '', 1],
      ['Name', 'string', 'name', 1],
    ],
  );
});

test('event rows', () => {
  const cases: { name: string; obj: KObject; cells: unknown[] }[] = [
    {
      name: 'classic event',
      obj: event({ firstTimestamp: ago(7 * MIN), lastTimestamp: ago(5 * MIN + 3000), count: 3, message: '  Container image "nginx:1.25" already present on machine\n' }),
      cells: ['5m3s', 'Normal', 'Pulled', 'pod/web-1', 'spec.containers{app}', 'kubelet, node-1', 'Container image "nginx:1.25" already present on machine', '7m', 3, 'web-1.17a2b3c4d5e6f7a8'],
    },
    {
      name: 'no lastTimestamp: last seen = first seen; count 0 → 1',
      obj: event({ firstTimestamp: ago(90_000), count: 0 }),
      cells: ['90s', 'Normal', 'Pulled', 'pod/web-1', 'spec.containers{app}', 'kubelet, node-1', 'Container image "nginx:1.25" already present on machine', '90s', 1, 'web-1.17a2b3c4d5e6f7a8'],
    },
    {
      name: 'events.k8s.io style: eventTime, reporting fields, no count',
      obj: event({
        eventTime: ago(4 * MIN).replace('Z', '000Z'),
        firstTimestamp: null,
        lastTimestamp: null,
        source: {},
        reportingComponent: 'default-scheduler',
        reportingInstance: 'default-scheduler-cp-1',
        reason: 'Scheduled',
        message: 'Successfully assigned default/web-1 to node-1',
        involvedObject: { kind: 'Pod', name: 'web-1' },
      }),
      cells: ['4m', 'Normal', 'Scheduled', 'pod/web-1', '', 'default-scheduler, default-scheduler-cp-1', 'Successfully assigned default/web-1 to node-1', '4m', 1, 'web-1.17a2b3c4d5e6f7a8'],
    },
    {
      name: 'series: last seen and count from the series',
      obj: event({ eventTime: ago(30 * MIN), series: { count: 12, lastObservedTime: ago(2 * MIN) }, type: 'Warning', reason: 'BackOff', message: 'Back-off restarting failed container' }),
      cells: ['2m', 'Warning', 'BackOff', 'pod/web-1', 'spec.containers{app}', 'kubelet, node-1', 'Back-off restarting failed container', '30m', 12, 'web-1.17a2b3c4d5e6f7a8'],
    },
    {
      name: 'no timestamps at all; object without name; component only',
      obj: event({ involvedObject: { kind: 'Node' }, source: { component: 'kubelet' }, count: 1 }),
      cells: ['<unknown>', 'Normal', 'Pulled', 'node', '', 'kubelet', 'Container image "nginx:1.25" already present on machine', '<unknown>', 1, 'web-1.17a2b3c4d5e6f7a8'],
    },
    {
      name: 'host without component',
      obj: event({ source: { host: 'node-1' }, count: 2, firstTimestamp: ago(MIN * 3) }),
      cells: ['3m', 'Normal', 'Pulled', 'pod/web-1', 'spec.containers{app}', ', node-1', 'Container image "nginx:1.25" already present on machine', '3m', 2, 'web-1.17a2b3c4d5e6f7a8'],
    },
  ];
  for (const c of cases) assert.deepEqual(eventPrinter.row(c.obj, now), c.cells, c.name);
});
