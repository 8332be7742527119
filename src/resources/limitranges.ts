/**
 * core/v1 LimitRange: stored with kube's defaults and validation, printed as kube-apiserver
 * does. Not enforced: the LimitRanger admission plugin (defaulting pod resources, rejecting pods
 * outside the bounds) is not run.
 */
import type { KObject } from '../apimachinery/meta.js';
import { fieldErr, type FieldError } from '../apimachinery/field-errors.js';
import { isQualifiedName } from '../apimachinery/validation.js';
import type { ResourceDefinition } from '../registry/resource-definition.js';
import { limitRangePrinter } from '../printers/limitranges.js';
import { compareQuantity, parseQuantity, quantityString, type Quantity } from './quantity.js';
import { canonicalizeResourceList, isOvercommitAllowed, quantityOf, validateContainerResourceName, validateResourceName } from './resource-names.js';

type ResourceList = Record<string, unknown>;

interface LimitRangeItem {
  type?: string;
  max?: ResourceList;
  min?: ResourceList;
  default?: ResourceList;
  defaultRequest?: ResourceList;
  maxLimitRequestRatio?: ResourceList;
  [k: string]: unknown;
}

export interface LimitRange extends KObject {
  spec?: { limits?: LimitRangeItem[] };
}

const LIMIT_TYPES = ['Pod', 'Container', 'PersistentVolumeClaim'];
const LIST_FIELDS = ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio'] as const;
const ONE = parseQuantity('1');
/** resource.MaxMilliValue: beyond it upstream compares whole values instead of milli-values. */
const MAX_MILLI_VALUE = 9223372036854775807n / 1000n;

/** Canonical quantities, then SetDefaults_LimitRangeItem (Container items only). */
function prepareLimitRange(lr: LimitRange): void {
  lr.spec ??= {};
  for (const item of lr.spec.limits ?? []) {
    for (const f of LIST_FIELDS) if (item[f]) item[f] = canonicalizeResourceList(item[f]!, 'LimitRange');
    if (item.type !== 'Container') continue;
    const def = { ...(item.default ?? {}) };
    const defReq = { ...(item.defaultRequest ?? {}) };
    // a default limit falls back to max; a default request to the default limit, then to min
    for (const [k, v] of Object.entries(item.max ?? {})) if (!(k in def)) def[k] = v;
    for (const [k, v] of Object.entries(def)) if (!(k in defReq)) defReq[k] = v;
    for (const [k, v] of Object.entries(item.min ?? {})) if (!(k in defReq)) defReq[k] = v;
    if (Object.keys(def).length > 0) item.default = def;
    if (Object.keys(defReq).length > 0) item.defaultRequest = defReq;
  }
}

function validateLimitTypeName(value: string, path: string): FieldError[] {
  const errs = isQualifiedName(value).map((msg) => fieldErr.invalid(path, value, msg));
  if (errs.length > 0) return errs;
  if (!value.includes('/') && !LIMIT_TYPES.includes(value)) errs.push(fieldErr.invalid(path, value, 'must be a standard limit type or fully qualified'));
  return errs;
}

function validateLimitResourceName(type: string, name: string, path: string): FieldError[] {
  return type === 'Pod' || type === 'Container' ? validateContainerResourceName(name, path) : validateResourceName(name, path);
}

/** Value (or milli-value when small enough) as a number, for the ratio check. */
function ratioOperands(ratio: Quantity, min: Quantity, max: Quantity): [number, number, number] {
  const milli = (q: Quantity) => (q.scale >= -3 ? q.unscaled * 10n ** BigInt(q.scale + 3) : (q.unscaled + 10n ** BigInt(-3 - q.scale) - 1n) / 10n ** BigInt(-3 - q.scale));
  const whole = (q: Quantity) => (q.scale >= 0 ? q.unscaled * 10n ** BigInt(q.scale) : (q.unscaled + 10n ** BigInt(-q.scale) - 1n) / 10n ** BigInt(-q.scale));
  if (whole(ratio) < MAX_MILLI_VALUE && whole(min) < MAX_MILLI_VALUE && whole(max) < MAX_MILLI_VALUE) {
    return [Number(milli(ratio)) / 1000, Number(milli(min)), Number(milli(max))];
  }
  return [Number(whole(ratio)), Number(whole(min)), Number(whole(max))];
}

/** Go's %f: six decimals; +Inf for a zero minimum. */
function goFloat(v: number): string {
  if (v === Infinity) return '+Inf';
  if (Number.isNaN(v)) return 'NaN';
  return v.toFixed(6);
}

