/**
 * Builds the /openapi/v3 index and group-version documents and the /openapi/v2 protobuf from
 * the served resources and the schemas in openapi/. Pure: no Fastify, no I/O; documents are
 * computed once per OpenAPIDocuments instance.
 */
import { createHash } from 'node:crypto';
import protobuf from 'protobufjs';
import type { SchemaSet, OpenAPISchema } from '../registry/schema.js';

/** A served resource as the installer knows it. */
export interface ServedResource {
  group: string;
  version: string;
  kind: string;
  /** URL plural, e.g. `services`. */
  plural: string;
  namespaced: boolean;
  /** Kube verbs: get, list, watch, create, update, patch, delete, deletecollection. */
  verbs: string[];
  /** e.g. ['status'], ['binding', 'status'], ['finalize', 'status']. */
  subresources: string[];
}

export const KUBERNETES_VERSION = 'v1.33.0';
const REF = '#/components/schemas/';
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';
const PATCH_TYPES = [
  'application/apply-patch+yaml',
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
];
const WRITE_PARAMS = ['dryRun', 'fieldManager', 'fieldValidation'];
const LIST_PARAMS = [
  'allowWatchBookmarks', 'continue', 'fieldSelector', 'labelSelector', 'limit',
  'resourceVersion', 'resourceVersionMatch', 'sendInitialEvents', 'timeoutSeconds', 'watch',
];
const DELETE_PARAMS = ['dryRun', 'gracePeriodSeconds', 'ignoreStoreReadErrorWithClusterBreakingPotential', 'orphanDependents', 'propagationPolicy'];
const INTEGER_PARAMS = new Set(['gracePeriodSeconds', 'limit', 'timeoutSeconds']);
const BOOLEAN_PARAMS = new Set(['allowWatchBookmarks', 'force', 'ignoreStoreReadErrorWithClusterBreakingPotential', 'orphanDependents', 'sendInitialEvents', 'watch']);

/** `api/v1` or `apis/discovery.k8s.io/v1`. */
export function groupVersionPath(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}

/** `CoreV1`, `DiscoveryV1`: the operationId infix upstream uses. */
function operationGroup(group: string, version: string): string {
  const g = group === '' ? 'core' : group.split('.')[0]!;
  const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
  return `${cap(g)}${cap(version)}`;
}

function queryParam(name: string): object {
  const type = INTEGER_PARAMS.has(name) ? 'integer' : BOOLEAN_PARAMS.has(name) ? 'boolean' : 'string';
  return { name, in: 'query', description: `The ${name} query parameter.`, schema: { type, uniqueItems: true } };
}

const pathParam = (name: string): object => ({
  name, in: 'path', required: true, description: `The ${name} of the object.`, schema: { type: 'string', uniqueItems: true },
});

function jsonResponse(description: string, ref: string): object {
  return { description, content: { 'application/json': { schema: { $ref: `${REF}${ref}` } } } };
}

interface OperationSpec {
  action: string;
  id: string;
  gvk: { group: string; version: string; kind: string };
  params: string[];
  body?: { ref: string; types: string[] };
  response: string;
  created?: boolean;
}

function operation(op: OperationSpec, tag: string): object {
  const out: Record<string, unknown> = {
    tags: [tag],
    description: `${op.action} ${op.gvk.kind}`,
    operationId: op.id,
    parameters: op.params.map(queryParam),
    responses: {
      '200': jsonResponse('OK', op.response),
      ...(op.created ? { '201': jsonResponse('Created', op.response), '202': jsonResponse('Accepted', op.response) } : {}),
      '401': { description: 'Unauthorized' },
    },
    'x-kubernetes-action': op.action,
    'x-kubernetes-group-version-kind': op.gvk,
  };
  if (op.body) {
    out.requestBody = {
      content: Object.fromEntries(op.body.types.map((t) => [t, { schema: { $ref: `${REF}${op.body!.ref}` } }])),
      required: op.action !== 'delete' && op.action !== 'deletecollection',
    };
  }
  return out;
}

type PathItem = Record<string, unknown>;

