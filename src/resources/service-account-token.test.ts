import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RequestContext } from '../registry/resource-definition.js';
import { podsResource, type Pod } from './pods.js';
import { admitServiceAccount, DEFAULT_API_TOKEN_MOUNT_PATH, tokenVolumeSource } from './service-account-token.js';

const suffix = (n: number) => 'x7k2q'.slice(0, n);
const MOUNT = { name: 'kube-api-access-x7k2q', readOnly: true, mountPath: DEFAULT_API_TOKEN_MOUNT_PATH };

function pod(spec: Pod['spec'], annotations?: Record<string, string>): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', namespace: 'ns', ...(annotations ? { annotations } : {}) }, spec };
}

test('the projected volume is upstream TokenVolumeSource(), in Go field order', () => {
  const src = tokenVolumeSource();
  assert.equal(
    JSON.stringify(src),
    '{"sources":[{"serviceAccountToken":{"expirationSeconds":3607,"path":"token"}},' +
      '{"configMap":{"name":"kube-root-ca.crt","items":[{"key":"ca.crt","path":"ca.crt"}]}},' +
      '{"downwardAPI":{"items":[{"path":"namespace","fieldRef":{"apiVersion":"v1","fieldPath":"metadata.namespace"}}]}}],' +
      '"defaultMode":420}',
  );
});

test('every container and init container mounts one kube-api-access volume, which leads the spec', () => {
  const p = pod({ containers: [{ name: 'a', image: 'a' }, { name: 'b', image: 'b', volumeMounts: [{ name: 'data', mountPath: '/data' }] }], initContainers: [{ name: 'i', image: 'i' }] });
  admitServiceAccount(p, suffix);
  assert.equal(Object.keys(p.spec!)[0], 'volumes');
  assert.deepEqual(p.spec!.volumes, [{ name: 'kube-api-access-x7k2q', projected: tokenVolumeSource() }]);
  assert.deepEqual(p.spec!.containers![0]!.volumeMounts, [MOUNT]);
  assert.deepEqual(p.spec!.containers![1]!.volumeMounts, [{ name: 'data', mountPath: '/data' }, MOUNT]);
  assert.deepEqual(p.spec!.initContainers![0]!.volumeMounts, [MOUNT]);
  assert.equal(p.spec!.serviceAccountName, 'default');
});

test('existing volumes are kept and the token volume is appended', () => {
  const p = pod({ volumes: [{ name: 'data', emptyDir: {} }], containers: [{ name: 'a', image: 'a' }] });
  admitServiceAccount(p, suffix);
  assert.deepEqual(
    (p.spec!.volumes as { name: string }[]).map((v) => v.name),
    ['data', 'kube-api-access-x7k2q'],
  );
});

test('automountServiceAccountToken: false, mirror pods and own mounts at the path opt out', () => {
  const off = pod({ automountServiceAccountToken: false, containers: [{ name: 'a', image: 'a' }] });
  admitServiceAccount(off, suffix);
  assert.equal(off.spec!.volumes, undefined);
  assert.equal(off.spec!.containers![0]!.volumeMounts, undefined);

  const mirror = pod({ containers: [{ name: 'a', image: 'a' }] }, { 'kubernetes.io/config.mirror': 'abc' });
  admitServiceAccount(mirror, suffix);
  assert.equal(mirror.spec!.volumes, undefined);

  const own = pod({
    volumes: [{ name: 'mine', secret: { secretName: 's' } }],
    containers: [{ name: 'a', image: 'a', volumeMounts: [{ name: 'mine', mountPath: DEFAULT_API_TOKEN_MOUNT_PATH }] }],
  });
  admitServiceAccount(own, suffix);
  assert.deepEqual((own.spec!.volumes as { name: string }[]).map((v) => v.name), ['mine']);
  assert.equal((own.spec!.containers![0]!.volumeMounts as unknown[]).length, 1);
});

test('a kube-api-access-* volume already present is reused, not duplicated', () => {
  const p = pod({ volumes: [{ name: 'kube-api-access-abcde', projected: tokenVolumeSource() }], containers: [{ name: 'a', image: 'a' }] });
  admitServiceAccount(p, () => 'zzzzz');
  assert.equal((p.spec!.volumes as unknown[]).length, 1);
  assert.deepEqual(p.spec!.containers![0]!.volumeMounts, [{ ...MOUNT, name: 'kube-api-access-abcde' }]);
});

test('pod create runs the admission with the request clock and the pod still validates', () => {
  const ctx: RequestContext = { user: { username: 'u', groups: [] }, dryRun: false, now: 0, warnings: [], randomSuffix: suffix };
  const p = pod({ containers: [{ name: 'web', image: 'nginx' }] });
  podsResource.strategy.prepareForCreate!(p, ctx);
  assert.deepEqual(p.spec!.containers![0]!.volumeMounts, [MOUNT]);
  assert.equal((p.spec!.volumes as { name: string }[])[0]!.name, 'kube-api-access-x7k2q');
  assert.deepEqual(podsResource.strategy.validate!(p, ctx), []);
  assert.equal(p.status?.phase, 'Pending');
  // an update keeps the mounted spec as it is (the admission runs on create only)
  const next = structuredClone(p);
  podsResource.strategy.prepareForUpdate!(next, p, ctx);
  assert.deepEqual(podsResource.strategy.validateUpdate!(next, p, ctx), []);
});
