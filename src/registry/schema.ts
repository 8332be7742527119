/**
 * The schema layer over openapi/: loads the YAML definitions once and answers every question
 * the rest of the server asks of them — which definition a kind has, its unknown fields, JSON
 * type mismatches, strategic-merge metadata — and hands the same definitions to /openapi.
 */
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { KObject } from '../apimachinery/meta.js';
import type { PatchMeta } from '../apimachinery/patch-meta.js';
import { EMPTY_PATCH_META } from '../apimachinery/patch-meta.js';
import type { StatusError } from '../apimachinery/status.js';
import type { SchemaChecks } from './schema-checks.js';
import { SchemaPatchMeta, findUnknownFields, pruneFields } from './schema-fields.js';
import type { GroupVersionKind, OpenAPISchema, SchemaMap } from './schema-types.js';
import { REF_PREFIX } from './schema-types.js';
import { TypeChecker, cannotBeHandled } from './schema-validator.js';

export type { GroupVersionKind, OpenAPISchema, SchemaMap } from './schema-types.js';

/** The loaded definitions and the questions asked of them. Immutable once built. */
export interface SchemaSet {
  /** Every definition, `$ref`s with siblings already wrapped in `allOf` as upstream serves them. */
  readonly schemas: SchemaMap;
  /** Name of the definition whose x-kubernetes-group-version-kind lists this kind. */
  definitionFor(group: string, version: string, kind: string): string | undefined;
  /** Patch strategies and merge keys of the kind; EMPTY_PATCH_META for an unknown kind. */
  patchMeta(group: string, version: string, kind: string): PatchMeta;
  /** Kube-style paths of fields the schema does not declare, in document order. */
  unknownFields(obj: unknown, group: string, version: string, kind: string): string[];
  /** A deep copy without the unknown fields. */
  pruneUnknownFields<T>(obj: T, group: string, version: string, kind: string): T;
  /** Decoder messages for JSON type mismatches, in document order. */
  typeErrors(obj: unknown, group: string, version: string, kind: string): string[];
  /** The 400 kube's decoder answers for the first type mismatch, if any. */
  decodeError(obj: unknown, gvk: GroupVersionKind): StatusError | undefined;
}

/** The repository root: the nearest folder above this module holding package.json (src/ or dist/). */
function repoRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('package.json not found above the schema module');
    dir = up;
  }
  return dir;
}

export function defaultOpenAPIDir(): string {
  return join(repoRoot(), 'openapi');
}

/** `{$ref, description}` is not valid OpenAPI 3.0 (siblings of $ref are ignored): wrap it in allOf. */
function normalize(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(normalize);
  if (typeof node !== 'object' || node === null) return node;
  const entries = Object.entries(node).map(([k, v]) => [k, normalize(v)] as const);
  const obj = Object.fromEntries(entries) as Record<string, unknown>;
  if (typeof obj.$ref === 'string' && Object.keys(obj).length > 1) {
    const { $ref, ...rest } = obj;
    return { allOf: [{ $ref }], ...rest };
  }
  return obj;
}

/** Reads every openapi/*.yaml (`components.schemas`) and builds the SchemaSet. Throws on duplicates or dangling refs. */
export function loadSchemas(dir: string = defaultOpenAPIDir()): SchemaSet {
  const schemas: Record<string, OpenAPISchema> = {};
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
    const doc = parse(readFileSync(join(dir, file), 'utf8')) as { components?: { schemas?: Record<string, unknown> } };
    for (const [name, schema] of Object.entries(doc.components?.schemas ?? {})) {
      if (name in schemas) throw new Error(`openapi: ${name} is defined twice (${file})`);
      schemas[name] = normalize(schema) as OpenAPISchema;
    }
  }
  const dangling = new Set<string>();
  JSON.stringify(schemas, (key, value: unknown) => {
    if (key === '$ref' && typeof value === 'string' && !(value.slice(REF_PREFIX.length) in schemas)) dangling.add(value);
    return value;
  });
  if (dangling.size > 0) throw new Error(`openapi: unresolved $ref ${[...dangling].join(', ')}`);
  return createSchemaSet(schemas);
}

/** A SchemaSet over already-loaded definitions. */
export function createSchemaSet(schemas: SchemaMap): SchemaSet {
  const byGVK = new Map<string, string>();
  for (const [name, s] of Object.entries(schemas)) {
    for (const gvk of s['x-kubernetes-group-version-kind'] ?? []) {
      byGVK.set(`${gvk.group}/${gvk.version}/${gvk.kind}`, name);
    }
  }
  const checker = new TypeChecker(schemas);
  // one PatchMeta tree per kind, kept: its nodes memoize their children
  const patchMetas = new Map<string, PatchMeta>();
  const definitionFor = (group: string, version: string, kind: string): string | undefined =>
    byGVK.get(`${group}/${version}/${kind}`);
  // one root node per definition, so its resolution is cached like every other node's
  const roots = new Map<string, OpenAPISchema>();
  const rootOf = (group: string, version: string, kind: string): OpenAPISchema | undefined => {
    const name = definitionFor(group, version, kind);
    if (name === undefined) return undefined;
    let root = roots.get(name);
    if (root === undefined) roots.set(name, (root = { $ref: `${REF_PREFIX}${name}` }));
    return root;
  };
  const typeErrors = (obj: unknown, group: string, version: string, kind: string): string[] => {
    const name = definitionFor(group, version, kind);
    return name === undefined ? [] : checker.typeErrors(obj, name).map((e) => e.message);
  };

  return {
    schemas,
    definitionFor,
    patchMeta(group, version, kind) {
      const key = `${group}/${version}/${kind}`;
      let meta = patchMetas.get(key);
      if (meta === undefined) {
        const root = rootOf(group, version, kind);
        meta = root === undefined ? EMPTY_PATCH_META : new SchemaPatchMeta(root, schemas);
        patchMetas.set(key, meta);
      }
      return meta;
    },
    unknownFields(obj, group, version, kind) {
      const root = rootOf(group, version, kind);
      return root === undefined ? [] : findUnknownFields(obj, root, schemas);
    },
    pruneUnknownFields(obj, group, version, kind) {
      const root = rootOf(group, version, kind);
      return root === undefined ? structuredClone(obj) : pruneFields(obj, root, schemas);
    },
    typeErrors,
    decodeError(obj, gvk) {
      const [first] = typeErrors(obj, gvk.group, gvk.version, gvk.kind);
      return first === undefined ? undefined : cannotBeHandled(gvk, first);
    },
  };
}

/** The registry's SchemaChecks backed by a SchemaSet. */
export function schemaChecks(set: SchemaSet): SchemaChecks {
  return {
    unknownFields: (obj, def) => set.unknownFields(obj, def.group, def.version, def.kind),
    pruneUnknownFields: (obj: KObject, def) => set.pruneUnknownFields(obj, def.group, def.version, def.kind),
    decodeError: (obj, def) => set.decodeError(obj, def),
    patchMeta: (def) => set.patchMeta(def.group, def.version, def.kind),
  };
}
