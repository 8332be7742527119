/**
 * The JSON text of stored values. A stored value is frozen and never changes, so its text is
 * computed at most once while it is in this cache and shared by the storage and the registry
 * (responses, watch events). The cache is bounded: a large store keeps its objects decoded or as
 * text, not both, and only recently encoded objects keep their text here.
 */

/** Characters of JSON text kept (≈ bytes: the text is almost always ASCII). */
const DEFAULT_BUDGET = 32 * 2 ** 20;

export class JsonTextCache {
  /** Insertion order = eviction order (first in, first out: cheap, and good enough here). */
  readonly #texts = new Map<object, string>();
  readonly #budget: number;
  #size = 0;

  constructor(budget = DEFAULT_BUDGET) {
    this.#budget = budget;
  }

  get size(): number {
    return this.#texts.size;
  }

  get(value: object): string | undefined {
    return this.#texts.get(value);
  }

  set(value: object, text: string): void {
    if (text.length > this.#budget || this.#texts.has(value)) return;
    this.#texts.set(value, text);
    this.#size += text.length;
    while (this.#size > this.#budget) {
      const oldest = this.#texts.entries().next().value as [object, string];
      this.#texts.delete(oldest[0]);
      this.#size -= oldest[1].length;
    }
  }
}

/**
 * The process's text cache. Stored values are shared process-wide (the store hands the same frozen
 * objects to every reader), so their cached text is too.
 */
const shared = new JsonTextCache();

/** JSON of `value`; cached when the value is a frozen object. */
export function cachedJSON(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  let text = shared.get(value);
  if (text === undefined) {
    text = JSON.stringify(value);
    if (text !== undefined && Object.isFrozen(value)) shared.set(value, text);
  }
  return text;
}

/** The cached JSON of `value`, without computing it when absent. */
export function peekJSON(value: unknown): string | undefined {
  return value !== null && typeof value === 'object' ? shared.get(value) : undefined;
}

/** Records that frozen `value` was parsed from `text`. */
export function rememberJSON(value: unknown, text: string): void {
  if (value !== null && typeof value === 'object' && Object.isFrozen(value)) shared.set(value, text);
}
