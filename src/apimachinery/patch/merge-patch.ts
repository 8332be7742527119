/**
 * RFC 7386 JSON Merge Patch with the semantics of evanphx/json-patch's MergePatch, which
 * kube-apiserver uses for `application/merge-patch+json`:
 * - objects merge recursively and `null` deletes;
 * - a value added where there was no object has its nested nulls pruned (also inside objects that
 *   sit in arrays; null array elements themselves stay);
 * - a patch that is an array replaces the document; `null` or a scalar patch is a 400
 *   `Invalid JSON Patch` (jsonpatch.ErrBadJSONPatch).
 */
import { badRequest } from '../status.js';

type JSONMap = Record<string, unknown>;

function isObject(v: unknown): v is JSONMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function pruneNulls(v: unknown): void {
  if (isObject(v)) {
    for (const k of Object.keys(v)) {
      if (v[k] === null) delete v[k];
      else pruneNulls(v[k]);
    }
  } else if (Array.isArray(v)) {
    for (const item of v) if (item !== null) pruneNulls(item);
  }
}

function mergeDocs(doc: JSONMap, patch: JSONMap): void {
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) {
      delete doc[k];
      continue;
    }
    const cur = doc[k];
    if (cur === undefined || cur === null) {
      pruneNulls(v);
      doc[k] = v;
    } else if (!isObject(cur)) {
      pruneNulls(v);
      doc[k] = v;
    } else if (!isObject(v)) {
      // upstream returns a non-object patch value as is, without pruning
      doc[k] = v;
    } else {
      mergeDocs(cur, v);
    }
  }
}

/** Apply a decoded merge patch to `doc`. Never mutates its inputs. */
export function applyMergePatch(doc: unknown, patch: unknown): unknown {
  return mergePatchInto(isObject(doc) ? structuredClone(doc) : doc, patch);
}

/**
 * applyMergePatch for a `doc` the caller gives up (a fresh copy of the live object): the patch is
 * merged into it in place, sparing a copy of the whole document. Never mutates `patch`.
 */
export function mergePatchInto(doc: unknown, patch: unknown): unknown {
  if (Array.isArray(patch)) {
    const out = structuredClone(patch);
    pruneNulls(out);
    return out;
  }
  if (!isObject(patch)) throw badRequest('Invalid JSON Patch');
  const p = structuredClone(patch);
  if (!isObject(doc)) {
    pruneNulls(p);
    return p;
  }
  mergeDocs(doc, p);
  return doc;
}
