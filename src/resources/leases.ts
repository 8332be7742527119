/** coordination.k8s.io/v1 Lease: node heartbeats (kube-node-lease) and leader election. */
import type { KObject } from '../apimachinery/meta.js';
import { fieldErr, type FieldError } from '../apimachinery/field-errors.js';
import type { ResourceDefinition } from '../registry/resource-definition.js';
import { leasePrinter } from '../printers/leases.js';

export interface Lease extends KObject {
  spec?: {
    holderIdentity?: string;
    leaseDurationSeconds?: number;
    acquireTime?: string;
    renewTime?: string;
    leaseTransitions?: number;
    strategy?: string;
    preferredHolder?: string;
  };
}

// as upstream's ValidateLeaseSpec
function validateLease(lease: Lease): FieldError[] {
  const spec = lease.spec ?? {};
  const errs: FieldError[] = [];
  if (spec.leaseDurationSeconds !== undefined && spec.leaseDurationSeconds !== null && spec.leaseDurationSeconds <= 0) {
    errs.push(fieldErr.invalid('spec.leaseDurationSeconds', spec.leaseDurationSeconds, 'must be greater than 0'));
  }
  if (spec.leaseTransitions !== undefined && spec.leaseTransitions !== null && spec.leaseTransitions < 0) {
    errs.push(fieldErr.invalid('spec.leaseTransitions', spec.leaseTransitions, 'must be greater than or equal to 0'));
  }
  return errs;
}

/**
 * strategy and preferredHolder belong to the CoordinatedLeaderElection feature, off by default
 * in 1.33: dropped on create, and on update unless the stored lease already had them (as upstream).
 */
function dropDisabledFields(next: Lease, prev: Lease | undefined): void {
  if (!next.spec) return;
  if (!prev?.spec?.strategy) delete next.spec.strategy;
  if (!prev?.spec?.preferredHolder) delete next.spec.preferredHolder;
}

export const leasesResource: ResourceDefinition<Lease> = {
  group: 'coordination.k8s.io',
  version: 'v1',
  kind: 'Lease',
  plural: 'leases',
  singular: 'lease',
  shortNames: [],
  categories: [],
  namespaced: true,
  storageVersionHash: 'gqkMMb/YqFM=',
  strategy: {
    prepareForCreate(lease) {
      lease.spec ??= {};
      dropDisabledFields(lease, undefined);
    },
    validate: validateLease,
    prepareForUpdate(next, prev) {
      next.spec ??= {};
      dropDisabledFields(next, prev);
    },
    validateUpdate: validateLease,
    allowUnconditionalUpdate: true,
  },
  printer: leasePrinter,
};
