import { test } from 'node:test';
import assert from 'node:assert/strict';
import protobuf from 'protobufjs';
import { loadSchemas } from '../registry/schema.js';
import type { ServedResource } from './openapi.js';
import { OpenAPIDocuments, openapiV2Protobuf, openapiV3Document, openapiV3Index } from './openapi.js';

const set = loadSchemas();
const ALL = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const RESOURCES: ServedResource[] = [
  { group: '', version: 'v1', kind: 'Namespace', plural: 'namespaces', namespaced: false, verbs: ALL.filter((v) => v !== 'deletecollection'), subresources: ['finalize', 'status'] },
  { group: '', version: 'v1', kind: 'Pod', plural: 'pods', namespaced: true, verbs: ALL, subresources: ['binding', 'status'] },
  { group: '', version: 'v1', kind: 'Service', plural: 'services', namespaced: true, verbs: ALL, subresources: ['status'] },
  { group: '', version: 'v1', kind: 'Endpoints', plural: 'endpoints', namespaced: true, verbs: ALL, subresources: [] },
  { group: '', version: 'v1', kind: 'Node', plural: 'nodes', namespaced: false, verbs: ALL, subresources: ['status'] },
  { group: '', version: 'v1', kind: 'Event', plural: 'events', namespaced: true, verbs: ALL, subresources: [] },
  { group: 'discovery.k8s.io', version: 'v1', kind: 'EndpointSlice', plural: 'endpointslices', namespaced: true, verbs: ALL, subresources: [] },
];

type Doc = {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, { operationId?: string; parameters?: Array<{ name: string }>; 'x-kubernetes-group-version-kind'?: unknown }>>;
  components: { schemas: Record<string, Record<string, unknown>> };
};

function doc(gv: string): Doc {
  const d = openapiV3Document(gv, RESOURCES, set);
  assert.ok(d, gv);
  return JSON.parse(d.body) as Doc;
}

test('the v3 index lists each group-version with a stable uppercase content hash', () => {
  const index = openapiV3Index(RESOURCES, set);
  assert.deepEqual(Object.keys(index.paths), ['api/v1', 'apis/discovery.k8s.io/v1']);
  const url = index.paths['api/v1']!.serverRelativeURL;
  assert.match(url, /^\/openapi\/v3\/api\/v1\?hash=[0-9A-F]{128}$/);
  assert.equal(url.split('hash=')[1], openapiV3Document('api/v1', RESOURCES, set)!.etag);
  assert.deepEqual(openapiV3Index(RESOURCES, set), index);
  assert.deepEqual(new OpenAPIDocuments(RESOURCES, set).v3Index(), index);
  assert.equal(openapiV3Document('apis/apps/v1', RESOURCES, set), undefined);
});

test('the core/v1 document has every verb path and PATCH operations kubectl recognises', () => {
  const d = doc('api/v1');
  assert.equal(d.openapi, '3.0.0');
  assert.deepEqual(d.info, { title: 'Kubernetes', version: 'v1.33.0' });
  const ops: Array<[string, string, string]> = [
    ['/api/v1/namespaces/{namespace}/services', 'get', 'listCoreV1NamespacedService'],
    ['/api/v1/namespaces/{namespace}/services', 'post', 'createCoreV1NamespacedService'],
    ['/api/v1/namespaces/{namespace}/services', 'delete', 'deleteCoreV1CollectionNamespacedService'],
    ['/api/v1/namespaces/{namespace}/services/{name}', 'get', 'readCoreV1NamespacedService'],
    ['/api/v1/namespaces/{namespace}/services/{name}', 'put', 'replaceCoreV1NamespacedService'],
    ['/api/v1/namespaces/{namespace}/services/{name}', 'patch', 'patchCoreV1NamespacedService'],
    ['/api/v1/namespaces/{namespace}/services/{name}', 'delete', 'deleteCoreV1NamespacedService'],
    ['/api/v1/namespaces/{namespace}/services/{name}/status', 'patch', 'patchCoreV1NamespacedServiceStatus'],
    ['/api/v1/services', 'get', 'listCoreV1ServiceForAllNamespaces'],
    ['/api/v1/watch/namespaces/{namespace}/services', 'get', 'watchCoreV1NamespacedServiceList'],
    ['/api/v1/nodes/{name}', 'patch', 'patchCoreV1Node'],
    ['/api/v1/namespaces/{name}/finalize', 'put', 'replaceCoreV1NamespaceFinalize'],
    ['/api/v1/namespaces/{namespace}/pods/{name}/binding', 'post', 'createCoreV1NamespacedPodBinding'],
  ];
  for (const [path, method, id] of ops) assert.equal(d.paths[path]?.[method]?.operationId, id, `${method} ${path}`);
  const patch = d.paths['/api/v1/namespaces/{namespace}/services/{name}']!.patch!;
  assert.deepEqual(patch['x-kubernetes-group-version-kind'], { group: '', version: 'v1', kind: 'Service' });
  assert.deepEqual(patch.parameters?.map((p) => p.name), ['dryRun', 'fieldManager', 'fieldValidation', 'force']);
  assert.equal(d.paths['/api/v1/namespaces/{namespace}/endpointslices'], undefined);
});

