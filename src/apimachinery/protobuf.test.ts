import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  KUBERNETES_PROTOBUF_MAGIC,
  decodeKubernetesProtobuf,
  encodeKubernetesProtobuf,
  protobufMessageType,
} from './protobuf.js';
import { MESSAGES, parseFields } from './protobuf-schema.js';
import { StatusError } from './status.js';

/** Encodes `payload` as message `type` and wraps it like client-go's protobuf serializer. */
function body(apiVersion: string, kind: string, type: string, payload: Record<string, unknown>): Uint8Array {
  const t = protobufMessageType(type);
  const err = t.verify(payload);
  assert.equal(err, null, `test payload does not fit ${type}: ${err}`);
  return encodeKubernetesProtobuf(apiVersion, kind, t.encode(t.fromObject(payload)).finish());
}

/** ObjectMeta as Go's proto2 marshaller writes it: every non-pointer scalar present, zero time empty. */
function goMeta(fields: Record<string, unknown>): Record<string, unknown> {
  return {
    name: '', generateName: '', namespace: '', selfLink: '', uid: '', resourceVersion: '', generation: 0,
    creationTimestamp: {}, ...fields,
  };
}

function assertBadRequest(fn: () => unknown, message?: RegExp): void {
  assert.throws(fn, (err: unknown) => {
    assert.ok(err instanceof StatusError, String(err));
    assert.equal(err.code, 400);
    assert.equal(err.status.reason, 'BadRequest');
    if (message) assert.match(err.status.message ?? '', message);
    return true;
  });
}

test('the schema parses and every message type resolves', () => {
  for (const [name, spec] of Object.entries(MESSAGES)) {
    const fields = parseFields(spec);
    assert.equal(new Set(fields.map((f) => f.id)).size, fields.length, `${name}: duplicate field number`);
    assert.equal(protobufMessageType(name).fieldsArray.length, fields.length, name);
  }
});

test('kubectl create namespace demo', () => {
  const b = body('v1', 'Namespace', 'Namespace', { metadata: goMeta({ name: 'demo' }), spec: {}, status: { phase: '' } });
  assert.deepEqual([...b.subarray(0, 4)], [...KUBERNETES_PROTOBUF_MAGIC]);
  assert.deepEqual(decodeKubernetesProtobuf(b), {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'demo', creationTimestamp: null },
    spec: {},
    status: {},
  });
});

const goServiceSpec = {
  clusterIP: '', type: '', sessionAffinity: '', loadBalancerIP: '', externalName: '',
  externalTrafficPolicy: '', healthCheckNodePort: 0, publishNotReadyAddresses: false,
};

test('kubectl create service nodeport web --tcp=80:8080', () => {
  const b = body('v1', 'Service', 'Service', {
    metadata: goMeta({ name: 'web', labels: { app: 'web' } }),
    spec: {
      ...goServiceSpec,
      type: 'NodePort',
      ports: [{ name: '80-8080', protocol: 'TCP', port: 80, targetPort: { type: 0, intVal: 8080, strVal: '' }, nodePort: 0 }],
      selector: { app: 'web' },
    },
    status: { loadBalancer: {} },
  });
  assert.deepEqual(decodeKubernetesProtobuf(b), {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', creationTimestamp: null, labels: { app: 'web' } },
    spec: {
      ports: [{ name: '80-8080', protocol: 'TCP', port: 80, targetPort: 8080 }],
      selector: { app: 'web' },
      type: 'NodePort',
    },
    status: { loadBalancer: {} },
  });
});

test('kubectl create service externalname, clusterip None and string targetPort', () => {
  const ext = body('v1', 'Service', 'Service', {
    metadata: goMeta({ name: 'db', labels: { app: 'db' } }),
    spec: { ...goServiceSpec, type: 'ExternalName', externalName: 'db.example.com', selector: { app: 'db' } },
    status: { loadBalancer: {} },
  });
  assert.deepEqual(decodeKubernetesProtobuf(ext), {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'db', creationTimestamp: null, labels: { app: 'db' } },
    spec: { selector: { app: 'db' }, type: 'ExternalName', externalName: 'db.example.com' },
    status: { loadBalancer: {} },
  });
  const headless = body('v1', 'Service', 'Service', {
    metadata: goMeta({ name: 'h' }),
    spec: {
      ...goServiceSpec, clusterIP: 'None', type: 'ClusterIP', ipFamilyPolicy: 'SingleStack',
      ports: [{ name: 'http', protocol: '', port: 80, targetPort: { type: 1, intVal: 0, strVal: 'web' }, nodePort: 0 }],
    },
    status: {},
  });
  assert.deepEqual(decodeKubernetesProtobuf(headless).spec, {
    ports: [{ name: 'http', port: 80, targetPort: 'web' }],
    clusterIP: 'None',
    type: 'ClusterIP',
    ipFamilyPolicy: 'SingleStack',
  });
});

