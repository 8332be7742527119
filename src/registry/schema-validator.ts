/**
 * JSON type checking of request bodies with ajv, reported the way kube's JSON decoder reports a
 * mismatch (`json: cannot unmarshal string into Go struct field ServicePort.spec.ports.port of
 * type int32`). Only what the Go decoder would reject is checked: JSON types, integer ranges
 * and quantity syntax; enums and required fields are validation's job (422), not decoding's.
 */
import { Ajv } from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';
import type { StatusError } from '../apimachinery/status.js';
import { badRequest } from '../apimachinery/status.js';
import type { GroupVersionKind, OpenAPISchema, SchemaMap } from './schema-types.js';
import { INT_OR_STRING, QUANTITY, goDefinitionName, isFreeForm, refName, resolveSchema, targetName } from './schema-types.js';

// upstream's resource.ErrFormatWrong text, printed verbatim by kubectl
const QUANTITY_PATTERN = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';
export const QUANTITY_FORMAT_ERROR = `quantities must match the regular expression '${QUANTITY_PATTERN}'`;

const INT32 = { minimum: -2147483648, maximum: 2147483647 };
const INT64 = { minimum: -9223372036854775808, maximum: 9223372036854775807 };
const DEFS_ID = 'kubelevel-openapi';

type AjvSchema = Record<string, unknown>;

/** The part of a schema the Go decoder enforces, as plain JSON Schema (every value may be null). */
function decodeShape(node: OpenAPISchema, name?: string): AjvSchema {
  if (name === INT_OR_STRING || node['x-kubernetes-int-or-string'] === true || node.format === 'int-or-string') {
    return { type: ['integer', 'string', 'null'], ...INT32 };
  }
  if (name === QUANTITY || node.format === 'quantity') {
    return { type: ['string', 'number', 'null'], pattern: QUANTITY_PATTERN };
  }
  const target = targetName(node);
  if (target !== undefined) return { $ref: `${DEFS_ID}#/$defs/${target}` };
  if (node['x-kubernetes-preserve-unknown-fields'] === true) return node.type ? { type: [node.type, 'null'] } : {};
  // RawExtension, Patch and FieldsV1 take any JSON
  if (isFreeForm(node)) return {};
  const out: AjvSchema = {};
  if (node.type !== undefined) out.type = [node.type, 'null'];
  if (node.type === 'integer') Object.assign(out, node.format === 'int64' ? INT64 : INT32);
  if (node.properties !== undefined) {
    out.properties = Object.fromEntries(Object.entries(node.properties).map(([k, v]) => [k, decodeShape(v)]));
  }
  if (node.items !== undefined) out.items = decodeShape(node.items);
  if (typeof node.additionalProperties === 'object') out.additionalProperties = decodeShape(node.additionalProperties);
  return out;
}

/** One type mismatch, located and described as Go's encoding/json would. */
export interface TypeMismatch {
  /** JSON pointer of the offending value (`/spec/ports/0/port`). */
  pointer: string;
  /** The decoder's message, e.g. `json: cannot unmarshal string into Go struct field …`. */
  message: string;
}

/** Compiles one validator per definition on first use and turns ajv errors into decoder messages. */
export class TypeChecker {
  readonly #schemas: SchemaMap;
  readonly #ajv: Ajv;
  readonly #compiled = new Map<string, ValidateFunction>();

  constructor(schemas: SchemaMap) {
    this.#schemas = schemas;
    this.#ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
    const defs = Object.fromEntries(Object.entries(schemas).map(([n, s]) => [n, decodeShape(s, n)]));
    this.#ajv.addSchema({ $id: DEFS_ID, $defs: defs });
  }

