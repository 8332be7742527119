import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadSchemas } from './schema.js';
import { strictDecodingError } from './schema-validator.js';

const set = loadSchemas();

const NGINX_POD = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web', namespace: 'default', labels: { app: 'web' }, annotations: { note: 'x' } },
  spec: {
    serviceAccountName: 'default',
    terminationGracePeriodSeconds: 30,
    securityContext: { runAsNonRoot: true, runAsUser: 101, fsGroup: 101, seccompProfile: { type: 'RuntimeDefault' } },
    affinity: {
      nodeAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: {
          nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/os', operator: 'In', values: ['linux'] }] }],
        },
      },
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [
          { weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { app: 'web' } } } },
        ],
      },
    },
    tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
    topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { app: 'web' } } }],
    initContainers: [{ name: 'init', image: 'busybox', command: ['sh', '-c', 'true'] }],
    containers: [
      {
        name: 'nginx',
        image: 'nginx:1.27',
        imagePullPolicy: 'IfNotPresent',
        ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }],
        env: [
          { name: 'MODE', value: 'prod' },
          { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
          { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'creds', key: 'password', optional: false } } },
          { name: 'LEVEL', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'level' } } },
          { name: 'MEM', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
        ],
        envFrom: [{ configMapRef: { name: 'cfg' }, prefix: 'CFG_' }],
        resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: 1, memory: '128Mi' } },
        livenessProbe: { httpGet: { path: '/healthz', port: 'http', httpHeaders: [{ name: 'X', value: 'y' }] }, initialDelaySeconds: 5, periodSeconds: 10 },
        readinessProbe: { tcpSocket: { port: 80 }, failureThreshold: 3 },
        startupProbe: { exec: { command: ['cat', '/tmp/ready'] } },
        lifecycle: { preStop: { exec: { command: ['nginx', '-s', 'quit'] } } },
        securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
        volumeMounts: [
          { name: 'conf', mountPath: '/etc/nginx/conf.d', readOnly: true },
          { name: 'cache', mountPath: '/var/cache/nginx' },
          { name: 'tls', mountPath: '/etc/tls' },
        ],
      },
    ],
    volumes: [
      { name: 'conf', configMap: { name: 'nginx-conf', items: [{ key: 'default.conf', path: 'default.conf' }], defaultMode: 420 } },
      { name: 'cache', emptyDir: { sizeLimit: '1Gi' } },
      { name: 'tls', secret: { secretName: 'tls', optional: true } },
    ],
  },
};

test('every served kind and its list resolves to a definition', () => {
  const kinds: Array<[string, string]> = [
    ['', 'Namespace'], ['', 'Pod'], ['', 'Service'], ['', 'Endpoints'], ['', 'Node'], ['', 'Event'], ['', 'Binding'],
    ['', 'Status'], ['', 'DeleteOptions'], ['discovery.k8s.io', 'EndpointSlice'],
  ];
  for (const [group, kind] of kinds) {
    assert.ok(set.definitionFor(group, 'v1', kind)?.endsWith(`.${kind}`), kind);
    if (!['Binding', 'Status', 'DeleteOptions'].includes(kind)) {
      assert.ok(set.definitionFor(group, 'v1', `${kind}List`)?.endsWith(`.${kind}List`), `${kind}List`);
    }
  }
  assert.equal(set.definitionFor('', 'v1', 'EndpointSlice'), undefined);
});

test('a realistic nginx Pod has no unknown fields and no type errors', () => {
  assert.deepEqual(set.unknownFields(NGINX_POD, '', 'v1', 'Pod'), []);
  assert.deepEqual(set.typeErrors(NGINX_POD, '', 'v1', 'Pod'), []);
});

