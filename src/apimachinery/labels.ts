/**
 * Label selectors, parsed exactly as k8s.io/apimachinery/pkg/labels/selector.go does for
 * `?labelSelector=`: same lexer, same grammar, same error text (kubectl prints it verbatim).
 */
import { badRequest } from './status.js';
import type { FieldError } from './field-errors.js';
import { fieldErr, fieldErrorString } from './field-errors.js';
import { isQualifiedName, isValidLabelValue } from './validation.js';

/** selection.Operator values, spelled as upstream. */
export type LabelOperator = 'in' | 'notin' | '=' | '==' | '!=' | 'exists' | '!' | 'gt' | 'lt';

export interface LabelRequirement {
  readonly key: string;
  readonly operator: LabelOperator;
  /** Sorted and de-duplicated when parsed from a string, as upstream's sets.String. */
  readonly values: readonly string[];
}

/** A parsed label selector: an AND of requirements. Immutable. */
export interface LabelSelector {
  readonly requirements: readonly LabelRequirement[];
  matches(labels: Record<string, string> | undefined): boolean;
  /** True when the selector does not restrict anything (matches everything). */
  isEmpty(): boolean;
  toString(): string;
  /** The single value a label must have (`=`, `==`, or a one-value `in`), if the selector requires one. */
  requiresExactMatch(key: string): string | undefined;
}

const BINARY_OPERATORS = ['in', 'notin', '=', '==', '!=', 'gt', 'lt'];
const VALID_OPERATORS = [...BINARY_OPERATORS, 'exists', '!'];

function has(labels: Record<string, string>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(labels, key);
}

function parseInt64(s: string): bigint | undefined {
  if (!/^[+-]?\d+$/.test(s)) return undefined;
  const n = BigInt(s);
  if (n > 9223372036854775807n || n < -9223372036854775808n) return undefined;
  return n;
}

export function requirementMatches(r: LabelRequirement, labels: Record<string, string>): boolean {
  switch (r.operator) {
    case 'in':
    case '=':
    case '==':
      return has(labels, r.key) && r.values.includes(labels[r.key]!);
    case 'notin':
    case '!=':
      return !has(labels, r.key) || !r.values.includes(labels[r.key]!);
    case 'exists':
      return has(labels, r.key);
    case '!':
      return !has(labels, r.key);
    case 'gt':
    case 'lt': {
      if (!has(labels, r.key) || r.values.length !== 1) return false;
      const lv = parseInt64(labels[r.key]!);
      const rv = parseInt64(r.values[0]!);
      if (lv === undefined || rv === undefined) return false;
      return r.operator === 'gt' ? lv > rv : lv < rv;
    }
  }
}

export function requirementString(r: LabelRequirement): string {
  let s = r.operator === '!' ? `!${r.key}` : r.key;
  switch (r.operator) {
    case 'exists':
    case '!':
      return s;
    case 'in':
      s += ' in ';
      break;
    case 'notin':
      s += ' notin ';
      break;
    case 'gt':
      s += '>';
      break;
    case 'lt':
      s += '<';
      break;
    default:
      s += r.operator;
  }
  const vals = r.values.length === 1 ? r.values[0]! : [...r.values].sort().join(',');
  return r.operator === 'in' || r.operator === 'notin' ? `${s}(${vals})` : s + vals;
}

class RequirementsSelector implements LabelSelector {
  readonly requirements: readonly LabelRequirement[];

  constructor(reqs: LabelRequirement[]) {
    // sorted by key for a deterministic String(), as upstream's ByKey
    this.requirements = Object.freeze([...reqs].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)));
  }

  matches(labels: Record<string, string> | undefined): boolean {
    const ls = labels ?? {};
    return this.requirements.every((r) => requirementMatches(r, ls));
  }

  isEmpty(): boolean {
    return this.requirements.length === 0;
  }

  toString(): string {
    return this.requirements.map(requirementString).join(',');
  }

  requiresExactMatch(key: string): string | undefined {
    const r = this.requirements.find((x) => x.key === key);
    if (r === undefined) return undefined;
    if ((r.operator === '=' || r.operator === '==' || r.operator === 'in') && r.values.length === 1) return r.values[0];
    return undefined;
  }
}

const NOTHING: LabelSelector = Object.freeze({
  requirements: Object.freeze([]),
  matches: () => false,
  isEmpty: () => false,
  toString: () => '',
  requiresExactMatch: () => undefined,
});