/** The paths of one resource: collection, item, cluster-wide list, watch and subresources. */
function resourcePaths(r: ServedResource, def: string, list: string | undefined): Record<string, PathItem> {
  const gv = `/${groupVersionPath(r.group, r.version)}`;
  const tag = `${r.group === '' ? 'core' : r.group.split('.')[0]}_${r.version}`;
  const gvk = { group: r.group, version: r.version, kind: r.kind };
  const og = operationGroup(r.group, r.version);
  const scope = r.namespaced ? 'Namespaced' : '';
  const base = r.namespaced ? `${gv}/namespaces/{namespace}/${r.plural}` : `${gv}/${r.plural}`;
  const nsParams = r.namespaced ? [pathParam('namespace')] : [];
  const has = (v: string): boolean => r.verbs.includes(v);
  const paths: Record<string, PathItem> = {};
  const item = (extra: object[]): PathItem => ({ parameters: [pathParam('name'), ...nsParams, ...extra] });
  const pretty = queryParam('pretty');
  const listRef = list ?? `${META}Status`;

  const coll: PathItem = { parameters: [...nsParams, pretty] };
  if (has('list')) coll.get = operation({ action: 'list', id: `list${og}${scope}${r.kind}`, gvk, params: LIST_PARAMS, response: listRef }, tag);
  if (has('create')) {
    coll.post = operation({ action: 'post', id: `create${og}${scope}${r.kind}`, gvk, params: WRITE_PARAMS, body: { ref: def, types: ['*/*'] }, response: def, created: true }, tag);
  }
  if (has('deletecollection')) {
    coll.delete = operation({ action: 'deletecollection', id: `delete${og}Collection${scope}${r.kind}`, gvk, params: [...LIST_PARAMS, ...DELETE_PARAMS], body: { ref: `${META}DeleteOptions`, types: ['*/*'] }, response: `${META}Status` }, tag);
  }
  if (Object.keys(coll).length > 1) paths[base] = coll;

  const one: PathItem = item([pretty]);
  if (has('get')) one.get = operation({ action: 'get', id: `read${og}${scope}${r.kind}`, gvk, params: [], response: def }, tag);
  if (has('update')) one.put = operation({ action: 'put', id: `replace${og}${scope}${r.kind}`, gvk, params: WRITE_PARAMS, body: { ref: def, types: ['*/*'] }, response: def, created: true }, tag);
  if (has('patch')) {
    one.patch = operation({ action: 'patch', id: `patch${og}${scope}${r.kind}`, gvk, params: [...WRITE_PARAMS, 'force'], body: { ref: `${META}Patch`, types: PATCH_TYPES }, response: def, created: true }, tag);
  }
  if (has('delete')) {
    one.delete = operation({ action: 'delete', id: `delete${og}${scope}${r.kind}`, gvk, params: DELETE_PARAMS, body: { ref: `${META}DeleteOptions`, types: ['*/*'] }, response: `${META}Status`, created: true }, tag);
  }
  if (Object.keys(one).length > 1) paths[`${base}/{name}`] = one;

  if (r.namespaced && has('list')) {
    paths[`${gv}/${r.plural}`] = {
      parameters: [pretty],
      get: operation({ action: 'list', id: `list${og}${r.kind}ForAllNamespaces`, gvk, params: LIST_PARAMS, response: listRef }, tag),
    };
  }
  if (has('watch')) {
    const wbase = r.namespaced ? `${gv}/watch/namespaces/{namespace}/${r.plural}` : `${gv}/watch/${r.plural}`;
    const watch = (id: string): object => operation({ action: 'watch', id, gvk, params: LIST_PARAMS, response: `${META}WatchEvent` }, tag);
    paths[wbase] = { parameters: [...nsParams, pretty], get: watch(`watch${og}${scope}${r.kind}List`) };
    paths[`${wbase}/{name}`] = { ...item([pretty]), get: watch(`watch${og}${scope}${r.kind}`) };
    if (r.namespaced) paths[`${gv}/watch/${r.plural}`] = { parameters: [pretty], get: watch(`watch${og}${r.kind}ListForAllNamespaces`) };
  }

  for (const sub of r.subresources) {
    const Sub = sub.charAt(0).toUpperCase() + sub.slice(1);
    const p: PathItem = item([pretty]);
    if (sub === 'status') {
      p.get = operation({ action: 'get', id: `read${og}${scope}${r.kind}Status`, gvk, params: [], response: def }, tag);
      p.put = operation({ action: 'put', id: `replace${og}${scope}${r.kind}Status`, gvk, params: WRITE_PARAMS, body: { ref: def, types: ['*/*'] }, response: def, created: true }, tag);
      p.patch = operation({ action: 'patch', id: `patch${og}${scope}${r.kind}Status`, gvk, params: [...WRITE_PARAMS, 'force'], body: { ref: `${META}Patch`, types: PATCH_TYPES }, response: def, created: true }, tag);
    } else if (sub === 'binding') {
      const bgvk = { group: r.group, version: r.version, kind: 'Binding' };
      p.post = operation({ action: 'post', id: `create${og}${scope}${r.kind}Binding`, gvk: bgvk, params: WRITE_PARAMS, body: { ref: 'io.k8s.api.core.v1.Binding', types: ['*/*'] }, response: 'io.k8s.api.core.v1.Binding', created: true }, tag);
    } else if (sub === 'finalize') {
      p.put = operation({ action: 'put', id: `replace${og}${scope}${r.kind}${Sub}`, gvk, params: WRITE_PARAMS, body: { ref: def, types: ['*/*'] }, response: def, created: true }, tag);
    } else {
      continue;
    }
    paths[`${base}/{name}/${sub}`] = p;
  }
  return paths;
}

