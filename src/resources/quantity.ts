/**
 * resource.Quantity from k8s.io/apimachinery/pkg/api/resource: parsing, comparison and the
 * canonical string kube-apiserver serialises (`1000m` → `1`, `1024Mi` → `1Gi`, `0.5` → `500m`).
 * Values are exact: `unscaled × 10^scale` as a bigint, rounded up to nano precision as upstream.
 */

export type QuantityFormat = 'DecimalExponent' | 'BinarySI' | 'DecimalSI';

/** A parsed quantity. Immutable. */
export interface Quantity {
  /** value = unscaled × 10^scale, with no trailing zero digit in `unscaled` (0 has scale 0). */
  readonly unscaled: bigint;
  readonly scale: number;
  readonly format: QuantityFormat;
  /** The input, when upstream keeps it verbatim as the serialised form (already canonical). */
  readonly cached?: string;
}

// upstream's resource.ErrFormatWrong, ErrNumeric and ErrSuffix
export const QUANTITY_FORMAT_WRONG = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
export const QUANTITY_SUFFIX_ERROR = "unable to parse quantity's suffix";

/** A string that is not a quantity; `message` is upstream's error text. */
export class QuantityError extends Error {}

const DEC_SUFFIXES: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
const BIN_SUFFIXES: Record<string, number> = { Ki: 10, Mi: 20, Gi: 30, Ti: 40, Pi: 50, Ei: 60 };
const DEC_BY_EXPONENT = new Map(Object.entries(DEC_SUFFIXES).map(([s, e]) => [e, s]));
const BIN_BY_EXPONENT = new Map(Object.entries(BIN_SUFFIXES).map(([s, e]) => [e, s]));
const MAX_INT64_FACTORS = 18;
const NANO = -9;
const DIGITS = /^[0-9]*/;

function pow10(n: number): bigint {
  return 10n ** BigInt(n);
}

function abs(v: bigint): bigint {
  return v < 0n ? -v : v;
}

/** Moves factors of ten from the mantissa into the exponent. */
function normalize(unscaled: bigint, scale: number): { unscaled: bigint; scale: number } {
  if (unscaled === 0n) return { unscaled: 0n, scale: 0 };
  while (unscaled % 10n === 0n) {
    unscaled /= 10n;
    scale++;
  }
  return { unscaled, scale };
}

interface Parts {
  positive: boolean;
  num: string;
  denom: string;
  suffix: string;
}

/** upstream's parseQuantityString: sign, numerator (leading zeros dropped), denominator, suffix. */
function splitQuantity(str: string): Parts {
  let pos = 0;
  let positive = true;
  if (str[0] === '-' || str[0] === '+') {
    positive = str[0] === '+';
    pos++;
  }
  while (str[pos] === '0') pos++;
  const num = DIGITS.exec(str.slice(pos))![0];
  pos += num.length;
  let denom = '';
  if (str[pos] === '.') {
    pos++;
    denom = DIGITS.exec(str.slice(pos))![0];
    pos += denom.length;
  }
  const suffixStart = pos;
  while (pos < str.length && 'eEinumkKMGTP'.includes(str[pos]!)) pos++;
  if (str[pos] === '-' || str[pos] === '+') pos++;
  pos += DIGITS.exec(str.slice(pos))![0].length;
  if (pos < str.length) throw new QuantityError(QUANTITY_FORMAT_WRONG);
  return { positive, num: num === '' ? '0' : num, denom, suffix: str.slice(suffixStart) };
}

function interpretSuffix(suffix: string): { base: 10 | 2; exponent: number; format: QuantityFormat } {
  if (suffix in DEC_SUFFIXES) return { base: 10, exponent: DEC_SUFFIXES[suffix]!, format: 'DecimalSI' };
  if (suffix in BIN_SUFFIXES) return { base: 2, exponent: BIN_SUFFIXES[suffix]!, format: 'BinarySI' };
  if (suffix.length > 1 && (suffix[0] === 'e' || suffix[0] === 'E') && /^[+-]?[0-9]+$/.test(suffix.slice(1))) {
    return { base: 10, exponent: Number(suffix.slice(1)), format: 'DecimalExponent' };
  }
  throw new QuantityError(QUANTITY_SUFFIX_ERROR);
}