/** labels.Everything() */
export function everything(): LabelSelector {
  return new RequirementsSelector([]);
}

/** labels.Nothing(): matches no object (a nil metav1.LabelSelector). */
export function nothing(): LabelSelector {
  return NOTHING;
}

function aggregate(errs: FieldError[]): string {
  const msgs = errs.map(fieldErrorString);
  return msgs.length === 1 ? msgs[0]! : `[${msgs.join(', ')}]`;
}

/**
 * NewRequirement: validates the operator/value arity and every value. `path` is the field path
 * prefix ('' for a query-string selector, as upstream's nil path).
 */
function newRequirement(key: string, op: string, vals: string[], path: string): LabelRequirement {
  const errs: FieldError[] = [];
  const child = (c: string): string => (path === '' ? c : `${path}.${c}`);
  const keyMsgs = isQualifiedName(key);
  if (keyMsgs.length > 0) errs.push(fieldErr.invalid(child('key'), key, keyMsgs.join('; ')));
  const valuePath = child('values');
  switch (op) {
    case 'in':
    case 'notin':
      if (vals.length === 0) errs.push(fieldErr.invalid(valuePath, vals, "for 'in', 'notin' operators, values set can't be empty"));
      break;
    case '=':
    case '==':
    case '!=':
      if (vals.length !== 1) errs.push(fieldErr.invalid(valuePath, vals, 'exact-match compatibility requires one single value'));
      break;
    case 'exists':
    case '!':
      if (vals.length !== 0) errs.push(fieldErr.invalid(valuePath, vals, 'values set must be empty for exists and does not exist'));
      break;
    case 'gt':
    case 'lt':
      if (vals.length !== 1) errs.push(fieldErr.invalid(valuePath, vals, "for 'Gt', 'Lt' operators, exactly one value is required"));
      vals.forEach((v, i) => {
        if (parseInt64(v) === undefined) {
          errs.push(fieldErr.invalid(`${valuePath}[${i}]`, v, "for 'Gt', 'Lt' operators, the value must be an integer"));
        }
      });
      break;
    default:
      errs.push(fieldErr.notSupported(child('operator'), op, VALID_OPERATORS));
  }
  vals.forEach((v, i) => {
    const msgs = isValidLabelValue(v);
    if (msgs.length > 0) errs.push(fieldErr.invalid(`${valuePath}[${i}][${key}]`, v, msgs.join('; ')));
  });
  if (errs.length > 0) throw new RequirementError(aggregate(errs));
  return Object.freeze({ key, operator: op as LabelOperator, values: Object.freeze([...vals]) });
}

class RequirementError extends Error {}

// ---- lexer (selector.go Lexer) ----

enum Tok {
  Error,
  EndOfString,
  ClosedPar,
  Comma,
  DoesNotExist,
  DoubleEquals,
  Equals,
  GreaterThan,
  Identifier,
  In,
  LessThan,
  NotEquals,
  NotIn,
  OpenPar,
}

const STRING_TO_TOKEN: Record<string, Tok> = {
  ')': Tok.ClosedPar,
  ',': Tok.Comma,
  '!': Tok.DoesNotExist,
  '==': Tok.DoubleEquals,
  '=': Tok.Equals,
  '>': Tok.GreaterThan,
  in: Tok.In,
  '<': Tok.LessThan,
  '!=': Tok.NotEquals,
  notin: Tok.NotIn,
  '(': Tok.OpenPar,
};

function tokenOf(s: string): Tok | undefined {
  return Object.prototype.hasOwnProperty.call(STRING_TO_TOKEN, s) ? STRING_TO_TOKEN[s] : undefined;
}

const isWhitespace = (ch: string): boolean => ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
const isSpecialSymbol = (ch: string): boolean => '=!(),><'.includes(ch) && ch !== '';

interface Scanned {
  tok: Tok;
  lit: string;
}

