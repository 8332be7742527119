/** discovery.k8s.io/v1 EndpointSlice: the scalable successor of Endpoints. */
import type { KObject } from '../apimachinery/meta.js';
import { fieldErr, type FieldError } from '../apimachinery/field-errors.js';
import { isValidIP, isDNS1123Subdomain } from '../apimachinery/validation.js';
import type { ResourceDefinition } from '../registry/resource-definition.js';
import { endpointSlicePrinter } from '../printers/endpointslices.js';
import { validateProtocol } from './ports.js';

interface EndpointSlice extends KObject {
  addressType?: string;
  endpoints?: { addresses?: string[]; conditions?: Record<string, boolean>; hostname?: string; nodeName?: string }[];
  ports?: { name?: string; port?: number; protocol?: string; appProtocol?: string }[];
}

const ADDRESS_TYPES = ['FQDN', 'IPv4', 'IPv6'];
// as upstream: at most 1000 endpoints and 100 ports per slice
const MAX_ENDPOINTS = 1000;
const MAX_PORTS = 20000;

function validateSlice(s: EndpointSlice): FieldError[] {
  const errs: FieldError[] = [];
  if (!s.addressType) errs.push(fieldErr.required('addressType'));
  else if (!ADDRESS_TYPES.includes(s.addressType)) errs.push(fieldErr.notSupported('addressType', s.addressType, ADDRESS_TYPES));
  const endpoints = s.endpoints ?? [];
  if (endpoints.length > MAX_ENDPOINTS) errs.push(fieldErr.tooMany('endpoints', endpoints.length, MAX_ENDPOINTS));
  endpoints.forEach((ep, i) => {
    const addrs = ep.addresses ?? [];
    if (addrs.length === 0) errs.push(fieldErr.required(`endpoints[${i}].addresses`, 'must contain at least 1 address'));
    if (addrs.length > 100) errs.push(fieldErr.tooMany(`endpoints[${i}].addresses`, addrs.length, 100));
    addrs.forEach((a, j) => {
      const path = `endpoints[${i}].addresses[${j}]`;
      if (s.addressType === 'IPv4' || s.addressType === 'IPv6') {
        const family = a.includes(':') ? 'IPv6' : 'IPv4';
        if (isValidIP(a).length > 0 || family !== s.addressType) errs.push(fieldErr.invalid(path, a, `must be a valid ${s.addressType} address`));
      } else if (s.addressType === 'FQDN') {
        for (const msg of isDNS1123Subdomain(a)) errs.push(fieldErr.invalid(path, a, msg));
      }
    });
  });
  const ports = s.ports ?? [];
  if (ports.length > MAX_PORTS) errs.push(fieldErr.tooMany('ports', ports.length, MAX_PORTS));
  ports.forEach((p, i) => {
    if (p.port !== undefined && p.port !== null && (p.port < 1 || p.port > 65535)) {
      errs.push(fieldErr.invalid(`ports[${i}].port`, p.port, 'must be between 1 and 65535, inclusive'));
    }
    errs.push(...validateProtocol(p.protocol, `ports[${i}].protocol`, false));
  });
  return errs;
}

function defaults(s: EndpointSlice): void {
  for (const p of s.ports ?? []) {
    p.protocol ??= 'TCP';
    p.name ??= '';
  }
}

export const endpointSlicesResource: ResourceDefinition<EndpointSlice> = {
  group: 'discovery.k8s.io',
  version: 'v1',
  kind: 'EndpointSlice',
  plural: 'endpointslices',
  singular: 'endpointslice',
  shortNames: [],
  categories: [],
  namespaced: true,
  hasGeneration: true,
  storageVersionHash: 'Nx3SIv6I0mE=',
  strategy: {
    prepareForCreate: defaults,
    prepareForUpdate: defaults,
    validate: validateSlice,
    validateUpdate(next, prev) {
      const errs = validateSlice(next);
      if (next.addressType !== prev.addressType) errs.push(fieldErr.invalid('addressType', next.addressType, 'field is immutable'));
      return errs;
    },
    allowUnconditionalUpdate: true,
  },
  printer: endpointSlicePrinter,
};
