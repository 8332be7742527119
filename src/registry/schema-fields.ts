/**
 * Walks an object against its schema: the unknown fields strict decoding rejects, pruning them,
 * and the strategic-merge metadata (PatchMeta) declared by the x-kubernetes-* extensions.
 */
import type { PatchMeta } from '../apimachinery/patch-meta.js';
import { EMPTY_PATCH_META } from '../apimachinery/patch-meta.js';
import type { OpenAPISchema, SchemaMap } from './schema-types.js';
import { isFreeForm, resolveSchema } from './schema-types.js';

type Json = Record<string, unknown>;

function isPlainObject(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function join(path: string, field: string): string {
  return path === '' ? field : `${path}.${field}`;
}

// apiVersion and kind are TypeMeta: always known at the root, as kube's decoder treats them
const TYPE_META = new Set(['apiVersion', 'kind']);

/**
 * Kube-style paths (`spec.ports[0].bar`, `metadata.labelz`) of fields the schema does not
 * declare, in document order. Free-form subtrees are not descended into; values of the wrong
 * JSON type are left to the type check.
 */
export function findUnknownFields(obj: unknown, root: OpenAPISchema, schemas: SchemaMap): string[] {
  const out: string[] = [];
  visit(obj, root, [], schemas, true, (path) => out.push(path));
  return out;
}

/** A deep copy of `obj` without the fields findUnknownFields reports. */
export function pruneFields<T>(obj: T, root: OpenAPISchema, schemas: SchemaMap): T {
  const copy = structuredClone(obj);
  const drop: Array<{ parent: Json; key: string }> = [];
  collect(copy, root, schemas, true, drop);
  for (const { parent, key } of drop) delete parent[key];
  return copy;
}

/** `path` is one stack of segments for the whole walk (field names, item indexes); its string is only built for a report. */
function visit(
  value: unknown,
  node: OpenAPISchema,
  path: Array<string | number>,
  schemas: SchemaMap,
  isRoot: boolean,
  report: (path: string) => void,
): void {
  if (value === null || typeof value !== 'object') return;
  const s = resolveSchema(node, schemas);
  if (isFreeForm(s)) return;
  if (Array.isArray(value)) {
    if (s.items === undefined) return;
    for (let i = 0; i < value.length; i++) {
      path.push(i);
      visit(value[i], s.items, path, schemas, false, report);
      path.pop();
    }
    return;
  }
  const obj = value as Json;
  const props = s.properties;
  const values = s.additionalProperties;
  if (props === undefined && typeof values !== 'object') return;
  for (const key in obj) {
    const prop = props !== undefined ? props[key] : (values as OpenAPISchema);
    if (prop === undefined) {
      if (!(isRoot && TYPE_META.has(key))) report(pathString(path, key));
      continue;
    }
    const child = obj[key];
    if (child === null || typeof child !== 'object') continue;
    path.push(key);
    visit(child, prop, path, schemas, false, report);
    path.pop();
  }
}

/** `spec.ports[0].name` from the segments of visit(). */
function pathString(path: readonly (string | number)[], last: string): string {
  let out = '';
  for (const seg of path) out = typeof seg === 'number' ? `${out}[${seg}]` : join(out, seg);
  return join(out, last);
}

function collect(
  value: unknown,
  node: OpenAPISchema,
  schemas: SchemaMap,
  isRoot: boolean,
  drop: Array<{ parent: Json; key: string }>,
): void {
  const s = resolveSchema(node, schemas);
  if (isFreeForm(s)) return;
  if (Array.isArray(value)) {
    if (s.items !== undefined) for (const el of value) collect(el, s.items, schemas, false, drop);
    return;
  }
  if (!isPlainObject(value)) return;
  if (s.properties !== undefined) {
    for (const [key, child] of Object.entries(value)) {
      const prop = s.properties[key];
      if (prop !== undefined) collect(child, prop, schemas, false, drop);
      else if (!(isRoot && TYPE_META.has(key))) drop.push({ parent: value, key });
    }
  } else if (typeof s.additionalProperties === 'object') {
    for (const child of Object.values(value)) collect(child, s.additionalProperties, schemas, false, drop);
  }
}

/**
 * PatchMeta over a schema node; children are resolved lazily, so recursive types are fine. Each
 * child is made once and kept (the typed walks of every write ask for the same few hundred nodes);
 * map values share one child, so the cache is bounded by the schema, not by the keys written.
 */
export class SchemaPatchMeta implements PatchMeta {
  readonly patchStrategy?: string;
  readonly patchMergeKey?: string;
  readonly listType?: 'atomic' | 'set' | 'map';
  readonly listMapKeys?: readonly string[];
  readonly mapType?: 'atomic' | 'granular';
  readonly #schema: OpenAPISchema;
  readonly #schemas: SchemaMap;
  #fields?: Map<string, PatchMeta>;
  #values?: PatchMeta;
  #items?: PatchMeta;

  constructor(node: OpenAPISchema, schemas: SchemaMap) {
    const s = resolveSchema(node, schemas);
    this.#schema = s;
    this.#schemas = schemas;
    if (s['x-kubernetes-patch-strategy'] !== undefined) this.patchStrategy = s['x-kubernetes-patch-strategy'];
    if (s['x-kubernetes-patch-merge-key'] !== undefined) this.patchMergeKey = s['x-kubernetes-patch-merge-key'];
    if (s['x-kubernetes-list-type'] !== undefined) this.listType = s['x-kubernetes-list-type'];
    if (s['x-kubernetes-list-map-keys'] !== undefined) this.listMapKeys = s['x-kubernetes-list-map-keys'];
    if (s['x-kubernetes-map-type'] !== undefined) this.mapType = s['x-kubernetes-map-type'];
  }

  field(name: string): PatchMeta {
    const props = this.#schema.properties;
    if (props !== undefined && Object.hasOwn(props, name)) {
      const fields = (this.#fields ??= new Map());
      let meta = fields.get(name);
      if (meta === undefined) fields.set(name, (meta = new SchemaPatchMeta(props[name]!, this.#schemas)));
      return meta;
    }
    const values = this.#schema.additionalProperties;
    if (typeof values === 'object') return (this.#values ??= new SchemaPatchMeta(values, this.#schemas));
    return EMPTY_PATCH_META;
  }

  items(): PatchMeta {
    if (this.#schema.items === undefined) return EMPTY_PATCH_META;
    return (this.#items ??= new SchemaPatchMeta(this.#schema.items, this.#schemas));
  }
}
