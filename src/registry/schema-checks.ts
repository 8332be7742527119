/** The registry's view of the OpenAPI schemas: what a write body must satisfy. */
import type { KObject } from '../apimachinery/meta.js';
import type { PatchMeta } from '../apimachinery/patch-meta.js';
import { EMPTY_PATCH_META } from '../apimachinery/patch-meta.js';
import type { StatusError } from '../apimachinery/status.js';
import type { ResourceDefinition } from './resource-definition.js';

export interface SchemaChecks {
  /** kube-style paths of fields the schema does not know (`spec.foo`). */
  unknownFields(obj: KObject, def: ResourceDefinition): string[];
  /** A copy without the unknown fields. */
  pruneUnknownFields(obj: KObject, def: ResourceDefinition): KObject;
  /** A 400 for JSON type mismatches (`port: "80"`), as kube's decoder reports them. */
  decodeError(obj: KObject, def: ResourceDefinition): StatusError | undefined;
  /** Patch strategies and merge keys of the kind. */
  patchMeta(def: ResourceDefinition): PatchMeta;
}

/** No schema: everything is known and well-typed (unit tests of the registry alone). */
export const NO_SCHEMA_CHECKS: SchemaChecks = {
  unknownFields: () => [],
  pruneUnknownFields: (obj) => obj,
  decodeError: () => undefined,
  patchMeta: () => EMPTY_PATCH_META,
};
