import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../apimachinery/meta.js';
import { podPrinter } from './pods.js';

const now = Date.parse('2025-01-01T12:00:00Z');
const ago = (ms: number): string => new Date(now - ms).toISOString();
const MIN = 60_000;

type Status = Record<string, unknown>;
function pod(spec: Record<string, unknown>, status: Status, meta: Record<string, unknown> = {}): KObject {
  return {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: { name: 'web-1', namespace: 'default', creationTimestamp: ago(62 * MIN), ...meta },
    spec: { containers: [{ name: 'app' }], ...spec },
    status,
  };
}
const running = { running: { startedAt: ago(60 * MIN) } };
const readyRunning = (name = 'app', extra: Record<string, unknown> = {}) => ({ name, ready: true, restartCount: 0, state: running, ...extra });
const readyCond = [{ type: 'Ready', status: 'True' }];

/** READY, STATUS, RESTARTS only. */
const head = (obj: KObject): unknown[] => podPrinter.row(obj, now).slice(1, 4);

test('pod columns: names, types and priorities as kube-apiserver', () => {
  assert.deepEqual(
    podPrinter.columns.map((c) => [c.name, c.type, c.priority]),
    [
      ['Name', 'string', 0],
      ['Ready', 'string', 0],
      ['Status', 'string', 0],
      ['Restarts', 'string', 0],
      ['Age', 'string', 0],
      ['IP', 'string', 1],
      ['Node', 'string', 1],
      ['Nominated Node', 'string', 1],
      ['Readiness Gates', 'string', 1],
    ],
  );
});

test('pod full row', () => {
  const obj = pod(
    { nodeName: 'node-1' },
    {
      phase: 'Running',
      podIP: '10.244.0.5',
      podIPs: [{ ip: '10.244.0.5' }, { ip: 'fd00::5' }],
      conditions: readyCond,
      containerStatuses: [readyRunning('app', { restartCount: 2, lastState: { terminated: { exitCode: 1, finishedAt: ago(10 * MIN) } } })],
    },
  );
  assert.deepEqual(podPrinter.row(obj, now), ['web-1', '1/1', 'Running', '2 (10m ago)', '62m', '10.244.0.5', 'node-1', '<none>', '<none>']);
});

test('pod wide cells', () => {
  const cases: { name: string; obj: KObject; cells: unknown[] }[] = [
    { name: 'unscheduled', obj: pod({}, { phase: 'Pending' }), cells: ['<none>', '<none>', '<none>', '<none>'] },
    { name: 'podIP without podIPs', obj: pod({ nodeName: 'n' }, { phase: 'Running', podIP: '10.0.0.9' }), cells: ['10.0.0.9', 'n', '<none>', '<none>'] },
    {
      name: 'nominated node and readiness gates',
      obj: pod(
        { readinessGates: [{ conditionType: 'example.com/lb' }, { conditionType: 'example.com/dns' }, { conditionType: 'example.com/x' }] },
        {
          phase: 'Pending',
          nominatedNodeName: 'node-2',
          conditions: [
            { type: 'example.com/lb', status: 'True' },
            { type: 'example.com/dns', status: 'False' },
          ],
        },
      ),
      cells: ['<none>', '<none>', 'node-2', '1/3'],
    },
  ];
  for (const c of cases) assert.deepEqual(podPrinter.row(c.obj, now).slice(5), c.cells, c.name);
});