/** ValidateLimitRange (metadata is the registry's). */
function validateLimitRange(lr: LimitRange): FieldError[] {
  const errs: FieldError[] = [];
  const seenTypes = new Set<string>();
  (lr.spec?.limits ?? []).forEach((item, i) => {
    const p = `spec.limits[${i}]`;
    const type = item.type ?? '';
    errs.push(...validateLimitTypeName(type, `${p}.type`));
    if (seenTypes.has(type)) errs.push(fieldErr.duplicate(`${p}.type`, type));
    seenTypes.add(type);

    const keys = new Set<string>();
    const lists: Partial<Record<(typeof LIST_FIELDS)[number], Map<string, Quantity>>> = {};
    const collect = (f: (typeof LIST_FIELDS)[number]) => {
      const m = new Map<string, Quantity>();
      for (const [k, v] of Object.entries(item[f] ?? {})) {
        errs.push(...validateLimitResourceName(type, k, `${p}.${f}[${k}]`));
        keys.add(k);
        const q = quantityOf(v);
        if (q) m.set(k, q);
      }
      lists[f] = m;
    };
    collect('max');
    collect('min');
    if (type === 'Pod') {
      if (Object.keys(item.default ?? {}).length > 0) errs.push(fieldErr.forbidden(`${p}.default`, "may not be specified when `type` is 'Pod'"));
      if (Object.keys(item.defaultRequest ?? {}).length > 0) errs.push(fieldErr.forbidden(`${p}.defaultRequest`, "may not be specified when `type` is 'Pod'"));
    } else {
      collect('default');
      collect('defaultRequest');
    }
    if (type === 'PersistentVolumeClaim' && item.min?.storage === undefined && item.max?.storage === undefined) {
      errs.push(fieldErr.required(`${p}.limits`, 'either minimum or maximum storage value is required, but neither was provided'));
    }
    collect('maxLimitRequestRatio');

    const text = quantityString;
    for (const k of [...keys].sort()) {
      const min = lists.min?.get(k);
      const max = lists.max?.get(k);
      const def = lists.default?.get(k);
      const defReq = lists.defaultRequest?.get(k);
      const ratio = lists.maxLimitRequestRatio?.get(k);
      if (min && max && compareQuantity(min, max) > 0) {
        errs.push(fieldErr.invalid(`${p}.min[${k}]`, text(min), `min value ${text(min)} is greater than max value ${text(max)}`));
      }
      if (defReq && min && compareQuantity(min, defReq) > 0) {
        errs.push(fieldErr.invalid(`${p}.defaultRequest[${k}]`, text(defReq), `min value ${text(min)} is greater than default request value ${text(defReq)}`));
      }
      if (defReq && max && compareQuantity(defReq, max) > 0) {
        errs.push(fieldErr.invalid(`${p}.defaultRequest[${k}]`, text(defReq), `default request value ${text(defReq)} is greater than max value ${text(max)}`));
      }
      if (defReq && def && compareQuantity(defReq, def) > 0) {
        errs.push(fieldErr.invalid(`${p}.defaultRequest[${k}]`, text(defReq), `default request value ${text(defReq)} is greater than default limit value ${text(def)}`));
      }
      if (def && min && compareQuantity(min, def) > 0) {
        errs.push(fieldErr.invalid(`${p}.default[${k}]`, text(min), `min value ${text(min)} is greater than default value ${text(def)}`));
      }
      if (def && max && compareQuantity(def, max) > 0) {
        errs.push(fieldErr.invalid(`${p}.default[${k}]`, text(max), `default value ${text(def)} is greater than max value ${text(max)}`));
      }
      if (ratio && compareQuantity(ratio, ONE) < 0) {
        errs.push(fieldErr.invalid(`${p}.maxLimitRequestRatio[${k}]`, text(ratio), `ratio ${text(ratio)} is less than 1`));
      }
      if (ratio && min && max) {
        const [r, lo, hi] = ratioOperands(ratio, min, max);
        const limit = hi / lo;
        if (r > limit) {
          errs.push(fieldErr.invalid(`${p}.maxLimitRequestRatio[${k}]`, text(ratio), `ratio ${text(ratio)} is greater than max/min = ${goFloat(limit)}`));
        }
      }
      // hugepages and extended resources cannot be overcommitted: default and defaultRequest must agree
      if (!isOvercommitAllowed(k) && def && defReq && compareQuantity(def, defReq) !== 0) {
        errs.push(fieldErr.invalid(`${p}.defaultRequest[${k}]`, text(defReq), `default value ${text(def)} must equal to defaultRequest value ${text(defReq)} in ${k}`));
      }
    }
  });
  return errs;
}

export const limitRangesResource: ResourceDefinition<LimitRange> = {
  group: '',
  version: 'v1',
  kind: 'LimitRange',
  plural: 'limitranges',
  singular: 'limitrange',
  shortNames: ['limits'],
  categories: [],
  namespaced: true,
  storageVersionHash: 'EBKMFVe6cwo=',
  strategy: {
    prepareForCreate: prepareLimitRange,
    validate: validateLimitRange,
    prepareForUpdate: prepareLimitRange,
    validateUpdate: validateLimitRange,
    allowUnconditionalUpdate: true,
  },
  printer: limitRangePrinter,
};
