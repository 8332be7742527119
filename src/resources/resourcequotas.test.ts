import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorString } from '../apimachinery/field-errors.js';
import { StatusError } from '../apimachinery/status.js';
import type { RequestContext } from '../registry/resource-definition.js';
import { resourceQuotasResource, type ResourceQuota } from './resourcequotas.js';

const ctx: RequestContext = { user: { username: 'u', groups: [] }, dryRun: false, now: 0, warnings: [] };
const strategy = resourceQuotasResource.strategy;

function quota(spec: ResourceQuota['spec']): ResourceQuota {
  return { apiVersion: 'v1', kind: 'ResourceQuota', metadata: { name: 'q', namespace: 'ns' }, spec };
}

function created(spec: ResourceQuota['spec']): ResourceQuota {
  const rq = quota(spec);
  strategy.prepareForCreate!(rq, ctx);
  return rq;
}

function errors(rq: ResourceQuota): string[] {
  return strategy.validate!(rq, ctx).map(fieldErrorString);
}

test('served as resourcequotas (quota), namespaced, with a status subresource', () => {
  const d = resourceQuotasResource;
  assert.deepEqual([d.plural, d.singular, d.kind, d.shortNames, d.namespaced, d.statusStrategy !== undefined], ['resourcequotas', 'resourcequota', 'ResourceQuota', ['quota'], true, true]);
});

test('create canonicalises spec.hard and mirrors it into status with zero usage', () => {
  const rq = created({ hard: { pods: 10, 'requests.cpu': '1000m', 'requests.memory': '1024Mi', 'limits.cpu': '1.5' } });
  assert.deepEqual(rq.spec!.hard, { pods: '10', 'requests.cpu': '1', 'requests.memory': '1Gi', 'limits.cpu': '1500m' });
  assert.deepEqual(rq.status, {
    hard: { pods: '10', 'requests.cpu': '1', 'requests.memory': '1Gi', 'limits.cpu': '1500m' },
    used: { pods: '0', 'requests.cpu': '0', 'requests.memory': '0', 'limits.cpu': '0' },
  });
  assert.deepEqual(errors(rq), []);
  assert.deepEqual(created({}).status, {});
});

test('a value that is no quantity is a 400 decode error, as the JSON decoder reports it', () => {
  assert.throws(
    () => created({ hard: { pods: '1.2.3' } }),
    (e: unknown) =>
      e instanceof StatusError &&
      e.status.code === 400 &&
      e.status.message === `ResourceQuota in version "v1" cannot be handled as a ResourceQuota: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`,
  );
});

test('resource names and values are validated as upstream', () => {
  assert.deepEqual(errors(created({ hard: { pods: '-1', services: '1500m', foo: '1', storage: '1Gi', 'example.com/gpu': '0.5', 'count/deployments.apps': '2' } })), [
    'spec.hard[example.com/gpu]: Invalid value: "500m": must be an integer',
    'spec.hard[foo]: Invalid value: "foo": must be a standard resource type or fully qualified',
    'spec.hard[foo]: Invalid value: "foo": must be a standard resource for quota',
    'spec.hard[pods]: Invalid value: "-1": must be greater than or equal to 0',
    'spec.hard[services]: Invalid value: "1500m": must be an integer',
    'spec.hard[storage]: Invalid value: "storage": must be a standard resource for quota',
  ]);
});

test('scopes: unknown, not applicable to a resource, conflicting', () => {
  assert.deepEqual(errors(created({ hard: { pods: '1' }, scopes: ['BestEffort'] })), []);
  assert.deepEqual(errors(created({ hard: { 'requests.cpu': '1' }, scopes: ['BestEffort', 'Sometimes'] })), [
    'spec.scopes: Invalid value: ["BestEffort","Sometimes"]: unsupported scope applied to resource',
    'spec.scopes: Invalid value: ["BestEffort","Sometimes"]: unsupported scope',
  ]);
  assert.deepEqual(errors(created({ hard: { pods: '1' }, scopes: ['Terminating', 'NotTerminating'] })), [
    'spec.scopes: Invalid value: ["Terminating","NotTerminating"]: conflicting scopes',
  ]);
  assert.deepEqual(
    errors(created({ hard: { pods: '1' }, scopeSelector: { matchExpressions: [{ scopeName: 'PriorityClass', operator: 'In' }, { scopeName: 'BestEffort', operator: 'In' }] } })),
    [
      "spec.scopeSelector.matchExpressions.values: Required value: must be at least one value when `operator` is 'In' or 'NotIn' for scope selector",
      "spec.scopeSelector.matchExpressions.operator: Invalid value: \"In\": must be 'Exist' when scope is any of ResourceQuotaScopeTerminating, ResourceQuotaScopeNotTerminating, ResourceQuotaScopeBestEffort, ResourceQuotaScopeNotBestEffort or ResourceQuotaScopeCrossNamespacePodAffinity",
      "spec.scopeSelector.matchExpressions.values: Required value: must be at least one value when `operator` is 'In' or 'NotIn' for scope selector",
    ],
  );
});

test('updates re-mirror status.hard, keep observed usage, and may not change scopes', () => {
  const prev = created({ hard: { pods: '10', services: '5' }, scopes: ['NotTerminating'] });
  prev.status!.used = { pods: '3', services: '1' };
  const next = quota({ hard: { pods: '20', 'requests.cpu': '2' }, scopes: ['NotTerminating'] });
  strategy.prepareForUpdate!(next, prev, ctx);
  assert.deepEqual(next.status, { hard: { pods: '20', 'requests.cpu': '2' }, used: { pods: '3', 'requests.cpu': '0' } });
  assert.deepEqual(strategy.validateUpdate!(next, prev, ctx), []);
  const rescoped = quota({ hard: { pods: '20' }, scopes: ['Terminating'] });
  strategy.prepareForUpdate!(rescoped, prev, ctx);
  assert.deepEqual(strategy.validateUpdate!(rescoped, prev, ctx).map(fieldErrorString), ['spec.scopes: Invalid value: ["Terminating"]: field is immutable']);
});

test('/status keeps the spec and validates what the writer reports', () => {
  const prev = created({ hard: { pods: '10' } });
  const next = quota({ hard: { pods: '99' } });
  next.status = { hard: { pods: '10' }, used: { pods: '1000m', services: '-1' } };
  const status = resourceQuotasResource.statusStrategy!;
  status.prepareForUpdate!(next, prev, ctx);
  assert.deepEqual(next.spec, prev.spec);
  assert.deepEqual(next.status.used, { pods: '1', services: '-1' });
  assert.deepEqual(status.validateUpdate!(next, prev, ctx).map(fieldErrorString), ['status.used[services]: Invalid value: "-1": must be greater than or equal to 0']);
});
