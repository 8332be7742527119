/**
 * RFC 6902 JSON Patch with the semantics of gopkg.in/evanphx/json-patch.v4, which kube-apiserver
 * uses (pkg/endpoints/handlers/patch.go):
 * - a body that is not an array of objects → 400 with Go's decode error;
 * - more than 10000 operations → 413;
 * - any operation that fails to apply → 422 Invalid with the generic message (the handler wraps the
 *   library error in NewGenericServerResponse, which drops its text). The library's text is kept as
 *   the error's `cause` for logs.
 * v4 quirks kept on purpose: `replace` of a missing object key adds it, a missing `value` means null,
 * negative array indices count from the end, and the root path "" is not addressable.
 */
import { StatusError, badRequest, failure, tooLarge } from '../status.js';

export const MAX_JSON_PATCH_OPERATIONS = 10000;

type Container = Record<string, unknown> | unknown[];

class ApplyError extends Error {}

function goTypeWord(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'object') return 'object';
  if (typeof v === 'boolean') return 'bool';
  return typeof v;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The 422 kube returns when a decoded JSON patch fails to apply. */
export function jsonPatchApplyError(detail: string): StatusError {
  const err = new StatusError(
    // as NewGenericServerResponse: the library's text travels as an UnexpectedServerResponse cause
    failure(422, 'Invalid', 'the server rejected our request due to an error in our request', {
      causes: [{ reason: 'UnexpectedServerResponse', message: detail }],
    }),
  );
  err.cause = new Error(detail);
  return err;
}

function decodeKey(k: string): string {
  return k.replace(/~1|~0/g, (m) => (m === '~1' ? '/' : '~'));
}

/** strconv.Atoi */
function atoi(s: string): number | undefined {
  if (!/^[+-]?\d+$/.test(s)) return undefined;
  const n = Number(s);
  return Number.isSafeInteger(n) ? n : undefined;
}

function getChild(c: Container, key: string): unknown {
  if (Array.isArray(c)) {
    const idx = atoi(key);
    if (idx === undefined) throw new ApplyError(`strconv.Atoi: parsing ${JSON.stringify(key)}: invalid syntax`);
    if (idx >= c.length || idx < 0) throw new ApplyError(`Unable to access invalid index: ${idx}: invalid index referenced`);
    return c[idx];
  }
  return Object.prototype.hasOwnProperty.call(c, key) ? c[key] : undefined;
}

/** findObject: the container holding the last path segment, and that segment decoded. */
function findObject(doc: Container, path: string): [Container, string] | undefined {
  const split = path.split('/');
  if (split.length < 2) return undefined;
  let cur: Container = doc;
  for (const part of split.slice(1, -1)) {
    let next: unknown;
    try {
      next = getChild(cur, decodeKey(part));
    } catch {
      return undefined;
    }
    if (Array.isArray(next) || isObject(next)) cur = next;
    else return undefined;
  }
  return [cur, decodeKey(split[split.length - 1]!)];
}

function addTo(c: Container, key: string, val: unknown): void {
  if (!Array.isArray(c)) {
    c[key] = val;
    return;
  }
  if (key === '-') {
    c.push(val);
    return;
  }
  let idx = atoi(key);
  if (idx === undefined) throw new ApplyError(`value was not a proper array index: '${key}'`);
  const size = c.length + 1;
  if (idx >= size || idx < -size) throw new ApplyError(`Unable to access invalid index: ${idx}: invalid index referenced`);
  if (idx < 0) idx += size;
  c.splice(idx, 0, val);
}

