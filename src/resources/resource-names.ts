/**
 * Resource names and resource lists (map name → Quantity) as core/v1 validation and helpers
 * judge them: standard names, integer-valued resources, non-negative quantities, and the
 * canonical serialised form of a list.
 */
import { fieldErr, type FieldError } from '../apimachinery/field-errors.js';
import { isQualifiedName } from '../apimachinery/validation.js';
import { badRequest } from '../apimachinery/status.js';
import { canonicalQuantity, isNegative, isWholeQuantity, parseQuantity, QuantityError, type Quantity } from './quantity.js';

const STANDARD_RESOURCES = new Set([
  'cpu', 'memory', 'ephemeral-storage',
  'requests.cpu', 'requests.memory', 'requests.ephemeral-storage',
  'limits.cpu', 'limits.memory', 'limits.ephemeral-storage',
  'pods', 'resourcequotas', 'services', 'replicationcontrollers', 'secrets', 'configmaps',
  'persistentvolumeclaims', 'storage', 'requests.storage', 'services.nodeports', 'services.loadbalancers',
]);
const STANDARD_QUOTA_RESOURCES = new Set([
  'cpu', 'memory', 'ephemeral-storage',
  'requests.cpu', 'requests.memory', 'requests.storage', 'requests.ephemeral-storage',
  'limits.cpu', 'limits.memory', 'limits.ephemeral-storage',
  'pods', 'resourcequotas', 'services', 'replicationcontrollers', 'secrets', 'persistentvolumeclaims', 'configmaps',
  'services.nodeports', 'services.loadbalancers',
]);
const INTEGER_RESOURCES = new Set([
  'pods', 'resourcequotas', 'services', 'replicationcontrollers', 'secrets', 'configmaps',
  'persistentvolumeclaims', 'services.nodeports', 'services.loadbalancers',
]);
const STANDARD_CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);
const IS_NEGATIVE_ERROR_MSG = 'must be greater than or equal to 0';
const IS_NOT_INTEGER_ERROR_MSG = 'must be an integer';

function isQuotaHugePageResourceName(name: string): boolean {
  return name.startsWith('hugepages-') || name.startsWith('requests.hugepages-');
}

export function isHugePageResourceName(name: string): boolean {
  return name.startsWith('hugepages-');
}

export function isStandardResourceName(name: string): boolean {
  return STANDARD_RESOURCES.has(name) || isQuotaHugePageResourceName(name);
}

export function isStandardQuotaResourceName(name: string): boolean {
  return STANDARD_QUOTA_RESOURCES.has(name) || isQuotaHugePageResourceName(name);
}

export function isStandardContainerResourceName(name: string): boolean {
  return STANDARD_CONTAINER_RESOURCES.has(name) || isHugePageResourceName(name);
}

/** In the kubernetes.io/ namespace (unprefixed names are). */
export function isNativeResource(name: string): boolean {
  return !name.includes('/') || name.includes('kubernetes.io/');
}

/** Extended resources (example.com/gpu) and object counts (count/pods) are counted in whole units. */
function isExtendedResourceName(name: string): boolean {
  if (isNativeResource(name) || name.startsWith('requests.')) return false;
  return isQualifiedName(`requests.${name}`).length === 0;
}

export function isIntegerResourceName(name: string): boolean {
  return INTEGER_RESOURCES.has(name) || isExtendedResourceName(name);
}

/** Whether requests may be below limits (native, non-hugepage resources). */
export function isOvercommitAllowed(name: string): boolean {
  return isNativeResource(name) && !isHugePageResourceName(name);
}

/** upstream's validateResourceName: a qualified name, and a standard one when unprefixed. */
export function validateResourceName(name: string, path: string): FieldError[] {
  const errs = isQualifiedName(name).map((msg) => fieldErr.invalid(path, name, msg));
  if (errs.length > 0) return errs;
  if (!name.includes('/') && !isStandardResourceName(name)) {
    errs.push(fieldErr.invalid(path, name, 'must be a standard resource type or fully qualified'));
  }
  return errs;
}

/** validateContainerResourceName. */
export function validateContainerResourceName(name: string, path: string): FieldError[] {
  const errs = validateResourceName(name, path);
  if (!name.includes('/') && !isStandardContainerResourceName(name)) {
    errs.push(fieldErr.invalid(path, name, 'must be a standard resource for containers'));
  }
  return errs;
}

/** A stored (already canonical) quantity; undefined when the value is not one. */
export function quantityOf(v: unknown): Quantity | undefined {
  if (typeof v !== 'string' && typeof v !== 'number') return undefined;
  try {
    return parseQuantity(v);
  } catch {
    return undefined;
  }
}

/** ValidateResourceQuantityValue: non-negative, and whole for integer resources. */
export function validateResourceQuantityValue(value: unknown, path: string, integer: boolean): FieldError[] {
  const q = quantityOf(value);
  if (!q) return [];
  const errs: FieldError[] = [];
  const text = canonicalQuantity(value);
  if (isNegative(q)) errs.push(fieldErr.invalid(path, text, IS_NEGATIVE_ERROR_MSG));
  if (integer && !isWholeQuantity(q)) errs.push(fieldErr.invalid(path, text, IS_NOT_INTEGER_ERROR_MSG));
  return errs;
}

/**
 * The list with every quantity in canonical form, as kube-apiserver stores and serves it. A value
 * that is no quantity fails as the JSON decoder fails: 400 `<Kind> in version "v1" cannot be handled…`.
 */
export function canonicalizeResourceList(list: Record<string, unknown>, kind: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(list)) {
    // JSON null decodes to the zero quantity
    if (value === null) {
      out[name] = '0';
      continue;
    }
    try {
      out[name] = canonicalQuantity(value);
    } catch (err) {
      if (err instanceof QuantityError) throw badRequest(`${kind} in version "v1" cannot be handled as a ${kind}: ${err.message}`);
      throw err;
    }
  }
  return out;
}