test('DeleteOptions with gracePeriodSeconds 0 and propagationPolicy keeps the explicit zero', () => {
  const b = body('v1', 'DeleteOptions', 'DeleteOptions', {
    gracePeriodSeconds: 0, propagationPolicy: 'Foreground', dryRun: ['All'], preconditions: { uid: 'u-1' },
  });
  assert.deepEqual(decodeKubernetesProtobuf(b), {
    apiVersion: 'v1',
    kind: 'DeleteOptions',
    gracePeriodSeconds: 0,
    preconditions: { uid: 'u-1' },
    propagationPolicy: 'Foreground',
    dryRun: ['All'],
  });
  const empty = body('meta.k8s.io/v1', 'DeleteOptions', 'DeleteOptions', {});
  assert.deepEqual(decodeKubernetesProtobuf(empty), { apiVersion: 'meta.k8s.io/v1', kind: 'DeleteOptions' });
});

test('kubectl drain: Eviction with nested DeleteOptions', () => {
  const b = body('policy/v1', 'Eviction', 'Eviction', {
    metadata: goMeta({ name: 'web-1', namespace: 'default' }),
    deleteOptions: { gracePeriodSeconds: 5 },
  });
  assert.deepEqual(decodeKubernetesProtobuf(b), {
    apiVersion: 'policy/v1',
    kind: 'Eviction',
    metadata: { name: 'web-1', namespace: 'default', creationTimestamp: null },
    deleteOptions: { gracePeriodSeconds: 5 },
  });
});

test('ObjectMeta: times, owner references, finalizers, annotations and managedFields', () => {
  const b = body('v1', 'Namespace', 'Namespace', {
    metadata: goMeta({
      name: 'ns', uid: 'abc', resourceVersion: '42', generation: 3,
      creationTimestamp: { seconds: 1714564800, nanos: 999 },
      deletionTimestamp: { seconds: 1714564830 },
      deletionGracePeriodSeconds: 0,
      annotations: { a: 'b' },
      ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'n1', uid: 'u1', controller: true }],
      finalizers: ['kubernetes'],
      managedFields: [{
        manager: 'kubectl-create', operation: 'Update', apiVersion: 'v1', time: { seconds: 1714564800 },
        fieldsType: 'FieldsV1', fieldsV1: { Raw: Buffer.from('{"f:metadata":{}}') }, subresource: '',
      }],
    }),
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  });
  assert.deepEqual(decodeKubernetesProtobuf(b), {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: {
      name: 'ns', uid: 'abc', resourceVersion: '42', generation: 3,
      creationTimestamp: '2024-05-01T12:00:00Z',
      deletionTimestamp: '2024-05-01T12:00:30Z',
      deletionGracePeriodSeconds: 0,
      annotations: { a: 'b' },
      ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: 'n1', uid: 'u1', controller: true }],
      finalizers: ['kubernetes'],
      managedFields: [{
        manager: 'kubectl-create', operation: 'Update', apiVersion: 'v1', time: '2024-05-01T12:00:00Z',
        fieldsType: 'FieldsV1', fieldsV1: { 'f:metadata': {} },
      }],
    },
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  });
});