  /** Every mismatch of `obj` against definition `name`, in document order. */
  typeErrors(obj: unknown, name: string): TypeMismatch[] {
    let validate = this.#compiled.get(name);
    if (validate === undefined) {
      validate = this.#ajv.compile({ $ref: `${DEFS_ID}#/$defs/${name}` });
      this.#compiled.set(name, validate);
    }
    if (validate(obj)) return [];
    const order = documentOrder(obj);
    const seen = new Set<string>();
    const out: TypeMismatch[] = [];
    for (const err of validate.errors ?? []) {
      if (seen.has(err.instancePath)) continue;
      seen.add(err.instancePath);
      out.push({ pointer: err.instancePath, message: this.#describe(obj, name, err) });
    }
    return out.sort((a, b) => (order.get(a.pointer) ?? 0) - (order.get(b.pointer) ?? 0));
  }

  #describe(obj: unknown, rootName: string, err: ErrorObject): string {
    const segments = err.instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
    let node: OpenAPISchema = { $ref: rootName };
    let value: unknown = obj;
    let struct = goDefinitionName(rootName).split('.').pop()!;
    const fields: string[] = [];
    for (const seg of segments) {
      const s = resolveSchema(node, this.#schemas);
      const owner = targetName(node);
      if (s.properties?.[seg] !== undefined) {
        struct = owner !== undefined ? goDefinitionName(owner).split('.').pop()! : struct;
        fields.push(seg);
        node = s.properties[seg];
      } else if (s.items !== undefined) {
        node = s.items;
      } else if (typeof s.additionalProperties === 'object') {
        node = s.additionalProperties;
      }
      value = (value as Record<string, unknown>)[seg];
    }
    const target = targetName(node);
    if (target === QUANTITY) return QUANTITY_FORMAT_ERROR;
    const goType = target === INT_OR_STRING ? 'int32' : this.#goType(node);
    const expectsInteger = goType.startsWith('int');
    const where = fields.length > 0 ? `Go struct field ${struct}.${fields.join('.')}` : 'Go value';
    return `json: cannot unmarshal ${jsonKind(value, expectsInteger)} into ${where} of type ${goType}`;
  }

  #goType(node: OpenAPISchema): string {
    const name = targetName(node);
    if (name === INT_OR_STRING) return 'intstr.IntOrString';
    if (name === QUANTITY) return 'resource.Quantity';
    if (name === 'io.k8s.apimachinery.pkg.apis.meta.v1.Time' || name === 'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime') {
      return 'string';
    }
    if (name !== undefined) return goDefinitionName(refName(name));
    switch (node.type) {
      case 'string':
        return 'string';
      case 'boolean':
        return 'bool';
      case 'integer':
        return node.format === 'int64' ? 'int64' : 'int32';
      case 'number':
        return 'float64';
      case 'array':
        return `[]${node.items ? this.#goType(node.items) : 'interface {}'}`;
      case 'object':
        return typeof node.additionalProperties === 'object'
          ? `map[string]${this.#goType(node.additionalProperties)}`
          : 'map[string]interface {}';
      default:
        return 'interface {}';
    }
  }
}

/** How encoding/json names a JSON value in UnmarshalTypeError (`string`, `number 1.5`, `object`…). */
function jsonKind(value: unknown, expectsInteger: boolean): string {
  if (typeof value === 'number') return expectsInteger ? `number ${String(value)}` : 'number';
  if (typeof value === 'string') return 'string';
  if (typeof value === 'boolean') return 'bool';
  if (Array.isArray(value)) return 'array';
  return 'object';
}

function documentOrder(obj: unknown): Map<string, number> {
  const order = new Map<string, number>();
  const walk = (v: unknown, ptr: string): void => {
    order.set(ptr, order.size);
    if (Array.isArray(v)) v.forEach((el, i) => walk(el, `${ptr}/${i}`));
    else if (typeof v === 'object' && v !== null) {
      for (const [k, child] of Object.entries(v)) walk(child, `${ptr}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`);
    }
  };
  walk(obj, '');
  return order;
}

/** `Service in version "v1" cannot be handled as a Service: <cause>`, as kube's decode errors. */
export function cannotBeHandled(gvk: Pick<GroupVersionKind, 'version' | 'kind'>, cause: string): StatusError {
  return badRequest(`${gvk.kind} in version "${gvk.version}" cannot be handled as a ${gvk.kind}: ${cause}`);
}

/** The warning text kube sends for one unknown field under fieldValidation=Warn. */
export function unknownFieldMessage(path: string): string {
  return `unknown field "${path}"`;
}

/**
 * 400 for fieldValidation=Strict: `Service in version "v1" cannot be handled as a Service:
 * strict decoding error: unknown field "spec.foo", unknown field "spec.bar"` (upstream joins the
 * individual errors with ", ").
 */
export function strictDecodingError(gvk: Pick<GroupVersionKind, 'version' | 'kind'>, fields: readonly string[]): StatusError {
  return cannotBeHandled(gvk, `strict decoding error: ${fields.map(unknownFieldMessage).join(', ')}`);
}