function removeFrom(c: Container, key: string): void {
  if (!Array.isArray(c)) {
    if (!Object.prototype.hasOwnProperty.call(c, key)) {
      throw new ApplyError(`Unable to remove nonexistent key: ${key}: missing value`);
    }
    delete c[key];
    return;
  }
  let idx = atoi(key);
  if (idx === undefined) throw new ApplyError(`strconv.Atoi: parsing ${JSON.stringify(key)}: invalid syntax`);
  if (idx >= c.length || idx < -c.length) throw new ApplyError(`Unable to access invalid index: ${idx}: invalid index referenced`);
  if (idx < 0) idx += c.length;
  c.splice(idx, 1);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((v, i) => deepEqual(v, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

function stringField(op: Record<string, unknown>, name: 'path' | 'from', kind: string): string {
  const v = op[name];
  if (typeof v === 'string') return v;
  if (v === undefined || v === null) throw new ApplyError(`${kind} operation failed to decode ${name}: missing value`);
  throw new ApplyError(`json: cannot unmarshal ${goTypeWord(v)} into Go value of type string`);
}

function applyOne(doc: Container, op: Record<string, unknown>): void {
  const kind = typeof op.op === 'string' ? op.op : 'unknown';
  const value = op.value === undefined ? null : op.value;
  switch (kind) {
    case 'add': {
      const path = stringField(op, 'path', kind);
      const found = findObject(doc, path);
      if (!found) throw new ApplyError(`add operation does not apply: doc is missing path: "${path}": missing value`);
      addTo(found[0], found[1], structuredClone(value));
      return;
    }
    case 'remove': {
      const path = stringField(op, 'path', kind);
      const found = findObject(doc, path);
      if (!found) throw new ApplyError(`remove operation does not apply: doc is missing path: "${path}": missing value`);
      removeFrom(found[0], found[1]);
      return;
    }
    case 'replace': {
      const path = stringField(op, 'path', kind);
      const found = findObject(doc, path);
      if (!found) throw new ApplyError(`replace operation does not apply: doc is missing path: ${path}: missing value`);
      const [c, key] = found;
      if (Array.isArray(c)) {
        getChild(c, key);
        c[atoi(key)!] = structuredClone(value);
      } else {
        c[key] = structuredClone(value);
      }
      return;
    }
    case 'move': {
      const from = stringField(op, 'from', kind);
      const src = findObject(doc, from);
      if (!src) throw new ApplyError(`move operation does not apply: doc is missing from path: ${from}: missing value`);
      const val = getChild(src[0], src[1]);
      removeFrom(src[0], src[1]);
      const path = stringField(op, 'path', kind);
      const dst = findObject(doc, path);
      if (!dst) throw new ApplyError(`move operation does not apply: doc is missing destination path: ${path}: missing value`);
      addTo(dst[0], dst[1], val);
      return;
    }
    case 'copy': {
      const from = stringField(op, 'from', kind);
      const src = findObject(doc, from);
      if (!src) throw new ApplyError(`copy operation does not apply: doc is missing from path: ${from}: missing value`);
      const val = getChild(src[0], src[1]);
      if (val === undefined) throw new ApplyError(`copy operation does not apply: doc is missing from path: ${from}: missing value`);
      const path = stringField(op, 'path', kind);
      const dst = findObject(doc, path);
      if (!dst) throw new ApplyError(`copy operation does not apply: doc is missing destination path: ${path}: missing value`);
      addTo(dst[0], dst[1], structuredClone(val));
      return;
    }
    case 'test': {
      const path = stringField(op, 'path', kind);
      const found = findObject(doc, path);
      if (!found) throw new ApplyError(`test operation does not apply: is missing path: ${path}: missing value`);
      const cur = getChild(found[0], found[1]);
      // an absent key tests equal to null, as in v4
      if (deepEqual(cur === undefined ? null : cur, value)) return;
      throw new ApplyError(`testing value ${path} failed: test failed`);
    }
    default:
      throw new ApplyError(`Unexpected kind: ${kind}`);
  }
}

/**
 * Apply a decoded `application/json-patch+json` body to `doc`. Never mutates its inputs.
 * Throws 400 (not a list of operations), 413 (too many) or 422 (an operation failed).
 */
export function applyJsonPatch(doc: unknown, ops: unknown): unknown {
  if (ops === null) return structuredClone(doc);
  if (!Array.isArray(ops)) {
    throw badRequest(`json: cannot unmarshal ${goTypeWord(ops)} into Go value of type jsonpatch.Patch`);
  }
  for (const op of ops) {
    if (op !== null && !isObject(op)) {
      throw badRequest(`json: cannot unmarshal ${goTypeWord(op)} into Go value of type jsonpatch.Operation`);
    }
  }
  if (ops.length > MAX_JSON_PATCH_OPERATIONS) {
    throw tooLarge(
      `Request entity too large: The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${ops.length}`,
    );
  }
  if (!Array.isArray(doc) && !isObject(doc)) throw jsonPatchApplyError('invalid document');
  const out = structuredClone(doc) as Container;
  try {
    for (const op of ops as Array<Record<string, unknown> | null>) applyOne(out, op ?? {});
  } catch (err) {
    if (err instanceof ApplyError) throw jsonPatchApplyError(err.message);
    throw err;
  }
  return out;
}
