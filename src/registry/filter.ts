/** Label and field selectors, compiled once per request and applied to stored objects. */
import type { KObject } from '../apimachinery/meta.js';
import { parseLabelSelector } from '../apimachinery/labels.js';
import { parseFieldSelector, unsupportedField } from '../apimachinery/fields.js';
import type { KeyValue } from '../storage/storage.js';
import type { ResourceDefinition } from './resource-definition.js';

export interface SelectorOptions {
  labelSelector?: string;
  fieldSelector?: string;
}

export interface ObjectFilter {
  readonly isEverything: boolean;
  matches(obj: KObject): boolean;
  /** For store scans: the same test on a stored key-value. */
  acceptsKeyValue: ((kv: KeyValue) => boolean) | undefined;
  /** A narrower key prefix when the selector pins metadata.name. */
  narrowPrefix(prefix: string): string;
}

/** Field getter for a resource: metadata.name/namespace plus what the definition declares. */
export function fieldGetter(def: ResourceDefinition): (obj: KObject, field: string) => string | undefined {
  const extra = def.fieldSelectors ?? {};
  return (obj, field) => {
    if (field === 'metadata.name') return obj.metadata.name ?? '';
    if (field === 'metadata.namespace') return obj.metadata.namespace ?? '';
    const fn = extra[field];
    return fn ? (fn(obj) ?? '') : undefined;
  };
}

export function makeObjectFilter(def: ResourceDefinition, opts: SelectorOptions): ObjectFilter {
  const labels = parseLabelSelector(opts.labelSelector ?? '');
  const fields = parseFieldSelector(opts.fieldSelector ?? '');
  const get = fieldGetter(def);
  const known = new Set(['metadata.name', 'metadata.namespace', ...Object.keys(def.fieldSelectors ?? {})]);
  for (const f of fields.fields()) if (!known.has(f)) throw unsupportedField(f);
  const isEverything = labels.isEmpty() && fields.isEmpty();
  const matches = (obj: KObject): boolean =>
    labels.matches(obj.metadata.labels) && fields.matches((f) => get(obj, f));
  const pinnedName = fields.singleValue('metadata.name');
  return {
    isEverything,
    matches,
    acceptsKeyValue: isEverything ? undefined : (kv) => matches(kv.value as KObject),
    narrowPrefix: (prefix) => {
      // an exact name inside a namespace (or cluster-scoped) is a single key: scan only it
      if (pinnedName && (prefix.split('/').length === (def.namespaced ? 5 : 4))) return prefix + pinnedName;
      return prefix;
    },
  };
}
