/** core/v1 Endpoints: written by the endpoints controller, or by hand for selectorless Services. */
import type { KObject } from '../apimachinery/meta.js';
import { fieldErr, type FieldError } from '../apimachinery/field-errors.js';
import { isDNS1123Label, isValidIP } from '../apimachinery/validation.js';
import type { ResourceDefinition } from '../registry/resource-definition.js';
import { endpointsPrinter } from '../printers/endpoints.js';
import { validatePortNumber, validateProtocol } from './ports.js';

interface EndpointAddress {
  ip?: string;
  hostname?: string;
  nodeName?: string;
}
interface EndpointPort {
  name?: string;
  port?: number;
  protocol?: string;
}
interface Endpoints extends KObject {
  subsets?: { addresses?: EndpointAddress[]; notReadyAddresses?: EndpointAddress[]; ports?: EndpointPort[] }[];
}

function validateAddress(a: EndpointAddress, path: string): FieldError[] {
  const errs: FieldError[] = [];
  if (!a.ip) errs.push(fieldErr.required(`${path}.ip`));
  else for (const msg of isValidIP(a.ip)) errs.push(fieldErr.invalid(`${path}.ip`, a.ip, msg));
  if (a.hostname) for (const msg of isDNS1123Label(a.hostname)) errs.push(fieldErr.invalid(`${path}.hostname`, a.hostname, msg));
  return errs;
}

function validateEndpoints(ep: Endpoints): FieldError[] {
  const errs: FieldError[] = [];
  (ep.subsets ?? []).forEach((ss, i) => {
    const base = `subsets[${i}]`;
    if ((ss.addresses ?? []).length === 0 && (ss.notReadyAddresses ?? []).length === 0) {
      errs.push(fieldErr.required(base, 'must specify `addresses` or `notReadyAddresses`'));
    }
    (ss.addresses ?? []).forEach((a, j) => errs.push(...validateAddress(a, `${base}.addresses[${j}]`)));
    (ss.notReadyAddresses ?? []).forEach((a, j) => errs.push(...validateAddress(a, `${base}.notReadyAddresses[${j}]`)));
    const ports = ss.ports ?? [];
    ports.forEach((p, j) => {
      const pp = `${base}.ports[${j}]`;
      if (ports.length > 1 && !p.name) errs.push(fieldErr.required(`${pp}.name`));
      errs.push(...validatePortNumber(p.port, `${pp}.port`));
      errs.push(...validateProtocol(p.protocol, `${pp}.protocol`));
    });
  });
  return errs;
}

export const endpointsResource: ResourceDefinition<Endpoints> = {
  group: '',
  version: 'v1',
  kind: 'Endpoints',
  plural: 'endpoints',
  singular: 'endpoints',
  shortNames: ['ep'],
  categories: [],
  namespaced: true,
  storageVersionHash: 'fWeeMqaN/OA=',
  // as kube-apiserver 1.33 warns on every v1 Endpoints request
  warning: 'v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice',
  strategy: {
    prepareForCreate: defaultProtocols,
    prepareForUpdate: defaultProtocols,
    validate: validateEndpoints,
    validateUpdate: validateEndpoints,
    allowCreateOnUpdate: true,
    allowUnconditionalUpdate: true,
  },
  printer: endpointsPrinter,
};

function defaultProtocols(ep: Endpoints): void {
  for (const ss of ep.subsets ?? []) for (const p of ss.ports ?? []) p.protocol ??= 'TCP';
}
