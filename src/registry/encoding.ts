/**
 * JSON encoding of stored objects, once per stored version: stored values are frozen and
 * shared, so their text is cached and a response only splices in the resourceVersion.
 * Lists of hundreds of objects then cost string joins rather than JSON.stringify of each.
 */
import type { KList, KObject } from '../apimachinery/meta.js';
import { cachedJSON } from '../storage/json-cache.js';
import type { KeyValue } from '../storage/storage.js';

/** JSON of a stored (frozen) value, shared with the storage's cache. */
export function storedJSON(value: KObject): string {
  return cachedJSON(value) as string;
}

/**
 * How every stored object's text begins (the registry writes apiVersion, kind, metadata first and
 * never stores metadata.resourceVersion): the resourceVersion is spliced in right after it.
 */
const CANONICAL_HEAD = /^\{"apiVersion":"[^"\\]*","kind":"[^"\\]*","metadata":\{/;

/**
 * A stored object's JSON with metadata.resourceVersion set to its revision, from the stored text
 * (no decode when the store still holds the object as text, no stringify when the text is cached).
 */
export function encodeStored(kv: KeyValue<KObject>): string {
  const text = kv.json ?? storedJSON(kv.value);
  const head = CANONICAL_HEAD.exec(text);
  const rv = String(kv.modRevision);
  if (!head) return JSON.stringify({ ...kv.value, metadata: { ...kv.value.metadata, resourceVersion: rv } });
  const at = head[0].length;
  const field = `"resourceVersion":${JSON.stringify(rv)}`;
  return text.charCodeAt(at) === 125 /* } */ ? `${text.slice(0, at)}${field}${text.slice(at)}` : `${text.slice(0, at)}${field},${text.slice(at)}`;
}

/**
 * Responses whose JSON is already known: a write's result (its stored text with the
 * resourceVersion spliced in). The handler sends that text instead of stringifying the object.
 */
const encodedResults = new WeakMap<object, string>();

export function rememberEncoded(obj: KObject, text: string): void {
  encodedResults.set(obj, text);
}

/** JSON of a response body: the known text of a write's result, else a fresh stringify. */
export function encodeResponse(body: unknown): string {
  return (body !== null && typeof body === 'object' ? encodedResults.get(body) : undefined) ?? JSON.stringify(body);
}

/** A mutable deep copy of a stored value, parsed from its text. */
export function copyStored<T extends KObject>(kv: KeyValue<T>): T {
  return JSON.parse(kv.json ?? storedJSON(kv.value)) as T;
}

/** apiVersion, kind, metadata first, the rest in their order: the shape every stored object has. */
export function canonicalOrder<T extends KObject>(obj: T): T {
  const { apiVersion, kind, metadata, ...rest } = obj;
  return { apiVersion, kind, metadata, ...rest } as T;
}

/** A list's JSON, built from its stored objects' cached encodings. */
export interface ListEncoding {
  encode(): string;
  /**
   * The same JSON in pieces of about LIST_CHUNK_CHARS each, to write one after another: a large
   * list then never becomes one multi-MB string (allocated straight into the old generation, where
   * each page of a paged LIST would bring the next full collection closer).
   */
  encodeChunks(): string[];
}

/** Target size of a list response piece (see ListEncoding.encodeChunks). */
const LIST_CHUNK_CHARS = 64 * 1024;

export function listEncoding(kind: string, apiVersion: string, meta: KList['metadata'], items: KeyValue[]): ListEncoding {
  const head = () => `{"kind":${JSON.stringify(kind)},"apiVersion":${JSON.stringify(apiVersion)},"metadata":${JSON.stringify(meta)},"items":[`;
  const encodeItems = () => items.map((kv) => encodeStored(kv as KeyValue<KObject>));
  return {
    encode: () => `${head()}${encodeItems().join(',')}]}`,
    encodeChunks: () => {
      const chunks: string[] = [];
      let piece = head();
      let first = true;
      for (const item of encodeItems()) {
        piece += first ? item : `,${item}`;
        first = false;
        if (piece.length >= LIST_CHUNK_CHARS) {
          chunks.push(piece);
          piece = '';
        }
      }
      chunks.push(`${piece}]}`);
      return chunks;
    },
  };
}
