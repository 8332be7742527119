/**
 * PATCH for any resource: the four patch types kubectl sends, each turned into a
 * read-modify-write through ResourceStore.guaranteedUpdate (so validation, hooks and optimistic
 * concurrency are the same as for PUT).
 */
import { parse as parseYaml } from 'yaml';
import type { KObject } from '../apimachinery/meta.js';
import { badRequest, unsupportedMediaType } from '../apimachinery/status.js';
import { applyJsonPatch } from '../apimachinery/patch/json-patch.js';
import { mergePatchInto } from '../apimachinery/patch/merge-patch.js';
import { strategicMergePatchInto } from '../apimachinery/patch/strategic-merge.js';
import type { PatchMeta } from '../apimachinery/patch-meta.js';
import type { RequestContext } from './resource-definition.js';
import type { ResourceStore, WriteOptions } from './store.js';
import { parseResourceVersion } from './keys.js';
import { applyPatch } from './apply.js';

export const PATCH_TYPES = {
  json: 'application/json-patch+json',
  merge: 'application/merge-patch+json',
  strategic: 'application/strategic-merge-patch+json',
  apply: 'application/apply-patch+yaml',
} as const;

export type PatchType = keyof typeof PATCH_TYPES;

export function patchTypeOf(contentType: string | undefined): PatchType {
  const mediaType = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  for (const [type, media] of Object.entries(PATCH_TYPES)) if (media === mediaType) return type as PatchType;
  throw unsupportedMediaType(mediaType, Object.values(PATCH_TYPES));
}

export interface PatchOptions extends WriteOptions {
  force?: boolean;
}

function parseDocument(type: PatchType, raw: string): unknown {
  try {
    if (type === 'apply') return parseYaml(raw);
    return JSON.parse(raw);
  } catch (err) {
    throw badRequest(`error decoding patch: ${(err as Error).message}`);
  }
}

/**
 * Applies a parsed patch document of `type` to `current`, the caller's own copy of the live object
 * (merge patches are applied to it in place). Never mutates `doc`.
 */
export function applyPatchDocument(type: PatchType, current: KObject, doc: unknown, meta: PatchMeta): KObject {
  switch (type) {
    case 'json':
      if (!Array.isArray(doc)) throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
      return applyJsonPatch(current, doc) as KObject;
    case 'merge':
      if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw badRequest('the patch is not a JSON object');
      return mergePatchInto(current, doc) as KObject;
    case 'strategic':
    case 'apply':
      if (doc === null || typeof doc !== 'object' || Array.isArray(doc)) throw badRequest('the patch is not a JSON object');
      return strategicMergePatchInto(current, doc as Record<string, unknown>, meta) as KObject;
  }
}

/** The patch's own metadata.resourceVersion, which kube treats as a precondition. */
function patchResourceVersion(type: PatchType, doc: unknown): number | undefined {
  if (type === 'json' || doc === null || typeof doc !== 'object') return undefined;
  const rv = (doc as { metadata?: { resourceVersion?: unknown } }).metadata?.resourceVersion;
  return typeof rv === 'string' && rv !== '' ? parseResourceVersion(rv) : undefined;
}

export async function patchResource(
  rs: ResourceStore,
  namespace: string | undefined,
  name: string,
  type: PatchType,
  raw: string,
  opts: PatchOptions,
  ctx: RequestContext,
  subresource?: 'status',
): Promise<{ obj: KObject; created: boolean }> {
  const doc = parseDocument(type, raw);
  if (type === 'apply') return applyPatch(rs, namespace, name, doc, opts, ctx, subresource);
  const meta = rs.patchMeta();
  const expectedRV = patchResourceVersion(type, doc);
  const obj = await rs.guaranteedUpdate(
    namespace,
    name,
    (current) => {
      const patched = applyPatchDocument(type, current, doc, meta);
      if (patched.metadata === undefined || patched.metadata === null) throw badRequest('metadata must not be removed by a patch');
      // `current` is a fresh copy made for this attempt, and the patch's values in it are copies too
      const decoded = rs.decodeBody(patched, opts, ctx, 'take');
      // a patch may name the object but not rename it
      if (decoded.metadata.name !== undefined && decoded.metadata.name !== name) {
        throw badRequest(`the name of the object (${decoded.metadata.name}) does not match the name on the URL (${name})`);
      }
      return decoded;
    },
    ctx,
    { expectedRV, subresource },
  );
  return { obj, created: false };
}