/** The definitions reachable from `roots`, sorted by name. */
function closure(roots: string[], set: SchemaSet): Record<string, OpenAPISchema> {
  const seen = new Set<string>();
  const stack = [...roots];
  while (stack.length > 0) {
    const name = stack.pop()!;
    if (seen.has(name) || set.schemas[name] === undefined) continue;
    seen.add(name);
    JSON.stringify(set.schemas[name], (key, value: unknown) => {
      if (key === '$ref' && typeof value === 'string') stack.push(value.slice(REF.length));
      return value;
    });
  }
  return Object.fromEntries([...seen].sort().map((n) => [n, set.schemas[n]!]));
}

const sha512Hex = (body: string): string => createHash('sha512').update(body).digest('hex').toUpperCase();

/** The OpenAPI 3.0 document of one group-version, or undefined when nothing is served there. */
export function openapiV3Document(gvPath: string, resources: readonly ServedResource[], set: SchemaSet): { body: string; etag: string } | undefined {
  const mine = resources.filter((r) => groupVersionPath(r.group, r.version) === gvPath);
  if (mine.length === 0) return undefined;
  const paths: Record<string, PathItem> = {};
  const roots = [`${META}Status`, `${META}DeleteOptions`, `${META}Patch`, `${META}WatchEvent`];
  for (const r of mine) {
    const def = set.definitionFor(r.group, r.version, r.kind);
    if (def === undefined) continue;
    const list = set.definitionFor(r.group, r.version, `${r.kind}List`);
    roots.push(def, ...(list ? [list] : []));
    if (r.subresources.includes('binding')) roots.push('io.k8s.api.core.v1.Binding');
    Object.assign(paths, resourcePaths(r, def, list));
  }
  const doc = {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: KUBERNETES_VERSION },
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
    components: {
      schemas: closure(roots, set),
      securitySchemes: { BearerToken: { type: 'apiKey', description: 'Bearer token authentication', name: 'authorization', in: 'header' } },
    },
    security: [{ BearerToken: [] }],
  };
  const body = JSON.stringify(doc);
  return { body, etag: sha512Hex(body) };
}

/** `{paths: {"api/v1": {serverRelativeURL: "/openapi/v3/api/v1?hash=…"}}}`. */
export function openapiV3Index(resources: readonly ServedResource[], set: SchemaSet): { paths: Record<string, { serverRelativeURL: string }> } {
  const gvs = [...new Set(resources.map((r) => groupVersionPath(r.group, r.version)))].sort();
  const paths: Record<string, { serverRelativeURL: string }> = {};
  for (const gv of gvs) {
    const doc = openapiV3Document(gv, resources, set);
    if (doc) paths[gv] = { serverRelativeURL: `/openapi/v3/${gv}?hash=${doc.etag}` };
  }
  return { paths };
}

// The slice of gnostic's openapi_v2 messages (google/gnostic openapiv2/OpenAPIv2.proto) that
// kubectl's field-validation check reads: paths → patch operation → GVK extension + query params.
const V2_PROTO = {
  nested: {
    openapi: {
      nested: {
        v2: {
          nested: {
            Document: { fields: { swagger: { type: 'string', id: 1 }, info: { type: 'Info', id: 2 }, paths: { type: 'Paths', id: 8 } } },
            Info: { fields: { title: { type: 'string', id: 1 }, version: { type: 'string', id: 2 } } },
            Paths: { fields: { path: { rule: 'repeated', type: 'NamedPathItem', id: 2 } } },
            NamedPathItem: { fields: { name: { type: 'string', id: 1 }, value: { type: 'PathItem', id: 2 } } },
            PathItem: { fields: { patch: { type: 'Operation', id: 8 } } },
            Operation: {
              fields: {
                tags: { rule: 'repeated', type: 'string', id: 1 },
                operationId: { type: 'string', id: 5 },
                parameters: { rule: 'repeated', type: 'ParametersItem', id: 8 },
                responses: { type: 'Responses', id: 9 },
                vendorExtension: { rule: 'repeated', type: 'NamedAny', id: 13 },
              },
            },
            ParametersItem: { fields: { parameter: { type: 'Parameter', id: 1 } } },
            Parameter: { fields: { nonBodyParameter: { type: 'NonBodyParameter', id: 2 } } },
            NonBodyParameter: { fields: { queryParameterSubSchema: { type: 'QueryParameterSubSchema', id: 3 } } },
            QueryParameterSubSchema: {
              fields: {
                in: { type: 'string', id: 2 },
                description: { type: 'string', id: 3 },
                name: { type: 'string', id: 4 },
                type: { type: 'string', id: 6 },
                uniqueItems: { type: 'bool', id: 20 },
              },
            },
            Responses: { fields: { responseCode: { rule: 'repeated', type: 'NamedResponseValue', id: 1 } } },
            NamedResponseValue: { fields: { name: { type: 'string', id: 1 }, value: { type: 'ResponseValue', id: 2 } } },
            ResponseValue: { fields: { response: { type: 'Response', id: 1 } } },
            Response: { fields: { description: { type: 'string', id: 1 } } },
            NamedAny: { fields: { name: { type: 'string', id: 1 }, value: { type: 'Any', id: 2 } } },
            Any: { fields: { yaml: { type: 'string', id: 2 } } },
          },
        },
      },
    },
  },
};