test('Pod as a generator sends it: containers, env, resources, ports', () => {
  const b = body('v1', 'Pod', 'Pod', {
    metadata: goMeta({ name: 'web', namespace: 'default', labels: { run: 'web' } }),
    spec: {
      containers: [{
        name: 'web', image: 'nginx:1.27', command: ['nginx'], args: ['-g', 'daemon off;'], workingDir: '',
        ports: [{ name: '', hostPort: 0, containerPort: 80, protocol: 'TCP', hostIP: '' }],
        env: [
          { name: 'A', value: '1' },
          { name: 'POD', value: '', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
          { name: 'MEM', value: '', valueFrom: { resourceFieldRef: { containerName: '', resource: 'limits.memory', divisor: { string: '' } } } },
        ],
        resources: { limits: { cpu: { string: '500m' } }, requests: { memory: { string: '64Mi' } } },
        volumeMounts: [{ name: 'data', readOnly: false, mountPath: '/data', subPath: '', subPathExpr: '' }],
        readinessProbe: { handler: { httpGet: { path: '/', port: { type: 0, intVal: 80, strVal: '' }, host: '', scheme: 'HTTP' } }, initialDelaySeconds: 0, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 },
        terminationMessagePath: '', terminationMessagePolicy: '', imagePullPolicy: 'IfNotPresent',
        stdin: false, stdinOnce: false, tty: false,
      }],
      volumes: [{ name: 'data', volumeSource: { emptyDir: { medium: '' } } }],
      restartPolicy: 'Never', dnsPolicy: 'ClusterFirst', serviceAccountName: '', serviceAccount: '', nodeName: 'node-1',
      hostNetwork: false, hostPID: false, hostIPC: false, hostname: '', subdomain: '', schedulerName: '', priorityClassName: '',
      terminationGracePeriodSeconds: 30,
      tolerations: [{ key: 'k', operator: 'Exists', value: '', effect: 'NoSchedule' }],
    },
    status: { phase: '', message: '', reason: '', nominatedNodeName: '', hostIP: '', podIP: '', qosClass: '' },
  });
  assert.deepEqual(decodeKubernetesProtobuf(b), {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', creationTimestamp: null, labels: { run: 'web' } },
    spec: {
      volumes: [{ name: 'data', emptyDir: {} }],
      containers: [{
        name: 'web', image: 'nginx:1.27', command: ['nginx'], args: ['-g', 'daemon off;'],
        ports: [{ containerPort: 80, protocol: 'TCP' }],
        env: [
          { name: 'A', value: '1' },
          { name: 'POD', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
          { name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '0' } } },
        ],
        resources: { limits: { cpu: '500m' }, requests: { memory: '64Mi' } },
        volumeMounts: [{ name: 'data', mountPath: '/data' }],
        readinessProbe: { httpGet: { path: '/', port: 80, scheme: 'HTTP' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 },
        imagePullPolicy: 'IfNotPresent',
      }],
      restartPolicy: 'Never',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      nodeName: 'node-1',
      tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule' }],
    },
    status: {},
  });
});

test('EndpointSlice: pointer fields survive, empty required lists are null', () => {
  const b = body('discovery.k8s.io/v1', 'EndpointSlice', 'EndpointSlice', {
    metadata: goMeta({ name: 'web-abc', namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } }),
    addressType: 'IPv4',
    endpoints: [{ addresses: ['10.0.0.5'], conditions: { ready: true, serving: true, terminating: false }, nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'default', name: 'web-1', uid: 'u', apiVersion: '', resourceVersion: '', fieldPath: '' } }],
    ports: [{ name: '', protocol: 'TCP', port: 8080 }],
  });
  assert.deepEqual(decodeKubernetesProtobuf(b), {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'web-abc', namespace: 'default', creationTimestamp: null, labels: { 'kubernetes.io/service-name': 'web' } },
    addressType: 'IPv4',
    endpoints: [{
      addresses: ['10.0.0.5'], conditions: { ready: true, serving: true, terminating: false },
      targetRef: { kind: 'Pod', namespace: 'default', name: 'web-1', uid: 'u' }, nodeName: 'n1',
    }],
    ports: [{ name: '', protocol: 'TCP', port: 8080 }],
  });
  const empty = body('discovery.k8s.io/v1', 'EndpointSlice', 'EndpointSlice', { metadata: goMeta({ name: 'e' }), addressType: 'IPv4' });
  assert.equal(decodeKubernetesProtobuf(empty).endpoints, null);
});

