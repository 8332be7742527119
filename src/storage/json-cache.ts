/**
 * The JSON text of stored values. A stored value is frozen and never changes, so its text is
 * computed at most once (usually it is the very text the value was parsed from) and shared by
 * the storage (event records) and the registry (responses).
 */
const texts = new WeakMap<object, string>();

/** JSON of `value`; cached when the value is a frozen object. */
export function cachedJSON(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  let text = texts.get(value);
  if (text === undefined) {
    text = JSON.stringify(value);
    if (text !== undefined && Object.isFrozen(value)) texts.set(value, text);
  }
  return text;
}

/** Records that frozen `value` was parsed from `text`. */
export function rememberJSON(value: unknown, text: string): void {
  if (value !== null && typeof value === 'object' && Object.isFrozen(value)) texts.set(value, text);
}