interface V3Operation {
  operationId: string;
  tags: string[];
  parameters: Array<{ name: string; schema: { type: string } }>;
  'x-kubernetes-group-version-kind': { group: string; version: string; kind: string };
}

/**
 * The /openapi/v2 answer: a gnostic `openapi.v2.Document` (swagger 2.0) carrying every PATCH
 * operation with its x-kubernetes-group-version-kind and query parameters, so kubectl 1.27+
 * sees that the server validates fields. It holds no definitions: kubectl then validates
 * nothing client-side and takes patch metadata from its built-in types.
 */
export function openapiV2Protobuf(resources: readonly ServedResource[], set: SchemaSet): Buffer {
  const Document = protobuf.Root.fromJSON(V2_PROTO).lookupType('openapi.v2.Document');
  const path: object[] = [];
  for (const gv of [...new Set(resources.map((r) => groupVersionPath(r.group, r.version)))].sort()) {
    const doc = openapiV3Document(gv, resources, set);
    if (!doc) continue;
    const parsed = JSON.parse(doc.body) as { paths: Record<string, { patch?: V3Operation }> };
    for (const [name, item] of Object.entries(parsed.paths)) {
      if (!item.patch) continue;
      const gvk = item.patch['x-kubernetes-group-version-kind'];
      path.push({
        name,
        value: {
          patch: {
            tags: item.patch.tags,
            operationId: item.patch.operationId,
            parameters: item.patch.parameters.map((p) => ({
              parameter: { nonBodyParameter: { queryParameterSubSchema: { in: 'query', name: p.name, type: p.schema.type, uniqueItems: true } } },
            })),
            responses: { responseCode: [{ name: '200', value: { response: { description: 'OK' } } }] },
            vendorExtension: [
              { name: 'x-kubernetes-action', value: { yaml: 'patch\n' } },
              { name: 'x-kubernetes-group-version-kind', value: { yaml: `group: "${gvk.group}"\nkind: ${gvk.kind}\nversion: ${gvk.version}\n` } },
            ],
          },
        },
      });
    }
  }
  const message = Document.fromObject({ swagger: '2.0', info: { title: 'Kubernetes', version: KUBERNETES_VERSION }, paths: { path } });
  return Buffer.from(Document.encode(message).finish());
}

/** All OpenAPI documents of one server, computed once (the served set never changes at runtime). */
export class OpenAPIDocuments {
  readonly #resources: readonly ServedResource[];
  readonly #set: SchemaSet;
  readonly #v3 = new Map<string, { body: string; etag: string } | undefined>();
  #index: object | undefined;
  #v2: Buffer | undefined;

  constructor(resources: readonly ServedResource[], set: SchemaSet) {
    this.#resources = resources;
    this.#set = set;
  }

  v3Index(): object {
    if (this.#index === undefined) {
      const paths: Record<string, { serverRelativeURL: string }> = {};
      for (const gv of [...new Set(this.#resources.map((r) => groupVersionPath(r.group, r.version)))].sort()) {
        const doc = this.v3Document(gv);
        if (doc) paths[gv] = { serverRelativeURL: `/openapi/v3/${gv}?hash=${doc.etag}` };
      }
      this.#index = { paths };
    }
    return this.#index;
  }

  v3Document(gvPath: string): { body: string; etag: string } | undefined {
    if (!this.#v3.has(gvPath)) this.#v3.set(gvPath, openapiV3Document(gvPath, this.#resources, this.#set));
    return this.#v3.get(gvPath);
  }

  v2Protobuf(): Buffer {
    this.#v2 ??= openapiV2Protobuf(this.#resources, this.#set);
    return this.#v2;
  }
}