test('Event with MicroTime, Endpoints, Binding and Node', () => {
  const ev = decodeKubernetesProtobuf(body('v1', 'Event', 'Event', {
    metadata: goMeta({ name: 'e1', namespace: 'default' }),
    involvedObject: { kind: 'Pod', name: 'web' }, reason: 'Started', message: 'ok', source: { component: '', host: '' },
    firstTimestamp: {}, lastTimestamp: {}, count: 0, type: 'Normal',
    eventTime: { seconds: 1714564800, nanos: 123456789 }, action: '', reportingComponent: 'kubelet', reportingInstance: '',
  }));
  assert.deepEqual(ev, {
    apiVersion: 'v1', kind: 'Event', metadata: { name: 'e1', namespace: 'default', creationTimestamp: null },
    involvedObject: { kind: 'Pod', name: 'web' }, reason: 'Started', message: 'ok', source: {},
    firstTimestamp: null, lastTimestamp: null, type: 'Normal', eventTime: '2024-05-01T12:00:00.123456Z',
    reportingComponent: 'kubelet', reportingInstance: '',
  });
  const ep = decodeKubernetesProtobuf(body('v1', 'Endpoints', 'Endpoints', {
    metadata: goMeta({ name: 'web' }),
    subsets: [{ addresses: [{ ip: '10.0.0.5', hostname: '', nodeName: 'n1' }], ports: [{ name: '', port: 8080, protocol: 'TCP' }] }],
  }));
  assert.deepEqual(ep.subsets, [{ addresses: [{ ip: '10.0.0.5', nodeName: 'n1' }], ports: [{ port: 8080, protocol: 'TCP' }] }]);
  const binding = decodeKubernetesProtobuf(body('v1', 'Binding', 'Binding', {
    metadata: goMeta({ name: 'web', namespace: 'default' }), target: { kind: 'Node', name: 'n1', apiVersion: 'v1' },
  }));
  assert.deepEqual(binding.target, { kind: 'Node', name: 'n1', apiVersion: 'v1' });
  const node = decodeKubernetesProtobuf(body('v1', 'Node', 'Node', {
    metadata: goMeta({ name: 'n1' }),
    spec: { unschedulable: true, taints: [{ key: 'node.kubernetes.io/unschedulable', value: '', effect: 'NoSchedule' }] },
    status: { capacity: { cpu: { string: '4' } }, addresses: [{ type: 'InternalIP', address: '192.168.0.2' }], daemonEndpoints: { kubeletEndpoint: { Port: 10250 } } },
  }));
  assert.deepEqual(node.spec, { unschedulable: true, taints: [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }] });
  assert.deepEqual((node.status as Record<string, unknown>).daemonEndpoints, { kubeletEndpoint: { Port: 10250 } });
  assert.deepEqual((node.status as Record<string, unknown>).capacity, { cpu: '4' });
});

test('kubectl auth can-i and auth whoami bodies', () => {
  const ssar = body('authorization.k8s.io/v1', 'SelfSubjectAccessReview', 'SelfSubjectAccessReview', {
    metadata: goMeta({}),
    spec: { resourceAttributes: { namespace: 'default', verb: 'create', group: '', version: '', resource: 'pods', subresource: '', name: '' } },
    status: { allowed: false, denied: false, reason: '', evaluationError: '' },
  });
  assert.deepEqual(decodeKubernetesProtobuf(ssar), {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    metadata: { creationTimestamp: null },
    spec: { resourceAttributes: { namespace: 'default', verb: 'create', resource: 'pods' } },
    status: { allowed: false },
  });
  const ssr = body('authentication.k8s.io/v1', 'SelfSubjectReview', 'SelfSubjectReview', {
    metadata: goMeta({}), status: { userInfo: { username: '', uid: '', extra: { scopes: { items: ['a'] } } } },
  });
  assert.deepEqual(decodeKubernetesProtobuf(ssr), {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'SelfSubjectReview',
    metadata: { creationTimestamp: null },
    status: { userInfo: { extra: { scopes: ['a'] } } },
  });
});

test('malformed bodies are 400 BadRequest', () => {
  const good = body('v1', 'Namespace', 'Namespace', { metadata: goMeta({ name: 'demo' }) });
  assertBadRequest(() => decodeKubernetesProtobuf(new Uint8Array()), /does not appear to be a protobuf message, expected prefix \[107 56 115 0\]/);
  assertBadRequest(() => decodeKubernetesProtobuf(new TextEncoder().encode('{"kind":"Namespace"}')), /expected prefix/);
  assertBadRequest(() => decodeKubernetesProtobuf(good.subarray(0, good.length - 3)), /failed to decode protobuf/);
  const t = protobufMessageType('Namespace');
  const truncatedRaw = t.encode(t.fromObject({ metadata: goMeta({ name: 'demo' }) })).finish();
  assertBadRequest(
    () => decodeKubernetesProtobuf(encodeKubernetesProtobuf('v1', 'Namespace', truncatedRaw.subarray(0, truncatedRaw.length - 2))),
    /failed to decode protobuf Namespace/,
  );
  assertBadRequest(() => decodeKubernetesProtobuf(Uint8Array.of(0x6b, 0x38, 0x73, 0x00, 0xff, 0xff)), /failed to decode/);
  assertBadRequest(() => decodeKubernetesProtobuf(encodeKubernetesProtobuf('v1', 'ConfigMap', new Uint8Array())), /no kind "ConfigMap" is registered for version "v1"/);
  assertBadRequest(() => decodeKubernetesProtobuf(encodeKubernetesProtobuf('apps/v1', 'Service', new Uint8Array())), /no kind "Service"/);
  assertBadRequest(() => decodeKubernetesProtobuf(encodeKubernetesProtobuf('', '', new Uint8Array())), /Kind/);
});
