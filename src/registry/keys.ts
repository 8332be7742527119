/** Storage keys (etcd's layout), resourceVersions and list continue tokens. */
import { badRequest, failure, invalid, StatusError } from '../apimachinery/status.js';
import { fieldErr } from '../apimachinery/field-errors.js';
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

/** A resourceVersion as the store's revision; anything but a decimal integer is a 400. */
export function parseResourceVersion(rv: string): Revision {
  if (!/^\d+$/.test(rv)) throw badRequest(`invalid resource version: ${JSON.stringify(rv)}`);
  const n = Number(rv);
  if (!Number.isSafeInteger(n)) throw badRequest(`invalid resource version: ${JSON.stringify(rv)}`);
  return n;
}

/** Kube's answer to a resourceVersion the store has not reached yet. */
export function tooLargeResourceVersion(requested: Revision, current: Revision): StatusError {
  return new StatusError(failure(504, 'Timeout', `Too large resource version: ${requested}, current: ${current}`, { retryAfterSeconds: 1 }));
}

/** Where a LIST starts: from its continue token, or at the revision its resourceVersion pins. */
export function listStart(
  def: ResourceDefinition,
  prefix: string,
  opts: { continue?: string; resourceVersion?: string; resourceVersionMatch?: string },
  current: Revision,
): { revision?: Revision; startKey?: string; startCount?: number } {
  let start: { revision?: Revision; startKey?: string; startCount?: number } = {};
  if (opts.continue) {
    const token = decodeContinue(opts.continue);
    const startKey = resourcePrefix(def) + token.start;
    if (!startKey.startsWith(prefix)) throw badRequest('continue key is not valid: key does not match the request');
    start = { revision: token.revision, startKey, ...(token.left !== undefined ? { startCount: token.left } : {}) };
  } else if (opts.resourceVersion && opts.resourceVersion !== '0') {
    const rv = parseResourceVersion(opts.resourceVersion);
    if (opts.resourceVersionMatch === 'Exact') start = { revision: rv };
    else if (rv > current) throw tooLargeResourceVersion(rv, current);
  }
  if (opts.resourceVersionMatch && !opts.resourceVersion) {
    throw invalid({ group: 'meta.k8s.io', kind: 'ListOptions' }, '', [
      fieldErr.forbidden('resourceVersionMatch', 'resourceVersionMatch is forbidden unless resourceVersion is provided'),
    ]);
  }
  return start;
}
