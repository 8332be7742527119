import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalizePodIPs, validatePodIPs } from './pods.js';

const withStatus = (status: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, status }) as Parameters<typeof validatePodIPs>[0];
const messages = (status: Record<string, unknown>): string[] => validatePodIPs(withStatus(status)).map((e) => `${e.field}: ${e.type}: ${e.detail ?? ''}`);

test('pod status IPs are validated as upstream does', () => {
  assert.deepEqual(messages({}), []);
  assert.deepEqual(messages({ podIP: '10.244.0.5', podIPs: [{ ip: '10.244.0.5' }] }), []);
  assert.deepEqual(messages({ podIPs: [{ ip: '10.244.0.5' }, { ip: 'fd00::5' }] }), []);
  assert.deepEqual(messages({ podIP: '10.256.0.1' }), ['status.podIPs[0]: FieldValueInvalid: must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)']);
  assert.deepEqual(messages({ podIPs: [{ ip: '10.0.0.1' }, { ip: 'nope' }] }), [
    'status.podIPs[1]: FieldValueInvalid: must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)',
    'status.podIPs: FieldValueInvalid: may specify no more than one IP for each IP family',
  ]);
  assert.deepEqual(messages({ podIPs: [{ ip: '10.0.0.1' }, { ip: '10.0.0.1' }] }), [
    'status.podIPs: FieldValueInvalid: may specify no more than one IP for each IP family',
    'status.podIPs[1]: FieldValueDuplicate: ',
  ]);
});

test('podIP is authoritative over a disagreeing podIPs, and a lone podIPs fills podIP (v1 conversion)', () => {
  const changed = withStatus({ podIP: '10.256.0.1', podIPs: [{ ip: '10.244.0.2' }] });
  normalizePodIPs(changed);
  assert.deepEqual(changed.status, { podIP: '10.256.0.1', podIPs: [{ ip: '10.256.0.1' }] });
  assert.deepEqual(messages(changed.status!), ['status.podIPs[0]: FieldValueInvalid: must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)']);
  const dual = withStatus({ podIP: '10.244.0.2', podIPs: [{ ip: '10.244.0.2' }, { ip: 'fd00::2' }] });
  normalizePodIPs(dual);
  assert.deepEqual(dual.status!.podIPs, [{ ip: '10.244.0.2' }, { ip: 'fd00::2' }]);
  const lone = withStatus({ podIPs: [{ ip: '10.244.0.9' }] });
  normalizePodIPs(lone);
  assert.equal(lone.status!.podIP, '10.244.0.9');
});