/** Whether upstream's fast path keeps the input string as the serialised form. */
function keepsInput(parts: Parts, base: 10 | 2, exponent: number): boolean {
  const shifted = parts.num + parts.denom;
  if (base === 10) {
    if (MAX_INT64_FACTORS - shifted.length < 0) return false;
    const scale = exponent - parts.denom.length;
    return scale >= NANO && scale % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0';
  }
  if (parts.denom.length > 0) return false;
  // 2^10 carries ~3 decimal digits of precision, as upstream's estimate
  if (15 - parts.num.length - Math.trunc((exponent * 3) / 10) - 1 < 0) return false;
  return (BigInt(shifted) & 7n) !== 0n;
}

/** ParseQuantity: throws QuantityError with upstream's message. Numbers are read as their JSON text. */
export function parseQuantity(input: string | number): Quantity {
  const str = typeof input === 'number' ? String(input) : input;
  if (str.length === 0) throw new QuantityError(QUANTITY_FORMAT_WRONG);
  if (str === '0') return { unscaled: 0n, scale: 0, format: 'DecimalSI', cached: '0' };
  const parts = splitQuantity(str);
  const { base, exponent, format } = interpretSuffix(parts.suffix);
  let unscaled = BigInt(parts.num + parts.denom);
  let scale = -parts.denom.length;
  if (base === 10) scale += exponent;
  else unscaled *= 2n ** BigInt(exponent);
  // values finer than a nano round up (away from zero), as upstream
  if (scale < NANO) {
    const div = pow10(NANO - scale);
    const rounded = unscaled / div + (unscaled % div === 0n ? 0n : 1n);
    unscaled = rounded;
    scale = NANO;
  }
  if (!parts.positive) unscaled = -unscaled;
  const n = normalize(unscaled, scale);
  const cached = keepsInput(parts, base, exponent) ? str : undefined;
  return cached === undefined ? { ...n, format } : { ...n, format, cached };
}

/** -1, 0 or 1 as a is less than, equal to or greater than b. */
export function compareQuantity(a: Quantity, b: Quantity): number {
  const s = Math.min(a.scale, b.scale);
  const av = a.unscaled * pow10(a.scale - s);
  const bv = b.unscaled * pow10(b.scale - s);
  return av < bv ? -1 : av > bv ? 1 : 0;
}

export function isNegative(q: Quantity): boolean {
  return q.unscaled < 0n;
}

/** A whole number (MilliValue() % 1000 == 0 upstream). */
export function isWholeQuantity(q: Quantity): boolean {
  return q.scale >= 0;
}

/** Quantity.String(): the canonical form. */
export function quantityString(q: Quantity): string {
  if (q.cached !== undefined) return q.cached;
  if (q.unscaled === 0n) return '0';
  let format = q.format;
  if (format === 'BinarySI') {
    const small = q.scale <= 0 ? abs(q.unscaled) < 1024n * pow10(-q.scale) : false;
    // as upstream: small or fractional binary values print as DecimalSI to avoid rounding
    if (small || q.scale < 0) format = 'DecimalSI';
  }
  if (format === 'BinarySI') {
    let amount = q.unscaled * pow10(q.scale);
    let exp = 0;
    while (exp < 60 && amount % 1024n === 0n) {
      amount /= 1024n;
      exp += 10;
    }
    return `${amount}${BIN_BY_EXPONENT.get(exp) ?? ''}`;
  }
  let { unscaled, scale } = q;
  const r = scale % 3;
  if (r === 1 || r === -2) {
    unscaled *= 10n;
    scale -= 1;
  } else if (r === 2 || r === -1) {
    unscaled *= 100n;
    scale -= 2;
  }
  if (format === 'DecimalExponent') return scale === 0 ? `${unscaled}` : `${unscaled}e${scale}`;
  if (scale > 18) {
    unscaled *= pow10(scale - 18);
    scale = 18;
  }
  return `${unscaled}${DEC_BY_EXPONENT.get(scale) ?? ''}`;
}

/** The serialised form of a JSON quantity value; throws QuantityError when it is none. */
export function canonicalQuantity(input: unknown): string {
  if (typeof input !== 'string' && typeof input !== 'number') throw new QuantityError(QUANTITY_FORMAT_WRONG);
  return quantityString(parseQuantity(input));
}

/** The zero quantity. */
export const ZERO_QUANTITY: Quantity = { unscaled: 0n, scale: 0, format: 'DecimalSI' };
