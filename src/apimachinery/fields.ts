/**
 * Field selectors (`?fieldSelector=`) as k8s.io/apimachinery/pkg/fields/selector.go parses them:
 * comma-separated `k=v`, `k==v`, `k!=v` terms ANDed together, values escaped with `\`.
 */
import { badRequest } from './status.js';
import type { StatusError } from './status.js';

export interface FieldRequirement {
  readonly field: string;
  /** `==` is folded into `=`, as upstream's selection.Equals for hasTerm. */
  readonly operator: '=' | '!=';
  readonly value: string;
}

/** A parsed field selector. Immutable. */
export interface FieldSelector {
  readonly requirements: readonly FieldRequirement[];
  /** `get` returns the object's value for a field label; an absent field compares as ''. */
  matches(get: (field: string) => string | undefined): boolean;
  isEmpty(): boolean;
  /** The distinct field labels referenced, in requirement order. */
  fields(): string[];
  /** RequiresExactMatch: the value of the first `=` term on `field`, if any. */
  singleValue(field: string): string | undefined;
  toString(): string;
}

/** EscapeValue: `\` → `\\`, `,` → `\,`, `=` → `\=`. */
export function escapeFieldValue(s: string): string {
  return s.replace(/[\\,=]/g, (c) => `\\${c}`);
}

class ParseError extends Error {}

/** UnescapeValue; the odd messages (a rune printed as its code point) are upstream's. */
function unescapeValue(s: string): string {
  if (!/[\\,=]/.test(s)) return s;
  let out = '';
  let inSlash = false;
  for (const c of s) {
    if (inSlash) {
      if (c === '\\' || c === ',' || c === '=') out += c;
      else throw new ParseError(`invalid field selector: invalid escape sequence: \\${c}`);
      inSlash = false;
      continue;
    }
    if (c === '\\') inSlash = true;
    else if (c === ',' || c === '=') {
      throw new ParseError(`invalid field selector: unescapedRune character in value: ${c.codePointAt(0)}`);
    } else out += c;
  }
  if (inSlash) throw new ParseError('invalid field selector: invalid escape sequence: \\');
  return out;
}

/** splitTerms: commas preceded by a backslash are data, and the backslash stays for unescapeValue. */
function splitTerms(sel: string): string[] {
  if (sel.length === 0) return [];
  const terms: string[] = [];
  let start = 0;
  let inSlash = false;
  for (let i = 0; i < sel.length; i++) {
    const c = sel[i];
    if (inSlash) inSlash = false;
    else if (c === '\\') inSlash = true;
    else if (c === ',') {
      terms.push(sel.slice(start, i));
      start = i + 1;
    }
  }
  terms.push(sel.slice(start));
  return terms;
}

// `==` before `=` so the value keeps no leading `=`
const TERM_OPERATORS = ['!=', '==', '='] as const;

function splitTerm(term: string): [string, (typeof TERM_OPERATORS)[number], string] | undefined {
  for (let i = 0; i < term.length; i++) {
    for (const op of TERM_OPERATORS) {
      if (term.startsWith(op, i)) return [term.slice(0, i), op, term.slice(i + op.length)];
    }
  }
  return undefined;
}

class TermsSelector implements FieldSelector {
  readonly requirements: readonly FieldRequirement[];

  constructor(reqs: FieldRequirement[]) {
    this.requirements = Object.freeze(reqs.map((r) => Object.freeze({ ...r })));
  }

  matches(get: (field: string) => string | undefined): boolean {
    return this.requirements.every((r) => {
      const v = get(r.field) ?? '';
      return r.operator === '=' ? v === r.value : v !== r.value;
    });
  }

  isEmpty(): boolean {
    return this.requirements.length === 0;
  }

  fields(): string[] {
    return [...new Set(this.requirements.map((r) => r.field))];
  }

  singleValue(field: string): string | undefined {
    return this.requirements.find((r) => r.field === field && r.operator === '=')?.value;
  }

  toString(): string {
    return this.requirements.map((r) => `${r.field}${r.operator}${escapeFieldValue(r.value)}`).join(',');
  }
}

/** fields.ParseSelector. Empty string (or only commas) selects everything. Throws 400 BadRequest. */
export function parseFieldSelector(selector: string): FieldSelector {
  // upstream sorts the raw terms, so requirement order is lexical
  const parts = splitTerms(selector).sort();
  const reqs: FieldRequirement[] = [];
  try {
    for (const part of parts) {
      if (part === '') continue;
      const split = splitTerm(part);
      if (split === undefined) throw new ParseError(`invalid selector: '${selector}'; can't understand '${part}'`);
      const [field, op, rhs] = split;
      reqs.push({ field, operator: op === '!=' ? '!=' : '=', value: unescapeValue(rhs) });
    }
  } catch (err) {
    if (err instanceof ParseError) throw badRequest(err.message);
    throw err;
  }
  return new TermsSelector(reqs);
}

/** fields.SelectorFromSet / OneTermEqualSelector: equality on every pair. */
export function fieldSelectorFromSet(set: Record<string, string>): FieldSelector {
  return new TermsSelector(Object.entries(set).map(([field, value]) => ({ field, operator: '=' as const, value })));
}

/**
 * The 400 a kind's field-label conversion returns for a label it does not support, e.g.
 * `field label not supported: spec.foo` (pkg/apis/core/v1/conversion.go).
 */
export function unsupportedField(field: string): StatusError {
  return badRequest(`field label not supported: ${field}`);
}

/**
 * The 400 from runtime.DefaultMetaV1FieldSelectorConversion, used by kinds without their own
 * conversion: `"spec.foo" is not a known field selector: only "metadata.name", "metadata.namespace"`.
 */
export function unknownFieldSelector(field: string): StatusError {
  return badRequest(`${JSON.stringify(field)} is not a known field selector: only "metadata.name", "metadata.namespace"`);
}