test('unknown fields are reported with kube paths in document order', () => {
  const cases: Array<{ kind: string; group?: string; obj: unknown; want: string[] }> = [
    { kind: 'Service', obj: { kind: 'Service', apiVersion: 'v1', metadata: { labelz: {} }, spec: { foo: 1, ports: [{ port: 80 }, { port: 81, bar: 1 }] } }, want: ['metadata.labelz', 'spec.foo', 'spec.ports[1].bar'] },
    { kind: 'Pod', obj: { spec: { containers: [{ name: 'a', imagePullPolice: 'x' }], volumes: [{ name: 'v', gitRepo: { anything: 1 } }] } }, want: ['spec.containers[0].imagePullPolice'] },
    { kind: 'Endpoints', obj: { subsets: [{ addresses: [{ ip: '1.2.3.4', zone: 'a' }] }] }, want: ['subsets[0].addresses[0].zone'] },
    { kind: 'EndpointSlice', group: 'discovery.k8s.io', obj: { addressType: 'IPv4', endpoints: [{ addresses: ['1.1.1.1'], conditions: { ready: true, up: true } }] }, want: ['endpoints[0].conditions.up'] },
    { kind: 'Node', obj: { metadata: { managedFields: [{ fieldsV1: { 'f:spec': {} } }] }, status: { nodeInfo: { kernel: 'x' } } }, want: ['status.nodeInfo.kernel'] },
  ];
  for (const c of cases) assert.deepEqual(set.unknownFields(c.obj, c.group ?? '', 'v1', c.kind), c.want, c.kind);
});

test('pruneUnknownFields drops exactly the unknown fields and leaves the input alone', () => {
  const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { foo: 1, ports: [{ port: 80, bar: 2 }] } };
  const pruned = set.pruneUnknownFields(svc, '', 'v1', 'Service');
  assert.deepEqual(pruned, { apiVersion: 'v1', kind: 'Service', metadata: { name: 's' }, spec: { ports: [{ port: 80 }] } });
  assert.equal(svc.spec.foo, 1);
});

test('patchMeta carries upstream merge keys and list types', () => {
  const pod = set.patchMeta('', 'v1', 'Pod');
  const spec = pod.field('spec');
  const container = spec.field('containers').items();
  const rows: Array<[string, ReturnType<typeof set.patchMeta>, string | undefined, string | undefined, string[] | undefined]> = [
    ['containers', spec.field('containers'), 'merge', 'name', ['name']],
    ['initContainers', spec.field('initContainers'), 'merge', 'name', ['name']],
    ['ephemeralContainers', spec.field('ephemeralContainers'), 'merge', 'name', ['name']],
    ['volumes', spec.field('volumes'), 'merge,retainKeys', 'name', ['name']],
    ['imagePullSecrets', spec.field('imagePullSecrets'), 'merge', 'name', ['name']],
    ['hostAliases', spec.field('hostAliases'), 'merge', 'ip', ['ip']],
    ['topologySpreadConstraints', spec.field('topologySpreadConstraints'), 'merge', 'topologyKey', ['topologyKey', 'whenUnsatisfiable']],
    ['container ports', container.field('ports'), 'merge', 'containerPort', ['containerPort', 'protocol']],
    ['env', container.field('env'), 'merge', 'name', ['name']],
    ['volumeMounts', container.field('volumeMounts'), 'merge', 'mountPath', ['mountPath']],
    ['pod conditions', pod.field('status').field('conditions'), 'merge', 'type', ['type']],
    ['service ports', set.patchMeta('', 'v1', 'Service').field('spec').field('ports'), 'merge', 'port', ['port', 'protocol']],
    ['service conditions', set.patchMeta('', 'v1', 'Service').field('status').field('conditions'), 'merge', 'type', ['type']],
    ['node conditions', set.patchMeta('', 'v1', 'Node').field('status').field('conditions'), 'merge', 'type', ['type']],
    ['node addresses', set.patchMeta('', 'v1', 'Node').field('status').field('addresses'), 'merge', 'type', undefined],
    ['namespace conditions', set.patchMeta('', 'v1', 'Namespace').field('status').field('conditions'), 'merge', 'type', ['type']],
    ['ownerReferences', pod.field('metadata').field('ownerReferences'), 'merge', 'uid', ['uid']],
  ];
  for (const [what, meta, strategy, key, mapKeys] of rows) {
    assert.equal(meta.patchStrategy, strategy, what);
    assert.equal(meta.patchMergeKey, key, what);
    assert.deepEqual(meta.listMapKeys, mapKeys, what);
  }
  assert.equal(spec.field('tolerations').listType, 'atomic');
  assert.equal(spec.field('tolerations').patchStrategy, undefined);
  assert.equal(set.patchMeta('', 'v1', 'Endpoints').field('subsets').listType, 'atomic');
  assert.equal(set.patchMeta('', 'v1', 'Node').field('spec').field('taints').listType, 'atomic');
  const finalizers = pod.field('metadata').field('finalizers');
  assert.deepEqual([finalizers.listType, finalizers.patchStrategy], ['set', 'merge']);
  assert.equal(set.patchMeta('', 'v1', 'Service').field('spec').field('selector').mapType, 'atomic');
  assert.equal(spec.field('affinity').field('nodeAffinity').field('requiredDuringSchedulingIgnoredDuringExecution').mapType, 'atomic');
  assert.equal(set.patchMeta('', 'v1', 'Nope').field('spec').patchStrategy, undefined);
});

