/**
 * core/v1 ResourceQuota: stored, validated and printed as kube-apiserver does; not enforced
 * (no admission rejects a write that would exceed a quota).
 *
 * Status, as the quota controller would leave it: every write of the spec mirrors spec.hard into
 * status.hard, and status.used holds a zero for each hard resource (a value already observed
 * for a resource is kept). Usage is not counted: without a controller recounting on every pod or
 * service change a count would go stale, and a stale count is worse than a visible zero.
 * /status writes are taken as given.
 */
import type { KObject } from '../apimachinery/meta.js';
import { fieldErr, type FieldError } from '../apimachinery/field-errors.js';
import { FIELD_IMMUTABLE_ERROR_MSG } from '../apimachinery/validation.js';
import type { ResourceDefinition } from '../registry/resource-definition.js';
import { resourceQuotaPrinter } from '../printers/resourcequotas.js';
import {
  canonicalizeResourceList,
  isIntegerResourceName,
  isStandardQuotaResourceName,
  validateResourceName,
  validateResourceQuantityValue,
} from './resource-names.js';

interface ScopedResourceSelectorRequirement {
  scopeName?: string;
  operator?: string;
  values?: string[];
}

export interface ResourceQuota extends KObject {
  spec?: {
    hard?: Record<string, unknown>;
    scopes?: string[];
    scopeSelector?: { matchExpressions?: ScopedResourceSelectorRequirement[] };
  };
  status?: { hard?: Record<string, unknown>; used?: Record<string, unknown> };
}

const STANDARD_SCOPES = ['Terminating', 'NotTerminating', 'BestEffort', 'NotBestEffort', 'PriorityClass', 'CrossNamespacePodAffinity'];
const POD_COMPUTE_RESOURCES = ['cpu', 'memory', 'limits.cpu', 'limits.memory', 'requests.cpu', 'requests.memory'];
const EXISTS_ONLY_SCOPES = ['BestEffort', 'NotBestEffort', 'Terminating', 'NotTerminating', 'CrossNamespacePodAffinity'];
const CONFLICTING_SCOPES = [
  ['BestEffort', 'NotBestEffort'],
  ['Terminating', 'NotTerminating'],
];
const INVALID_QUOTA_RESOURCE = 'must be a standard resource for quota';

/** upstream's IsResourceQuotaScopeValidForResource. */
function isScopeValidForResource(scope: string | undefined, resource: string): boolean {
  switch (scope) {
    case 'Terminating':
    case 'NotTerminating':
    case 'NotBestEffort':
    case 'PriorityClass':
    case 'CrossNamespacePodAffinity':
      return resource === 'pods' || POD_COMPUTE_RESOURCES.includes(resource);
    case 'BestEffort':
      return resource === 'pods';
    default:
      return true;
  }
}

/** ValidateResourceQuotaResourceName. */
function validateQuotaResourceName(name: string, path: string): FieldError[] {
  const errs = validateResourceName(name, path);
  if (!name.includes('/') && !isStandardQuotaResourceName(name)) errs.push(fieldErr.invalid(path, name, INVALID_QUOTA_RESOURCE));
  return errs;
}

/** Names and values of a hard/used list, in name order (upstream iterates a Go map). */
function validateQuotaList(list: Record<string, unknown> | undefined, path: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const name of Object.keys(list ?? {}).sort()) {
    const p = `${path}[${name}]`;
    errs.push(...validateQuotaResourceName(name, p));
    errs.push(...validateResourceQuantityValue(list![name], p, isIntegerResourceName(name)));
  }
  return errs;
}

function conflicting(scopes: Set<string | undefined>): boolean[] {
  return CONFLICTING_SCOPES.map((pair) => pair.every((s) => scopes.has(s)));
}

function validateScopes(spec: NonNullable<ResourceQuota['spec']>): FieldError[] {
  const scopes = spec.scopes ?? [];
  if (scopes.length === 0) return [];
  const errs: FieldError[] = [];
  const hard = Object.keys(spec.hard ?? {}).sort();
  for (const scope of scopes) {
    if (!STANDARD_SCOPES.includes(scope)) errs.push(fieldErr.invalid('spec.scopes', scopes, 'unsupported scope'));
    for (const k of hard) {
      if (isStandardQuotaResourceName(k) && !isScopeValidForResource(scope, k)) {
        errs.push(fieldErr.invalid('spec.scopes', scopes, 'unsupported scope applied to resource'));
      }
    }
  }
  for (const hit of conflicting(new Set(scopes))) if (hit) errs.push(fieldErr.invalid('spec.scopes', scopes, 'conflicting scopes'));
  return errs;
}