test('pod READY / STATUS / RESTARTS rules', () => {
  const twoInits = { initContainers: [{ name: 'init-a' }, { name: 'init-b' }] };
  const sidecar = { initContainers: [{ name: 'proxy', restartPolicy: 'Always' }] };
  const cases: { name: string; obj: KObject; want: [string, string, string] }[] = [
    { name: 'pending, no statuses', obj: pod({}, { phase: 'Pending' }), want: ['0/1', 'Pending', '0'] },
    { name: 'no phase at all', obj: pod({}, {}), want: ['0/1', '', '0'] },
    {
      name: 'scheduling gated',
      obj: pod({}, { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] }),
      want: ['0/1', 'SchedulingGated', '0'],
    },
    {
      name: 'status.reason wins over phase',
      obj: pod({}, { phase: 'Failed', reason: 'Evicted' }),
      want: ['0/1', 'Evicted', '0'],
    },
    {
      name: 'waiting reason',
      obj: pod({}, { phase: 'Pending', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }] }),
      want: ['0/1', 'ContainerCreating', '0'],
    },
    {
      name: 'crash loop with restarts but no finishedAt',
      obj: pod({}, { phase: 'Running', containerStatuses: [{ name: 'app', ready: false, restartCount: 4, state: { waiting: { reason: 'CrashLoopBackOff' } }, lastState: { terminated: { exitCode: 1 } } }] }),
      want: ['0/1', 'CrashLoopBackOff', '4'],
    },
    {
      name: 'ready but not running is not counted',
      obj: pod({}, { phase: 'Running', containerStatuses: [{ name: 'app', ready: true, restartCount: 0, state: {} }] }),
      want: ['0/1', 'Running', '0'],
    },
    {
      name: 'terminated with reason',
      obj: pod({}, { phase: 'Succeeded', containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }] }),
      want: ['0/1', 'Completed', '0'],
    },
    {
      name: 'terminated without reason: exit code',
      obj: pod({}, { phase: 'Failed', containerStatuses: [{ name: 'app', restartCount: 0, state: { terminated: { exitCode: 137 } } }] }),
      want: ['0/1', 'ExitCode:137', '0'],
    },
    {
      name: 'terminated without reason: signal',
      obj: pod({}, { phase: 'Failed', containerStatuses: [{ name: 'app', restartCount: 0, state: { terminated: { exitCode: 137, signal: 9 } } }] }),
      want: ['0/1', 'Signal:9', '0'],
    },
    {
      name: 'Completed while another container runs and the pod is Ready → Running',
      obj: pod(
        { containers: [{ name: 'app' }, { name: 'job' }] },
        { phase: 'Running', conditions: readyCond, containerStatuses: [readyRunning('app'), { name: 'job', restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }] },
      ),
      want: ['1/2', 'Running', '0'],
    },
    {
      name: 'Completed while another container runs, pod not Ready → NotReady',
      obj: pod(
        { containers: [{ name: 'app' }, { name: 'job' }] },
        { phase: 'Running', conditions: [{ type: 'Ready', status: 'False' }], containerStatuses: [readyRunning('app'), { name: 'job', restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }] },
      ),
      want: ['1/2', 'NotReady', '0'],
    },
    {
      name: 'statuses walked last to first: the first container decides',
      obj: pod(
        { containers: [{ name: 'a' }, { name: 'b' }] },
        { phase: 'Running', containerStatuses: [{ name: 'a', restartCount: 1, state: { waiting: { reason: 'ImagePullBackOff' } } }, { name: 'b', restartCount: 2, state: { waiting: { reason: 'CrashLoopBackOff' } } }] },
      ),
      want: ['0/2', 'ImagePullBackOff', '3'],
    },
    {
      name: 'init: waiting reason',
      obj: pod(twoInits, { phase: 'Pending', initContainerStatuses: [{ name: 'init-a', restartCount: 0, state: { waiting: { reason: 'ImagePullBackOff' } } }] }),
      want: ['0/1', 'Init:ImagePullBackOff', '0'],
    },
    {
      name: 'init: PodInitializing → index form',
      obj: pod(twoInits, { phase: 'Pending', initContainerStatuses: [{ name: 'init-a', restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } }] }),
      want: ['0/1', 'Init:0/2', '0'],
    },
    {
      name: 'init: first done, second running',
      obj: pod(twoInits, {
        phase: 'Pending',
        initContainerStatuses: [
          { name: 'init-a', restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } },
          { name: 'init-b', restartCount: 0, state: running },
        ],
        containerStatuses: [{ name: 'app', restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } }],
      }),
      want: ['0/1', 'Init:1/2', '0'],
    },
    {
      name: 'init: failed with reason, restarts counted while initializing',
      obj: pod(twoInits, {
        phase: 'Pending',
        initContainerStatuses: [{ name: 'init-a', restartCount: 3, state: { terminated: { exitCode: 1, reason: 'Error' } }, lastState: { terminated: { exitCode: 1, finishedAt: ago(2 * MIN) } } }],
      }),
      want: ['0/1', 'Init:Error', '3 (2m ago)'],
    },
    {
      name: 'init: exit code',
      obj: pod(twoInits, { phase: 'Pending', initContainerStatuses: [{ name: 'init-a', restartCount: 0, state: { terminated: { exitCode: 2 } } }] }),
      want: ['0/1', 'Init:ExitCode:2', '0'],
    },
    {
      name: 'init: signal',
      obj: pod(twoInits, { phase: 'Pending', initContainerStatuses: [{ name: 'init-a', restartCount: 0, state: { terminated: { exitCode: 137, signal: 9 } } }] }),
      want: ['0/1', 'Init:Signal:9', '0'],
    },
    {
      name: 'init: crash loop',
      obj: pod(twoInits, { phase: 'Pending', initContainerStatuses: [{ name: 'init-a', restartCount: 5, state: { waiting: { reason: 'CrashLoopBackOff' } } }] }),
      want: ['0/1', 'Init:CrashLoopBackOff', '5'],
    },
    {
      name: 'initialized pod: regular init container restarts no longer count',
      obj: pod(twoInits, {
        phase: 'Running',
        conditions: [{ type: 'Initialized', status: 'True' }, ...readyCond],
        initContainerStatuses: [
          { name: 'init-a', restartCount: 2, state: { terminated: { exitCode: 0, reason: 'Completed' } }, lastState: { terminated: { exitCode: 1, finishedAt: ago(30 * MIN) } } },
          { name: 'init-b', restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } },
        ],
        containerStatuses: [readyRunning()],
      }),
      want: ['1/1', 'Running', '0'],
    },
    {
      name: 'sidecar counts toward READY total and its restarts stay',
      obj: pod(sidecar, {
        phase: 'Running',
        conditions: [{ type: 'Initialized', status: 'True' }, ...readyCond],
        initContainerStatuses: [
          { name: 'proxy', ready: true, started: true, restartCount: 1, state: running, lastState: { terminated: { exitCode: 1, finishedAt: ago(5 * MIN) } } },
        ],
        containerStatuses: [readyRunning()],
      }),
      want: ['2/2', 'Running', '1 (5m ago)'],
    },
    {
      name: 'sidecar started but not ready',
      obj: pod(sidecar, {
        phase: 'Running',
        initContainerStatuses: [{ name: 'proxy', ready: false, started: true, restartCount: 0, state: running }],
        containerStatuses: [readyRunning()],
      }),
      want: ['1/2', 'Running', '0'],
    },
    {
      name: 'sidecar not started yet blocks initialization',
      obj: pod(sidecar, {
        phase: 'Pending',
        initContainerStatuses: [{ name: 'proxy', ready: false, started: false, restartCount: 0, state: running }],
        containerStatuses: [{ name: 'app', restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } }],
      }),
      want: ['0/2', 'Init:0/1', '0'],
    },
    {
      name: 'most recent finishedAt across containers',
      obj: pod(
        { containers: [{ name: 'a' }, { name: 'b' }] },
        {
          phase: 'Running',
          conditions: readyCond,
          containerStatuses: [
            readyRunning('a', { restartCount: 1, lastState: { terminated: { exitCode: 1, finishedAt: ago(90 * MIN) } } }),
            readyRunning('b', { restartCount: 2, lastState: { terminated: { exitCode: 1, finishedAt: ago(3 * MIN) } } }),
          ],
        },
      ),
      want: ['2/2', 'Running', '3 (3m ago)'],
    },
    {
      name: 'deleting a running pod → Terminating',
      obj: pod({}, { phase: 'Running', conditions: readyCond, containerStatuses: [readyRunning()] }, { deletionTimestamp: ago(MIN) }),
      want: ['1/1', 'Terminating', '0'],
    },
    {
      name: 'deleting a finished pod keeps its status',
      obj: pod({}, { phase: 'Succeeded', containerStatuses: [{ name: 'app', restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }] }, { deletionTimestamp: ago(MIN) }),
      want: ['0/1', 'Completed', '0'],
    },
    {
      name: 'deleting a pod on a lost node → Unknown',
      obj: pod({}, { phase: 'Running', reason: 'NodeLost', containerStatuses: [readyRunning()] }, { deletionTimestamp: ago(MIN) }),
      want: ['1/1', 'Unknown', '0'],
    },
  ];
  for (const c of cases) assert.deepEqual(head(c.obj), c.want, c.name);
});