test('components hold the kinds with array GVKs and an explain-style walk resolves', () => {
  const d = doc('api/v1');
  const schemas = d.components.schemas;
  const svcName = Object.keys(schemas).find((n) =>
    (schemas[n]!['x-kubernetes-group-version-kind'] as Array<{ kind: string }> | undefined)?.some((g) => g.kind === 'Service'));
  assert.equal(svcName, 'io.k8s.api.core.v1.Service');
  const follow = (node: Record<string, unknown>): Record<string, unknown> => {
    const allOf = node.allOf as Array<{ $ref: string }> | undefined;
    const ref = (node.$ref as string | undefined) ?? allOf?.[0]?.$ref;
    if (ref === undefined) return node;
    const target = schemas[ref.replace('#/components/schemas/', '')];
    assert.ok(target, ref);
    return target;
  };
  const prop = (node: Record<string, unknown>, name: string): Record<string, unknown> => {
    const p = (node.properties as Record<string, Record<string, unknown>>)[name];
    assert.ok(p, name);
    return p;
  };
  const spec = prop(schemas[svcName]!, 'spec');
  assert.ok(Array.isArray(spec.allOf), 'refs with siblings are allOf-wrapped');
  const ports = prop(follow(spec), 'ports');
  assert.equal(ports.type, 'array');
  assert.deepEqual(ports['x-kubernetes-list-map-keys'], ['port', 'protocol']);
  const port = follow(ports.items as Record<string, unknown>);
  assert.deepEqual(port.required, ['port']);
  const targetPort = follow(prop(port, 'targetPort'));
  assert.equal(targetPort.format, 'int-or-string');
  assert.ok(schemas['io.k8s.api.core.v1.PodSpec'] && schemas['io.k8s.apimachinery.pkg.apis.meta.v1.Status']);
  assert.equal(schemas['io.k8s.api.discovery.v1.EndpointSlice'], undefined);
  assert.ok(doc('apis/discovery.k8s.io/v1').components.schemas['io.k8s.api.discovery.v1.EndpointSlice']);
});

test('the v2 protobuf is a gnostic Document whose PATCH operations carry fieldValidation', () => {
  const buf = openapiV2Protobuf(RESOURCES, set);
  assert.ok(buf.length > 0);
  // decode with the field numbers of gnostic's OpenAPIv2.proto, written independently here
  const root = protobuf.parse(`
    syntax = "proto3"; package t;
    message Document { string swagger = 1; Info info = 2; Paths paths = 8; }
    message Info { string title = 1; string version = 2; }
    message Paths { repeated NamedPathItem path = 2; }
    message NamedPathItem { string name = 1; PathItem value = 2; }
    message PathItem { Operation patch = 8; }
    message Operation { string operation_id = 5; repeated ParametersItem parameters = 8; repeated NamedAny vendor_extension = 13; }
    message ParametersItem { Parameter parameter = 1; }
    message Parameter { NonBodyParameter non_body_parameter = 2; }
    message NonBodyParameter { Query query_parameter_sub_schema = 3; }
    message Query { string in = 2; string name = 4; }
    message NamedAny { string name = 1; Any value = 2; }
    message Any { string yaml = 2; }
  `).root;
  const decoded = root.lookupType('t.Document').toObject(root.lookupType('t.Document').decode(buf)) as {
    swagger: string;
    info: { version: string };
    paths: { path: Array<{ name: string; value: { patch: { operationId: string; parameters: Array<{ parameter: { nonBodyParameter: { queryParameterSubSchema: { name: string } } } }>; vendorExtension: Array<{ name: string; value: { yaml: string } }> } } }> };
  };
  assert.equal(decoded.swagger, '2.0');
  assert.equal(decoded.info.version, 'v1.33.0');
  const svc = decoded.paths.path.find((p) => p.name === '/api/v1/namespaces/{namespace}/services/{name}');
  assert.ok(svc);
  assert.equal(svc.value.patch.operationId, 'patchCoreV1NamespacedService');
  assert.ok(svc.value.patch.parameters.some((p) => p.parameter.nonBodyParameter.queryParameterSubSchema.name === 'fieldValidation'));
  const gvk = svc.value.patch.vendorExtension.find((e) => e.name === 'x-kubernetes-group-version-kind');
  assert.equal(gvk?.value.yaml, 'group: ""\nkind: Service\nversion: v1\n');
  assert.deepEqual(new OpenAPIDocuments(RESOURCES, set).v2Protobuf(), buf);
});
