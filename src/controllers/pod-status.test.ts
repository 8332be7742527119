import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Pod } from '../resources/pods.js';
import { containerIDOf, imageIDOf, isStartedByKubelet, normalizeImage, runningContainers, runningPodStatus, stoppedPodStatus } from './pod-status.js';
import { terminationDeadline } from './pod-lifecycle.js';

const now = Date.parse('2025-01-01T12:00:00Z');

function pod(spec: Record<string, unknown> = {}, status: Record<string, unknown> = { phase: 'Pending', qosClass: 'BestEffort' }): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', uid: 'uid-1' },
    spec: { containers: [{ name: 'c', image: 'nginx' }], nodeName: 'kubelevel-node-1', ...spec },
    status,
  };
}

test('images are normalised as containerd reports them', () => {
  const cases: [string, string][] = [
    ['nginx', 'docker.io/library/nginx:latest'],
    ['nginx:1.25', 'docker.io/library/nginx:1.25'],
    ['bitnami/redis', 'docker.io/bitnami/redis:latest'],
    ['registry.k8s.io/pause:3.10', 'registry.k8s.io/pause:3.10'],
    ['localhost:5000/app', 'localhost:5000/app:latest'],
    ['localhost/app:v1', 'localhost/app:v1'],
    [`nginx@sha256:${'a'.repeat(64)}`, `docker.io/library/nginx@sha256:${'a'.repeat(64)}`],
  ];
  for (const [image, want] of cases) assert.equal(normalizeImage(image), want, image);
});

test('imageID is repo@sha256 (deterministic), containerID is containerd://<64 hex>', () => {
  assert.match(imageIDOf('nginx'), /^docker\.io\/library\/nginx@sha256:[0-9a-f]{64}$/);
  assert.equal(imageIDOf('nginx'), imageIDOf('nginx:latest'));
  assert.notEqual(imageIDOf('nginx:1.25'), imageIDOf('nginx:1.26'));
  assert.equal(imageIDOf(`nginx@sha256:${'b'.repeat(64)}`), `docker.io/library/nginx@sha256:${'b'.repeat(64)}`);
  assert.match(containerIDOf('u', 'c'), /^containerd:\/\/[0-9a-f]{64}$/);
  assert.equal(containerIDOf('u', 'c'), containerIDOf('u', 'c'));
  assert.notEqual(containerIDOf('u', 'c'), containerIDOf('v', 'c'));
});

test('runningPodStatus: phase, conditions, IPs and container statuses as a kubelet posts them', () => {
  const p = pod({ initContainers: [{ name: 'init', image: 'busybox' }, { name: 'side', image: 'envoy', restartPolicy: 'Always' }] });
  const s = runningPodStatus(p, { podUID: 'uid-1', hostIPs: ['172.18.0.2'], podIPs: ['10.244.0.2'], now });
  assert.equal(s.phase, 'Running');
  assert.equal(s.qosClass, 'BestEffort');
  assert.equal(s.startTime, '2025-01-01T12:00:00Z');
  assert.deepEqual([s.hostIP, s.hostIPs, s.podIP, s.podIPs], ['172.18.0.2', [{ ip: '172.18.0.2' }], '10.244.0.2', [{ ip: '10.244.0.2' }]]);
  assert.deepEqual(
    s.conditions!.map((c) => [c.type, c.status, c.lastTransitionTime, c.lastProbeTime]),
    ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((t) => [t, 'True', '2025-01-01T12:00:00Z', null]),
  );
  assert.deepEqual(s.containerStatuses, [
    {
      name: 'c',
      image: 'docker.io/library/nginx:latest',
      imageID: imageIDOf('nginx'),
      containerID: containerIDOf('uid-1', 'c'),
      restartCount: 0,
      lastState: {},
      ready: true,
      started: true,
      state: { running: { startedAt: '2025-01-01T12:00:00Z' } },
    },
  ]);
  const [init, side] = s.initContainerStatuses!;
  assert.deepEqual(init!.state, {
    terminated: { exitCode: 0, reason: 'Completed', startedAt: '2025-01-01T12:00:00Z', finishedAt: '2025-01-01T12:00:00Z', containerID: containerIDOf('uid-1', 'init') },
  });
  assert.deepEqual([init!.ready, init!.started], [true, false]);
  assert.deepEqual([side!.ready, side!.started, side!.state.running?.startedAt], [true, true, '2025-01-01T12:00:00Z']);
});