function lex(s: string): Scanned[] {
  let pos = 0;
  // Go's lexer reads bytes and treats NUL as the end of input
  const read = (): string => {
    if (pos < s.length) {
      const ch = s[pos]!;
      pos++;
      return ch === '\0' ? '' : ch;
    }
    return '';
  };
  const unread = (): void => {
    pos--;
  };
  const out: Scanned[] = [];
  for (;;) {
    let ch = read();
    while (ch !== '' && isWhitespace(ch)) ch = read();
    if (ch === '') {
      out.push({ tok: Tok.EndOfString, lit: '' });
      return out;
    }
    unread();
    if (isSpecialSymbol(ch)) {
      let buf = '';
      let last: Scanned | undefined;
      for (;;) {
        const c = read();
        if (c === '') break;
        if (isSpecialSymbol(c)) {
          buf += c;
          const t = tokenOf(buf);
          if (t !== undefined) last = { tok: t, lit: buf };
          else if (last !== undefined) {
            unread();
            break;
          }
        } else {
          unread();
          break;
        }
      }
      out.push(last ?? { tok: Tok.Error, lit: `error expected: keyword found '${buf}'` });
    } else {
      let buf = '';
      for (;;) {
        const c = read();
        if (c === '') break;
        if (isSpecialSymbol(c) || isWhitespace(c)) {
          unread();
          break;
        }
        buf += c;
      }
      out.push({ tok: tokenOf(buf) ?? Tok.Identifier, lit: buf });
    }
  }
}

// ---- parser (selector.go Parser) ----

class Parser {
  #items: Scanned[];
  #pos = 0;

  constructor(s: string) {
    this.#items = lex(s);
  }

  // In a values context the keywords `in`/`notin` are plain identifiers: `x in (in)`.
  #adjust(it: Scanned, values: boolean): Scanned {
    if (values && (it.tok === Tok.In || it.tok === Tok.NotIn)) return { tok: Tok.Identifier, lit: it.lit };
    return it;
  }

  lookahead(values: boolean): Scanned {
    return this.#adjust(this.#items[this.#pos]!, values);
  }

  consume(values: boolean): Scanned {
    const it = this.#items[this.#pos]!;
    this.#pos++;
    return this.#adjust(it, values);
  }

  parse(): LabelRequirement[] {
    const reqs: LabelRequirement[] = [];
    for (;;) {
      const { tok, lit } = this.lookahead(true);
      switch (tok) {
        case Tok.Identifier:
        case Tok.DoesNotExist: {
          let r: LabelRequirement;
          try {
            r = this.parseRequirement();
          } catch (err) {
            throw new RequirementError(`unable to parse requirement: ${(err as Error).message}`);
          }
          reqs.push(r);
          const next = this.consume(true);
          if (next.tok === Tok.EndOfString) return reqs;
          if (next.tok === Tok.Comma) {
            const t2 = this.lookahead(true);
            if (t2.tok !== Tok.Identifier && t2.tok !== Tok.DoesNotExist) {
              throw new RequirementError(`found '${t2.lit}', expected: identifier after ','`);
            }
            break;
          }
          throw new RequirementError(`found '${next.lit}', expected: ',' or 'end of string'`);
        }
        case Tok.EndOfString:
          return reqs;
        default:
          throw new RequirementError(`found '${lit}', expected: !, identifier, or 'end of string'`);
      }
    }
  }

  parseRequirement(): LabelRequirement {
    const [key, inferred] = this.parseKeyAndInferOperator();
    if (inferred === 'exists' || inferred === '!') return newRequirement(key, inferred, [], '');
    const op = this.parseOperator();
    const values = op === 'in' || op === 'notin' ? this.parseValues() : this.parseExactValue();
    return newRequirement(key, op, [...values].sort(), '');
  }

  parseKeyAndInferOperator(): [string, LabelOperator | ''] {
    let op: LabelOperator | '' = '';
    let { tok, lit } = this.consume(true);
    if (tok === Tok.DoesNotExist) {
      op = '!';
      ({ tok, lit } = this.consume(true));
    }
    if (tok !== Tok.Identifier) throw new RequirementError(`found '${lit}', expected: identifier`);
    const msgs = isQualifiedName(lit);
    if (msgs.length > 0) throw new RequirementError(fieldErrorString(fieldErr.invalid('<nil>', lit, msgs.join('; '))));
    const t = this.lookahead(true).tok;
    if ((t === Tok.EndOfString || t === Tok.Comma) && op !== '!') op = 'exists';
    return [lit, op];
  }

  parseOperator(): LabelOperator {
    const { tok, lit } = this.consume(false);
    switch (tok) {
      case Tok.In:
        return 'in';
      case Tok.Equals:
        return '=';
      case Tok.DoubleEquals:
        return '==';
      case Tok.GreaterThan:
        return 'gt';
      case Tok.LessThan:
        return 'lt';
      case Tok.NotIn:
        return 'notin';
      case Tok.NotEquals:
        return '!=';
      default:
        throw new RequirementError(`found '${lit}', expected: ${BINARY_OPERATORS.join(', ')}`);
    }
  }

  parseValues(): Set<string> {
    const open = this.consume(true);
    if (open.tok !== Tok.OpenPar) throw new RequirementError(`found '${open.lit}' expected: '('`);
    const { tok, lit } = this.lookahead(true);
    switch (tok) {
      case Tok.Identifier:
      case Tok.Comma: {
        const s = this.parseIdentifiersList();
        // upstream reports the literal seen before the list, not the offending one
        if (this.consume(true).tok !== Tok.ClosedPar) throw new RequirementError(`found '${lit}', expected: ')'`);
        return s;
      }
      case Tok.ClosedPar:
        this.consume(true);
        return new Set(['']);
      default:
        throw new RequirementError(`found '${lit}', expected: ',', ')' or identifier`);
    }
  }

  parseIdentifiersList(): Set<string> {
    const s = new Set<string>();
    for (;;) {
      const { tok, lit } = this.consume(true);
      switch (tok) {
        case Tok.Identifier: {
          s.add(lit);
          const next = this.lookahead(true);
          if (next.tok === Tok.Comma) continue;
          if (next.tok === Tok.ClosedPar) return s;
          throw new RequirementError(`found '${next.lit}', expected: ',' or ')'`);
        }
        case Tok.Comma: {
          if (s.size === 0) s.add(''); // "(,"
          const next = this.lookahead(true).tok;
          if (next === Tok.ClosedPar) {
            s.add(''); // ",)"
            return s;
          }
          if (next === Tok.Comma) {
            this.consume(true);
            s.add(''); // ",,"
          }
          break;
        }
        default:
          throw new RequirementError(`found '${lit}', expected: ',', or identifier`);
      }
    }
  }

  parseExactValue(): Set<string> {
    const t = this.lookahead(true).tok;
    if (t === Tok.EndOfString || t === Tok.Comma) return new Set(['']);
    const { tok, lit } = this.consume(true);
    if (tok === Tok.Identifier) return new Set([lit]);
    throw new RequirementError(`found '${lit}', expected: identifier`);
  }
}