function validateScopeSelector(spec: NonNullable<ResourceQuota['spec']>): FieldError[] {
  const selector = spec.scopeSelector;
  if (!selector) return [];
  const path = 'spec.scopeSelector.matchExpressions';
  const errs: FieldError[] = [];
  const hard = Object.keys(spec.hard ?? {}).sort();
  const seen = new Set<string | undefined>();
  for (const req of selector.matchExpressions ?? []) {
    if (!STANDARD_SCOPES.includes(req.scopeName ?? '')) errs.push(fieldErr.invalid(`${path}.scopeName`, req.scopeName ?? '', 'unsupported scope'));
    for (const k of hard) {
      if (isStandardQuotaResourceName(k) && !isScopeValidForResource(req.scopeName, k)) {
        errs.push(fieldErr.invalid(path, selector, 'unsupported scope applied to resource'));
      }
    }
    if (EXISTS_ONLY_SCOPES.includes(req.scopeName ?? '') && req.operator !== 'Exists') {
      errs.push(
        fieldErr.invalid(
          `${path}.operator`,
          req.operator ?? '',
          "must be 'Exist' when scope is any of ResourceQuotaScopeTerminating, ResourceQuotaScopeNotTerminating, ResourceQuotaScopeBestEffort, ResourceQuotaScopeNotBestEffort or ResourceQuotaScopeCrossNamespacePodAffinity",
        ),
      );
    }
    const values = req.values ?? [];
    switch (req.operator) {
      case 'In':
      case 'NotIn':
        if (values.length === 0) {
          errs.push(fieldErr.required(`${path}.values`, "must be at least one value when `operator` is 'In' or 'NotIn' for scope selector"));
        }
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values.length !== 0) {
          errs.push(fieldErr.invalid(`${path}.values`, values, "must be no value when `operator` is 'Exist' or 'DoesNotExist' for scope selector"));
        }
        break;
      default:
        errs.push(fieldErr.invalid(`${path}.operator`, req.operator ?? '', 'not a valid selector operator'));
    }
    seen.add(req.scopeName);
  }
  // as upstream, the conflict is reported against spec.scopes' value
  for (const hit of conflicting(seen)) if (hit) errs.push(fieldErr.invalid(path, spec.scopes ?? null, 'conflicting scopes'));
  return errs;
}

/** ValidateResourceQuotaSpec. Status is derived from the spec on these writes, so it is not checked twice. */
function validateResourceQuota(rq: ResourceQuota): FieldError[] {
  const spec = rq.spec ?? {};
  return [...validateQuotaList(spec.hard, 'spec.hard'), ...validateScopes(spec), ...validateScopeSelector(spec)];
}

function validateResourceQuotaUpdate(next: ResourceQuota, prev: ResourceQuota): FieldError[] {
  const errs = validateResourceQuota(next);
  const a = new Set(next.spec?.scopes ?? []);
  const b = new Set(prev.spec?.scopes ?? []);
  if (a.size !== b.size || [...a].some((s) => !b.has(s))) {
    errs.push(fieldErr.invalid('spec.scopes', next.spec?.scopes ?? null, FIELD_IMMUTABLE_ERROR_MSG));
  }
  return errs;
}

/** ValidateResourceQuotaStatusUpdate's checks on status.hard and status.used. */
function validateResourceQuotaStatus(rq: ResourceQuota): FieldError[] {
  return [...validateQuotaList(rq.status?.hard, 'status.hard'), ...validateQuotaList(rq.status?.used, 'status.used')];
}

/** What the quota controller writes: status.hard = spec.hard, used kept per resource or zero. */
function mirrorHard(rq: ResourceQuota, prev: ResourceQuota['status'] | undefined): void {
  const hard = rq.spec?.hard ?? {};
  const names = Object.keys(hard);
  if (names.length === 0) {
    rq.status = {};
    return;
  }
  const used: Record<string, unknown> = {};
  for (const name of names) used[name] = prev?.used?.[name] ?? '0';
  rq.status = { hard: { ...hard }, used };
}

function canonicalizeSpec(rq: ResourceQuota): void {
  if (rq.spec?.hard) rq.spec.hard = canonicalizeResourceList(rq.spec.hard, 'ResourceQuota');
}

export const resourceQuotasResource: ResourceDefinition<ResourceQuota> = {
  group: '',
  version: 'v1',
  kind: 'ResourceQuota',
  plural: 'resourcequotas',
  singular: 'resourcequota',
  shortNames: ['quota'],
  categories: [],
  namespaced: true,
  storageVersionHash: '8uhSgffRX6w=',
  strategy: {
    prepareForCreate(rq) {
      rq.spec ??= {};
      canonicalizeSpec(rq);
      mirrorHard(rq, undefined);
    },
    validate: validateResourceQuota,
    prepareForUpdate(next, prev) {
      next.spec ??= {};
      canonicalizeSpec(next);
      mirrorHard(next, prev.status);
    },
    validateUpdate: validateResourceQuotaUpdate,
    allowUnconditionalUpdate: true,
  },
  statusStrategy: {
    prepareForUpdate(next, prev) {
      next.spec = prev.spec;
      if (next.status?.hard) next.status.hard = canonicalizeResourceList(next.status.hard, 'ResourceQuota');
      if (next.status?.used) next.status.used = canonicalizeResourceList(next.status.used, 'ResourceQuota');
    },
    validateUpdate: validateResourceQuotaStatus,
  },
  printer: resourceQuotaPrinter,
};
