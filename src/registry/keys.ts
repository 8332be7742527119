/** Storage keys (etcd's layout) and list continue tokens. */
import { badRequest } from '../apimachinery/status.js';
import type { ResourceDefinition } from './resource-definition.js';
import type { Revision } from '../storage/storage.js';

/** `/registry/<resource>/` — every object of a resource lives under it. */
export function resourcePrefix(def: ResourceDefinition): string {
  const segment = def.storageResource ?? (def.group === '' ? def.plural : `${def.group}/${def.plural}`);
  return `/registry/${segment}/`;
}

/** The prefix to list or watch: one namespace, or every object of the resource. */
export function scopePrefix(def: ResourceDefinition, namespace: string | undefined): string {
  const base = resourcePrefix(def);
  return def.namespaced && namespace ? `${base}${namespace}/` : base;
}

export function objectKey(def: ResourceDefinition, namespace: string | undefined, name: string): string {
  return def.namespaced ? `${resourcePrefix(def)}${namespace}/${name}` : `${resourcePrefix(def)}${name}`;
}

interface ContinueToken {
  v: string;
  rv: number;
  start: string;
  /** Ours: how many objects the list holds from `start` on (it is fixed: pages share `rv`). */
  left?: number;
}

/**
 * Same shape as kube's continue token: base64 of {"v":"meta.k8s.io/v1","rv":N,"start":"<key suffix>"},
 * plus the count of what is left when known, so the next page need not count it again.
 */
export function encodeContinue(revision: Revision, startKeySuffix: string, left?: number): string {
  const token: ContinueToken = { v: 'meta.k8s.io/v1', rv: revision, start: startKeySuffix };
  if (left !== undefined) token.left = left;
  return Buffer.from(JSON.stringify(token)).toString('base64url');
}

export function decodeContinue(token: string): { revision: Revision; start: string; left?: number } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw badRequest(`continue key is not valid: illegal base64 data`);
  }
  const t = parsed as Partial<ContinueToken>;
  if (t?.v !== 'meta.k8s.io/v1') throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  if (typeof t.rv !== 'number' || t.rv <= 0) throw badRequest('continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)');
  if (typeof t.start !== 'string' || t.start.length === 0 || t.start.includes('..')) {
    throw badRequest('continue key is not valid: encoded start key is invalid');
  }
  const left = typeof t.left === 'number' && Number.isSafeInteger(t.left) && t.left >= 0 ? t.left : undefined;
  return left === undefined ? { revision: t.rv, start: t.start } : { revision: t.rv, start: t.start, left };
}