/**
 * labels.Parse for `?labelSelector=`. The empty string selects everything.
 * Throws a 400 BadRequest carrying upstream's message.
 */
export function parseLabelSelector(s: string): LabelSelector {
  try {
    return new RequirementsSelector(new Parser(s).parse());
  } catch (err) {
    if (err instanceof RequirementError) throw badRequest(err.message);
    throw err;
  }
}

/**
 * SelectorFromValidatedSet: equality on every pair, no validation. An empty map gives an empty
 * selector that matches everything; callers that want "selects nothing" (Service selectors) check
 * for emptiness themselves.
 */
export function selectorFromSet(set: Record<string, string> | undefined): LabelSelector {
  return new RequirementsSelector(
    Object.entries(set ?? {}).map(([key, v]) => Object.freeze({ key, operator: '=' as const, values: Object.freeze([v]) })),
  );
}

export const selectorFromValidatedSet = selectorFromSet;

/** metav1.LabelSelector as it appears in objects. */
export interface LabelSelectorObject {
  matchLabels?: Record<string, string> | null;
  matchExpressions?: Array<{ key: string; operator: string; values?: string[] | null }> | null;
}

/**
 * metav1.LabelSelectorAsSelector: null/undefined selects nothing, an empty selector everything.
 * Throws a 400 BadRequest on an invalid operator, key or value.
 */
export function labelSelectorFromLabelSelectorObject(sel: LabelSelectorObject | null | undefined): LabelSelector {
  if (sel === null || sel === undefined) return nothing();
  const matchLabels = sel.matchLabels ?? {};
  const exprs = sel.matchExpressions ?? [];
  try {
    const reqs: LabelRequirement[] = Object.entries(matchLabels).map(([k, v]) => newRequirement(k, '=', [v], ''));
    for (const e of exprs) {
      let op: LabelOperator;
      switch (e.operator) {
        case 'In':
          op = 'in';
          break;
        case 'NotIn':
          op = 'notin';
          break;
        case 'Exists':
          op = 'exists';
          break;
        case 'DoesNotExist':
          op = '!';
          break;
        default:
          throw new RequirementError(`${JSON.stringify(e.operator)} is not a valid label selector operator`);
      }
      reqs.push(newRequirement(e.key, op, [...(e.values ?? [])], ''));
    }
    return new RequirementsSelector(reqs);
  } catch (err) {
    if (err instanceof RequirementError) throw badRequest(err.message);
    throw err;
  }
}