test('typeErrors reports Go decoder messages', () => {
  const cases: Array<{ kind: string; obj: unknown; want: string[] }> = [
    { kind: 'Service', obj: { spec: { ports: [{ port: '80' }] } }, want: ['json: cannot unmarshal string into Go struct field ServicePort.spec.ports.port of type int32'] },
    { kind: 'Service', obj: { spec: { ports: [{ port: 80, targetPort: true }] } }, want: ['json: cannot unmarshal bool into Go struct field ServicePort.spec.ports.targetPort of type int32'] },
    { kind: 'Service', obj: { spec: 'x' }, want: ['json: cannot unmarshal string into Go struct field Service.spec of type v1.ServiceSpec'] },
    { kind: 'Service', obj: { spec: { ports: {} } }, want: ['json: cannot unmarshal object into Go struct field ServiceSpec.spec.ports of type []v1.ServicePort'] },
    { kind: 'Pod', obj: { metadata: { labels: { a: 1 } } }, want: ['json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string'] },
    { kind: 'Pod', obj: { spec: { terminationGracePeriodSeconds: 1.5 } }, want: ['json: cannot unmarshal number 1.5 into Go struct field PodSpec.spec.terminationGracePeriodSeconds of type int64'] },
    { kind: 'Pod', obj: { spec: { containers: [{ name: 'a', resources: { limits: { cpu: 'lots' } } }] } }, want: ["quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"] },
    { kind: 'Pod', obj: { metadata: { name: 'x', labels: null }, spec: { nodeName: null } }, want: [] },
  ];
  for (const c of cases) assert.deepEqual(set.typeErrors(c.obj, '', 'v1', c.kind), c.want, JSON.stringify(c.obj));
});

test('decodeError is a 400 naming the kind and version', () => {
  const err = set.decodeError({ spec: { ports: [{ port: '80' }] } }, { group: '', version: 'v1', kind: 'Service' });
  assert.equal(err?.code, 400);
  assert.equal(err?.status.reason, 'BadRequest');
  assert.equal(
    err?.status.message,
    'Service in version "v1" cannot be handled as a Service: json: cannot unmarshal string into Go struct field ServicePort.spec.ports.port of type int32',
  );
  assert.equal(set.decodeError({ spec: { ports: [{ port: 80 }] } }, { group: '', version: 'v1', kind: 'Service' }), undefined);
});

test('strictDecodingError joins unknown fields like kube', () => {
  const err = strictDecodingError({ version: 'v1', kind: 'Service' }, ['spec.foo', 'spec.bar']);
  assert.equal(err.code, 400);
  assert.equal(
    err.status.message,
    'Service in version "v1" cannot be handled as a Service: strict decoding error: unknown field "spec.foo", unknown field "spec.bar"',
  );
});

test('every schema and property has a description', () => {
  for (const [name, s] of Object.entries(set.schemas)) {
    assert.ok(s.description, name);
    for (const [prop, p] of Object.entries(s.properties ?? {})) assert.ok(p.description, `${name}.${prop}`);
  }
});
