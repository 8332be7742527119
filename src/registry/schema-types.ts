/** The OpenAPI 3.0 schema shapes found in openapi/, and how to follow their references. */

/** One schema node as written in openapi/*.yaml (after loading: `$ref` with siblings becomes `allOf`). */
export interface OpenAPISchema {
  type?: string;
  format?: string;
  description?: string;
  properties?: Record<string, OpenAPISchema>;
  items?: OpenAPISchema;
  additionalProperties?: OpenAPISchema | boolean;
  allOf?: OpenAPISchema[];
  $ref?: string;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  'x-kubernetes-group-version-kind'?: GroupVersionKind[];
  'x-kubernetes-patch-strategy'?: string;
  'x-kubernetes-patch-merge-key'?: string;
  'x-kubernetes-list-type'?: 'atomic' | 'set' | 'map';
  'x-kubernetes-list-map-keys'?: string[];
  'x-kubernetes-map-type'?: 'atomic' | 'granular';
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  [extension: `x-${string}`]: unknown;
}

export interface GroupVersionKind {
  group: string;
  version: string;
  kind: string;
}

/** Named schemas, keyed like `io.k8s.api.core.v1.Pod`. */
export type SchemaMap = Readonly<Record<string, OpenAPISchema>>;

export const REF_PREFIX = '#/components/schemas/';

/** `#/components/schemas/io.k8s.api.core.v1.Pod` → `io.k8s.api.core.v1.Pod`. */
export function refName(ref: string): string {
  return ref.startsWith(REF_PREFIX) ? ref.slice(REF_PREFIX.length) : ref;
}

/** The definition a node points at (directly or through a one-element allOf), if any. */
export function targetName(node: OpenAPISchema): string | undefined {
  if (node.$ref !== undefined) return refName(node.$ref);
  const only = node.allOf?.length === 1 ? node.allOf[0] : undefined;
  return only?.$ref !== undefined ? refName(only.$ref) : undefined;
}

/**
 * The effective schema of a node: the referenced definition with the node's own keywords laid
 * over it (a property's list extensions and description win over the definition's).
 */
// schemas never change once loaded: each node resolves once (this runs for every field of every write)
const resolvedCache = new WeakMap<SchemaMap, WeakMap<OpenAPISchema, OpenAPISchema>>();

export function resolveSchema(node: OpenAPISchema, schemas: SchemaMap): OpenAPISchema {
  let cache = resolvedCache.get(schemas);
  if (!cache) resolvedCache.set(schemas, (cache = new WeakMap()));
  let out = cache.get(node);
  if (out === undefined) {
    out = resolveUncached(node, schemas);
    cache.set(node, out);
  }
  return out;
}

function resolveUncached(node: OpenAPISchema, schemas: SchemaMap): OpenAPISchema {
  const name = targetName(node);
  if (name === undefined) return node;
  const target = schemas[name];
  if (target === undefined) return node;
  const resolved = resolveSchema(target, schemas);
  const own: OpenAPISchema = { ...node };
  delete own.$ref;
  delete own.allOf;
  return { ...resolved, ...own };
}

/** Short Go type name kube's decoder would print for a definition (`v1.ServicePort`). */
export function goDefinitionName(name: string): string {
  const parts = name.split('.');
  return parts.length >= 2 ? `${parts[parts.length - 2]}.${parts[parts.length - 1]}` : name;
}

export const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
export const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';

/** True for object nodes that accept any content (preserve-unknown-fields, or no declared shape). */
export function isFreeForm(s: OpenAPISchema): boolean {
  if (s['x-kubernetes-preserve-unknown-fields'] === true) return true;
  return s.type === 'object' && s.properties === undefined && s.additionalProperties === undefined;
}
