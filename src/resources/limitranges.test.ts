import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fieldErrorString } from '../apimachinery/field-errors.js';
import type { RequestContext } from '../registry/resource-definition.js';
import { limitRangesResource, type LimitRange } from './limitranges.js';

const ctx: RequestContext = { user: { username: 'u', groups: [] }, dryRun: false, now: 0, warnings: [] };
const strategy = limitRangesResource.strategy;

function created(limits: NonNullable<LimitRange['spec']>['limits']): LimitRange {
  const lr: LimitRange = { apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'l', namespace: 'ns' }, spec: { limits } };
  strategy.prepareForCreate!(lr, ctx);
  return lr;
}

function errors(lr: LimitRange): string[] {
  return strategy.validate!(lr, ctx).map(fieldErrorString);
}

test('served as limitranges (limits), namespaced', () => {
  const d = limitRangesResource;
  assert.deepEqual([d.plural, d.singular, d.kind, d.shortNames, d.namespaced], ['limitranges', 'limitrange', 'LimitRange', ['limits'], true]);
});

test('Container items default the limit to max and the request to the limit, then to min', () => {
  const lr = created([
    { type: 'Container', max: { cpu: '2', memory: '1Gi' }, min: { cpu: '100m', 'ephemeral-storage': '1Mi' }, default: { memory: '512Mi' } },
    { type: 'Pod', max: { cpu: '4000m' } },
  ]);
  assert.deepEqual(lr.spec!.limits![0], {
    type: 'Container',
    max: { cpu: '2', memory: '1Gi' },
    min: { cpu: '100m', 'ephemeral-storage': '1Mi' },
    default: { memory: '512Mi', cpu: '2' },
    defaultRequest: { memory: '512Mi', cpu: '2', 'ephemeral-storage': '1Mi' },
  });
  assert.deepEqual(lr.spec!.limits![1], { type: 'Pod', max: { cpu: '4' } });
  assert.deepEqual(errors(lr), []);
});

test('types, resource names and bounds are validated as upstream', () => {
  assert.deepEqual(
    errors(created([
      { type: 'Container', min: { cpu: '2' }, max: { cpu: '1' }, maxLimitRequestRatio: { memory: '500m' } },
      { type: 'Container' },
      { type: 'Node', max: { pods: '3' } },
      { type: 'Pod', default: { cpu: '1' } },
      { type: 'PersistentVolumeClaim', max: { cpu: '1' } },
    ])),
    [
      'spec.limits[0].min[cpu]: Invalid value: "2": min value 2 is greater than max value 1',
      'spec.limits[0].defaultRequest[cpu]: Invalid value: "1": min value 2 is greater than default request value 1',
      'spec.limits[0].default[cpu]: Invalid value: "2": min value 2 is greater than default value 1',
      'spec.limits[0].maxLimitRequestRatio[memory]: Invalid value: "500m": ratio 500m is less than 1',
      'spec.limits[1].type: Duplicate value: "Container"',
      'spec.limits[2].type: Invalid value: "Node": must be a standard limit type or fully qualified',
      'spec.limits[3].default: Forbidden: may not be specified when `type` is \'Pod\'',
      'spec.limits[4].limits: Required value: either minimum or maximum storage value is required, but neither was provided',
    ],
  );
  assert.deepEqual(errors(created([{ type: 'Container', max: { gpu: '1' } }])), [
    'spec.limits[0].max[gpu]: Invalid value: "gpu": must be a standard resource type or fully qualified',
    'spec.limits[0].max[gpu]: Invalid value: "gpu": must be a standard resource for containers',
    // defaulting copied max into default and defaultRequest first, as upstream
    'spec.limits[0].default[gpu]: Invalid value: "gpu": must be a standard resource type or fully qualified',
    'spec.limits[0].default[gpu]: Invalid value: "gpu": must be a standard resource for containers',
    'spec.limits[0].defaultRequest[gpu]: Invalid value: "gpu": must be a standard resource type or fully qualified',
    'spec.limits[0].defaultRequest[gpu]: Invalid value: "gpu": must be a standard resource for containers',
  ]);
  assert.deepEqual(errors(created([{ type: 'Container', min: { cpu: '100m' }, max: { cpu: '1' }, maxLimitRequestRatio: { cpu: '20' } }])), [
    'spec.limits[0].maxLimitRequestRatio[cpu]: Invalid value: "20": ratio 20 is greater than max/min = 10.000000',
  ]);
  assert.deepEqual(errors(created([{ type: 'Container', default: { 'example.com/gpu': '2' }, defaultRequest: { 'example.com/gpu': '1' } }])), [
    'spec.limits[0].defaultRequest[example.com/gpu]: Invalid value: "1": default value 2 must equal to defaultRequest value 1 in example.com/gpu',
  ]);
});
