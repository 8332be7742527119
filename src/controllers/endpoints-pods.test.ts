import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Service } from '../resources/service-types.js';
import { findPort, servicesForPodChange, shouldPodBeInEndpoints, type EndpointsPod } from './endpoints-pods.js';

const svc = (name: string, selector?: Record<string, string>): Service => ({ metadata: { name, namespace: 'ns' }, spec: { ...(selector ? { selector } : {}) } });
const SERVICES = [svc('a', { app: 'a' }), svc('b', { app: 'b' }), svc('all-a', { app: 'a' }), svc('none'), svc('empty', {})];

function pod(labels: Record<string, string>, o: { rv?: string; ready?: boolean; ip?: string } = {}): EndpointsPod {
  return {
    metadata: { name: 'p', namespace: 'ns', labels, resourceVersion: o.rv ?? '1' },
    status: { podIP: o.ip ?? '10.0.0.1', podIPs: [{ ip: o.ip ?? '10.0.0.1' }], conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }] },
  };
}

const keys = (s: Set<string>) => [...s].sort();

test('servicesForPodChange: add/delete hit the matching services; selectorless ones never', () => {
  assert.deepEqual(keys(servicesForPodChange(SERVICES, undefined, pod({ app: 'a' }))), ['ns/a', 'ns/all-a']);
  assert.deepEqual(keys(servicesForPodChange(SERVICES, pod({ app: 'b' }), undefined)), ['ns/b']);
  assert.deepEqual(keys(servicesForPodChange(SERVICES, undefined, pod({ other: 'x' }))), []);
});

test('servicesForPodChange: updates that matter, as GetServicesToUpdateOnPodChange', () => {
  // nothing relevant changed (same labels, readiness, IPs)
  assert.deepEqual(keys(servicesForPodChange(SERVICES, pod({ app: 'a' }), pod({ app: 'a' }, { rv: '2' }))), []);
  // a resync (same resourceVersion) is ignored
  assert.deepEqual(keys(servicesForPodChange(SERVICES, pod({ app: 'a' }), pod({ app: 'a' }, { ready: false }))), []);
  assert.deepEqual(keys(servicesForPodChange(SERVICES, pod({ app: 'a' }), pod({ app: 'a' }, { rv: '2', ready: false }))), ['ns/a', 'ns/all-a']);
  // only labels changed: the services the pod left or joined
  assert.deepEqual(keys(servicesForPodChange(SERVICES, pod({ app: 'a' }), pod({ app: 'b' }, { rv: '2' }))), ['ns/a', 'ns/all-a', 'ns/b']);
  assert.deepEqual(keys(servicesForPodChange(SERVICES, pod({ app: 'a' }), pod({ app: 'a', x: 'y' }, { rv: '2' }))), []);
  // labels and IP changed: old and new services alike
  assert.deepEqual(keys(servicesForPodChange(SERVICES, pod({ app: 'a' }), pod({ app: 'a', x: 'y' }, { rv: '2', ip: '10.0.0.2' }))), ['ns/a', 'ns/all-a']);
});

test('findPort: numbers as is; names by name and protocol, sidecars included', () => {
  const p: EndpointsPod = {
    metadata: { name: 'p' },
    spec: {
      containers: [{ ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }, { name: 'dns', containerPort: 53, protocol: 'UDP' }] }],
      initContainers: [
        { restartPolicy: 'Always', ports: [{ name: 'proxy', containerPort: 15001, protocol: 'TCP' }] },
        { ports: [{ name: 'init', containerPort: 1, protocol: 'TCP' }] },
      ],
    },
  };
  assert.equal(findPort(p, { port: 80, targetPort: 9376 }), 9376);
  assert.equal(findPort(p, { port: 80 }), 80);
  assert.equal(findPort(p, { port: 80, targetPort: 'http' }), 8080);
  assert.equal(findPort(p, { port: 53, targetPort: 'dns', protocol: 'UDP' }), 53);
  assert.equal(findPort(p, { port: 53, targetPort: 'dns', protocol: 'TCP' }), undefined);
  assert.equal(findPort(p, { port: 1, targetPort: 'proxy' }), 15001);
  assert.equal(findPort(p, { port: 1, targetPort: 'init' }), undefined);
});

test('shouldPodBeInEndpoints', () => {
  assert.equal(shouldPodBeInEndpoints(pod({}), false), true);
  assert.equal(shouldPodBeInEndpoints({ metadata: { name: 'p' }, status: {} }, true), false);
  assert.equal(shouldPodBeInEndpoints({ ...pod({}), status: { ...pod({}).status, phase: 'Succeeded' } }, true), false);
  const deleting = { ...pod({}), metadata: { ...pod({}).metadata, deletionTimestamp: '2024-01-01T00:00:00Z' } };
  assert.equal(shouldPodBeInEndpoints(deleting, false), false);
  assert.equal(shouldPodBeInEndpoints(deleting, true), true);
});
