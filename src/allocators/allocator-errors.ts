/**
 * The named allocator errors of kube's ipallocator and portallocator packages. Messages are
 * upstream's word for word: the Service registry wraps them into field errors such as
 * `spec.clusterIPs: Invalid value: ["10.96.0.10"]: failed to allocate IP 10.96.0.10: provided IP is already allocated`
 * or `spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated`,
 * and kubectl prints them verbatim.
 */

export type AllocatedResource = 'IP' | 'port';

/** Base class, so callers can `instanceof AllocatorError` once and then switch on `code`. */
export abstract class AllocatorError extends Error {
  abstract readonly code: 'Allocated' | 'NotInRange' | 'Full';
}

/** The explicitly requested value is already taken (kube's ErrAllocated). */
export class ErrAllocated extends AllocatorError {
  readonly code = 'Allocated' as const;
  constructor(readonly resource: AllocatedResource) {
    super(`provided ${resource} is already allocated`);
    this.name = 'ErrAllocated';
  }
}

/** The explicitly requested value lies outside the range (kube's ErrNotInRange). */
export class ErrNotInRange extends AllocatorError {
  readonly code = 'NotInRange' as const;
  constructor(
    readonly resource: AllocatedResource,
    readonly value: string,
    /** The range as configured, e.g. `10.96.0.0/12` or `30000-32767`. */
    readonly validRange: string,
  ) {
    super(
      resource === 'IP'
        ? `the provided IP (${value}) is not in the valid range. The range of valid IPs is ${validRange}`
        : `provided port is not in the valid range. The range of valid ports is ${validRange}`,
    );
    this.name = 'ErrNotInRange';
  }
}

/** No value is left for dynamic allocation (kube's ErrFull). */
export class ErrFull extends AllocatorError {
  readonly code = 'Full' as const;
  constructor(readonly resource: AllocatedResource, readonly validRange: string) {
    super('range is full');
    this.name = 'ErrFull';
  }
}
