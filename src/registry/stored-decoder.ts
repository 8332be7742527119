/**
 * Decoding of stored objects for the store's cells. Objects written the same way carry the same
 * managedFields field sets (every pod of a workload, every status the kubelet writes): those
 * subtrees are the largest part of a decoded object, so identical ones are decoded into one
 * shared object. The store freezes what this returns, shared subtrees included, so sharing is safe.
 */

/** Distinct field sets remembered; past this the table starts over (sharing already made stays). */
const DEFAULT_MAX_ENTRIES = 20_000;

export class StoredObjectDecoder {
  readonly #shared = new Map<string, object>();
  readonly #maxEntries: number;

  constructor(maxEntries = DEFAULT_MAX_ENTRIES) {
    this.#maxEntries = maxEntries;
  }

  /** Distinct field sets currently remembered. */
  get size(): number {
    return this.#shared.size;
  }

  readonly decode = (json: string): unknown => {
    const obj = JSON.parse(json) as { metadata?: { managedFields?: unknown } } | null;
    const entries = obj?.metadata?.managedFields;
    if (Array.isArray(entries)) {
      for (const entry of entries as Array<{ fieldsV1?: unknown } | null>) {
        const fields = entry?.fieldsV1;
        if (fields !== null && typeof fields === 'object') entry!.fieldsV1 = this.#share(fields);
      }
    }
    return obj;
  };

  #share(fields: object): object {
    const text = JSON.stringify(fields);
    const known = this.#shared.get(text);
    if (known !== undefined) return known;
    if (this.#shared.size >= this.#maxEntries) this.#shared.clear();
    this.#shared.set(text, fields);
    return fields;
  }
}