test('runningPodStatus keeps an existing PodScheduled transition time and user conditions; readiness gates hold Ready', () => {
  const p = pod(
    { readinessGates: [{ conditionType: 'example.com/lb' }] },
    { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'True', lastTransitionTime: '2025-01-01T11:59:59Z' }] },
  );
  const s = runningPodStatus(p, { podUID: 'uid-1', hostIPs: ['172.18.0.2'], podIPs: ['10.244.0.2'], now });
  assert.equal(s.conditions!.find((c) => c.type === 'PodScheduled')!.lastTransitionTime, '2025-01-01T11:59:59Z');
  const ready = s.conditions!.find((c) => c.type === 'Ready')!;
  assert.deepEqual([ready.status, ready.reason, ready.message], ['False', 'ReadinessGatesNotReady', 'corresponding condition of pod readiness gate "example.com/lb" does not exist.']);
  const gated = pod({ readinessGates: [{ conditionType: 'example.com/lb' }] }, { phase: 'Pending', conditions: [{ type: 'example.com/lb', status: 'True' }] });
  const s2 = runningPodStatus(gated, { podUID: 'uid-1', hostIPs: [], podIPs: ['10.244.0.2'], now });
  assert.equal(s2.conditions!.find((c) => c.type === 'Ready')!.status, 'True');
  assert.ok(s2.conditions!.some((c) => c.type === 'example.com/lb'));
});

test('isStartedByKubelet looks at the stored status, not at memory', () => {
  assert.equal(isStartedByKubelet(pod()), false);
  assert.equal(isStartedByKubelet(pod({}, {})), false);
  const running = runningPodStatus(pod(), { podUID: 'uid-1', hostIPs: [], podIPs: ['10.244.0.2'], now });
  assert.equal(isStartedByKubelet(pod({}, running)), true);
  // a user who rewrote the conditions still leaves the pod started
  assert.equal(isStartedByKubelet(pod({}, { ...running, conditions: [{ type: 'Ready', status: 'False' }] })), true);
  assert.equal(isStartedByKubelet(pod({}, { phase: 'Failed' })), true);
});

test('stoppedPodStatus terminates running containers and drops readiness', () => {
  const running = runningPodStatus(pod(), { podUID: 'uid-1', hostIPs: ['172.18.0.2'], podIPs: ['10.244.0.2'], now });
  const p = pod({}, running);
  assert.deepEqual(runningContainers(p), [{ name: 'c', fieldPath: 'spec.containers{c}' }]);
  const later = now + 5000;
  const s = stoppedPodStatus(p, later);
  assert.equal(s.phase, 'Succeeded');
  assert.equal(s.podIP, '10.244.0.2');
  const cs = s.containerStatuses![0]!;
  assert.deepEqual([cs.ready, cs.started], [false, false]);
  assert.deepEqual(cs.state.terminated, { exitCode: 0, reason: 'Completed', startedAt: '2025-01-01T12:00:00Z', finishedAt: '2025-01-01T12:00:05Z', containerID: containerIDOf('uid-1', 'c') });
  const byType = Object.fromEntries(s.conditions!.map((c) => [c.type, c.status]));
  assert.deepEqual(byType, { PodReadyToStartContainers: 'False', Initialized: 'True', Ready: 'False', ContainersReady: 'False', PodScheduled: 'True' });
  assert.deepEqual(runningContainers(pod({}, s)), []);
});

test('terminationDeadline: min(grace, 1 s) after the DELETE (deletionTimestamp - grace)', () => {
  const at = (deletionTimestamp: string | undefined, deletionGracePeriodSeconds: number | undefined) => {
    const p = pod();
    p.metadata = { ...p.metadata, ...(deletionTimestamp ? { deletionTimestamp } : {}), ...(deletionGracePeriodSeconds !== undefined ? { deletionGracePeriodSeconds } : {}) };
    return terminationDeadline(p);
  };
  assert.equal(at('2025-01-01T12:00:30Z', 30), Date.parse('2025-01-01T12:00:01Z'));
  assert.equal(at('2025-01-01T12:00:01Z', 1), Date.parse('2025-01-01T12:00:01Z'));
  assert.equal(at('2025-01-01T12:00:00Z', 0), Date.parse('2025-01-01T12:00:00Z'));
  assert.equal(at(undefined, undefined), 0);
});
