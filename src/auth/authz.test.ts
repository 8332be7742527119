import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alwaysAllow } from './authz.js';
import type { AuthorizationAttributes } from './authz.js';

const CASES: AuthorizationAttributes[] = [
  { verb: 'get', resource: 'pods', namespace: 'default', name: 'web', group: '' },
  { verb: 'deletecollection', resource: 'endpointslices', group: 'discovery.k8s.io', namespace: 'kube-system' },
  { verb: 'get', path: '/healthz' },
];

for (const attrs of CASES) {
  test(`alwaysAllow allows ${attrs.verb} ${attrs.resource ?? attrs.path}`, () => {
    assert.deepEqual(alwaysAllow.authorize({ username: 'jane', groups: ['system:authenticated'] }, attrs), { allowed: true });
  });
}
