/** core/v1 Service: defaults, validation and ClusterIP/NodePort allocation as kube-apiserver does them. */
import { fieldErr, type FieldError } from '../apimachinery/field-errors.js';
import { isDNS1123Label, isDNS1123Subdomain, isValidIP, isValidPortName, isValidPortNum, nameIsDNS1035Label, validateLabels } from '../apimachinery/validation.js';
import type { ResourceDefinition } from '../registry/resource-definition.js';
import { deepEqualJSON } from '../registry/object-meta.js';
import { servicePrinter } from '../printers/services.js';
import { validateProtocol } from './ports.js';
import type { Service, ServicePort, ServiceSpec } from './service-types.js';
import {
  beginServiceCreate,
  beginServiceUpdate,
  isHeadless,
  needsClusterIP,
  needsHealthCheckNodePort,
  needsNodePorts,
  releaseService,
  type ServiceAllocators,
} from './service-allocation.js';

const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const AFFINITIES = ['ClientIP', 'None'];
const TRAFFIC_POLICIES = ['Cluster', 'Local'];
const FAMILY_POLICIES = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];
// as upstream: core.MaxClientIPServiceAffinitySeconds and the defaulted timeout
const MAX_AFFINITY_SECONDS = 86400;
const DEFAULT_AFFINITY_SECONDS = 10800;

function externallyAccessible(spec: ServiceSpec): boolean {
  return spec.type === 'LoadBalancer' || spec.type === 'NodePort' || (spec.type === 'ClusterIP' && (spec.externalIPs ?? []).length > 0);
}

/** SetDefaults_Service plus the registry's normalization of clusterIP/clusterIPs. */
function applyServiceDefaults(svc: Service): void {
  const spec = (svc.spec ??= {});
  spec.type ??= 'ClusterIP';
  spec.sessionAffinity ??= 'None';
  if (spec.sessionAffinity === 'ClientIP') {
    const cfg = (spec.sessionAffinityConfig ??= {});
    const ip = (cfg.clientIP ??= {});
    ip.timeoutSeconds ??= DEFAULT_AFFINITY_SECONDS;
  }
  for (const p of spec.ports ?? []) {
    p.protocol ??= 'TCP';
    if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  if (spec.type !== 'ExternalName') spec.internalTrafficPolicy ??= 'Cluster';
  if (externallyAccessible(spec)) spec.externalTrafficPolicy ??= 'Cluster';
  if (spec.type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts ??= true;
  if (spec.clusterIP && !spec.clusterIPs) spec.clusterIPs = [spec.clusterIP];
  if (!spec.clusterIP && spec.clusterIPs?.length) spec.clusterIP = spec.clusterIPs[0];
}

/** kube's normalizeClusterIPs: whichever of clusterIP / clusterIPs the update changed wins. */
function normalizeClusterIPs(next: Service, prev: Service): void {
  const n = next.spec ?? {};
  const p = prev.spec ?? {};
  const sameIPs = deepEqualJSON(n.clusterIPs, p.clusterIPs);
  if (n.clusterIP !== p.clusterIP && sameIPs) {
    if (!n.clusterIP) delete n.clusterIPs;
    else n.clusterIPs = [n.clusterIP, ...(p.clusterIPs ?? []).slice(1)];
  } else if (n.clusterIP === p.clusterIP && !sameIPs) {
    if (n.clusterIPs?.length) n.clusterIP = n.clusterIPs[0];
    else delete n.clusterIP;
  }
}

/** kube's patchAllocatedValues: an update that omits allocated values keeps them. */
function keepAllocatedValues(next: Service, prev: Service): void {
  const n = next.spec!;
  const p = prev.spec ?? {};
  if (needsClusterIP(next) && needsClusterIP(prev)) {
    if (!n.clusterIP && !n.clusterIPs?.length) {
      n.clusterIP = p.clusterIP;
      n.clusterIPs = p.clusterIPs;
    }
    n.ipFamilies ??= p.ipFamilies;
    n.ipFamilyPolicy ??= p.ipFamilyPolicy;
  }
  if (needsNodePorts(next) && needsNodePorts(prev)) {
    for (const port of n.ports ?? []) {
      if (port.nodePort) continue;
      const old = (p.ports ?? []).find((o) => (port.name && o.name === port.name) || (o.port === port.port && o.protocol === port.protocol));
      if (old?.nodePort) port.nodePort = old.nodePort;
    }
  }
  if (needsHealthCheckNodePort(next) && needsHealthCheckNodePort(prev)) n.healthCheckNodePort ??= p.healthCheckNodePort;
}

/** kube's dropTypeDependentFields: values that only made sense for the old type go, unless the user changed them. */
function dropTypeDependentFields(next: Service, prev: Service): void {
  const n = next.spec!;
  const p = prev.spec ?? {};
  if (needsClusterIP(prev) && !needsClusterIP(next) && deepEqualJSON(n.clusterIPs, p.clusterIPs)) {
    delete n.clusterIP;
    delete n.clusterIPs;
    delete n.ipFamilies;
    delete n.ipFamilyPolicy;
  }
  if (needsNodePorts(prev) && !needsNodePorts(next)) {
    for (const port of n.ports ?? []) {
      const old = (p.ports ?? []).find((o) => o.port === port.port && o.protocol === port.protocol);
      if (port.nodePort && old?.nodePort === port.nodePort) delete port.nodePort;
    }
  }
  if (needsHealthCheckNodePort(prev) && !needsHealthCheckNodePort(next) && n.healthCheckNodePort === p.healthCheckNodePort) delete n.healthCheckNodePort;
  if (p.type === 'LoadBalancer' && n.type !== 'LoadBalancer') {
    if (n.allocateLoadBalancerNodePorts === p.allocateLoadBalancerNodePorts) delete n.allocateLoadBalancerNodePorts;
    if (n.loadBalancerClass === p.loadBalancerClass) delete n.loadBalancerClass;
  }
  if (!externallyAccessible(n) && n.externalTrafficPolicy === p.externalTrafficPolicy) delete n.externalTrafficPolicy;
  if (n.type === 'ExternalName' && n.internalTrafficPolicy === p.internalTrafficPolicy) delete n.internalTrafficPolicy;
}

function validatePort(sp: ServicePort, path: string, requireName: boolean, names: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  if (requireName && !sp.name) errs.push(fieldErr.required(`${path}.name`));
  else if (sp.name) {
    for (const msg of isDNS1123Label(sp.name)) errs.push(fieldErr.invalid(`${path}.name`, sp.name, msg));
    if (names.has(sp.name)) errs.push(fieldErr.duplicate(`${path}.name`, sp.name));
    names.add(sp.name);
  }
  for (const msg of isValidPortNum(sp.port ?? 0)) errs.push(fieldErr.invalid(`${path}.port`, sp.port ?? 0, msg));
  errs.push(...validateProtocol(sp.protocol, `${path}.protocol`));
  if (typeof sp.targetPort === 'number') {
    for (const msg of isValidPortNum(sp.targetPort)) errs.push(fieldErr.invalid(`${path}.targetPort`, sp.targetPort, msg));
  } else if (typeof sp.targetPort === 'string') {
    for (const msg of isValidPortName(sp.targetPort)) errs.push(fieldErr.invalid(`${path}.targetPort`, sp.targetPort, msg));
  }
  return errs;
}

function validateClusterIPs(svc: Service): FieldError[] {
  const spec = svc.spec!;
  const errs: FieldError[] = [];
  if (spec.type === 'ExternalName') {
    if ((spec.clusterIPs ?? []).length > 0) errs.push(fieldErr.forbidden('spec.clusterIPs', 'may not be set for ExternalName services'));
    if ((spec.ipFamilies ?? []).length > 0) errs.push(fieldErr.forbidden('spec.ipFamilies', 'may not be set for ExternalName services'));
    if (spec.ipFamilyPolicy) errs.push(fieldErr.forbidden('spec.ipFamilyPolicy', 'may not be set for ExternalName services'));
    return errs;
  }
  const ips = spec.clusterIPs ?? [];
  if (spec.clusterIP && ips.length > 0 && ips[0] !== spec.clusterIP) {
    errs.push(fieldErr.invalid('spec.clusterIPs', ips, 'first value must match `clusterIP`'));
  }
  if (ips.length > 2) errs.push(fieldErr.invalid('spec.clusterIPs', ips, 'may only hold up to 2 values'));
  ips.forEach((ip, i) => {
    if (ip === 'None') {
      if (i > 0 || ips.length > 1) errs.push(fieldErr.invalid(`spec.clusterIPs[${i}]`, ip, 'must be empty when the first value is `None`'));
      return;
    }
    for (const msg of isValidIP(ip)) errs.push(fieldErr.invalid(`spec.clusterIPs[${i}]`, ip, msg));
  });
  if (spec.ipFamilyPolicy && !FAMILY_POLICIES.includes(spec.ipFamilyPolicy)) {
    errs.push(fieldErr.notSupported('spec.ipFamilyPolicy', spec.ipFamilyPolicy, FAMILY_POLICIES));
  }
  (spec.ipFamilies ?? []).forEach((f, i) => {
    if (f !== 'IPv4' && f !== 'IPv6') errs.push(fieldErr.notSupported(`spec.ipFamilies[${i}]`, f, ['IPv4', 'IPv6']));
  });
  return errs;
}

export function validateService(svc: Service): FieldError[] {
  const spec = svc.spec ?? {};
  const errs: FieldError[] = [];
  const ports = spec.ports ?? [];
  if (ports.length === 0 && !isHeadless(svc) && spec.type !== 'ExternalName') errs.push(fieldErr.required('spec.ports'));
  if (spec.type === 'ExternalName') {
    const cname = (spec.externalName ?? '').replace(/\.$/, '');
    if (cname === '') errs.push(fieldErr.required('spec.externalName'));
    else for (const msg of isDNS1123Subdomain(cname)) errs.push(fieldErr.invalid('spec.externalName', cname, msg));
  }
  const names = new Set<string>();
  ports.forEach((p, i) => errs.push(...validatePort(p, `spec.ports[${i}]`, ports.length > 1, names)));
  if (spec.selector) errs.push(...validateLabels(spec.selector, 'spec.selector'));
  if (!spec.sessionAffinity) errs.push(fieldErr.required('spec.sessionAffinity'));
  else if (!AFFINITIES.includes(spec.sessionAffinity)) errs.push(fieldErr.notSupported('spec.sessionAffinity', spec.sessionAffinity, AFFINITIES));
  if (spec.sessionAffinity === 'ClientIP') {
    const t = spec.sessionAffinityConfig?.clientIP?.timeoutSeconds;
    if (t === undefined) errs.push(fieldErr.required('spec.sessionAffinityConfig.clientIP.timeoutSeconds', 'when session affinity type is ClientIP'));
    else if (t <= 0 || t > MAX_AFFINITY_SECONDS) {
      errs.push(fieldErr.invalid('spec.sessionAffinityConfig.clientIP.timeoutSeconds', t, `must be greater than 0 and less than ${MAX_AFFINITY_SECONDS}`));
    }
  } else if (spec.sessionAffinity === 'None' && spec.sessionAffinityConfig) {
    errs.push(fieldErr.forbidden('spec.sessionAffinityConfig', 'must not be set when session affinity is None'));
  }
  errs.push(...validateClusterIPs(svc));
  (spec.externalIPs ?? []).forEach((ip, i) => {
    for (const msg of isValidIP(ip)) errs.push(fieldErr.invalid(`spec.externalIPs[${i}]`, ip, msg));
  });
  if (!spec.type) errs.push(fieldErr.required('spec.type'));
  else if (!SERVICE_TYPES.includes(spec.type)) errs.push(fieldErr.notSupported('spec.type', spec.type, SERVICE_TYPES));
  if (spec.type === 'ClusterIP') {
    ports.forEach((p, i) => {
      if (p.nodePort) errs.push(fieldErr.forbidden(`spec.ports[${i}].nodePort`, "may not be used when `type` is 'ClusterIP'"));
    });
  }
  const nodePorts = new Set<string>();
  const portKeys = new Set<string>();
  ports.forEach((p, i) => {
    if (p.nodePort) {
      const key = `${p.protocol}/${p.nodePort}`;
      if (nodePorts.has(key)) errs.push(fieldErr.duplicate(`spec.ports[${i}].nodePort`, p.nodePort));
      nodePorts.add(key);
    }
    const key = `${p.protocol}/${p.port}`;
    if (portKeys.has(key)) errs.push(fieldErr.duplicate(`spec.ports[${i}]`, { port: p.port, protocol: p.protocol }));
    portKeys.add(key);
  });
  if (spec.externalTrafficPolicy) {
    if (!externallyAccessible(spec)) {
      errs.push(fieldErr.invalid('spec.externalTrafficPolicy', spec.externalTrafficPolicy, 'may only be set for externally-accessible services'));
    } else if (!TRAFFIC_POLICIES.includes(spec.externalTrafficPolicy)) {
      errs.push(fieldErr.notSupported('spec.externalTrafficPolicy', spec.externalTrafficPolicy, TRAFFIC_POLICIES));
    }
  }
  if (spec.internalTrafficPolicy && !TRAFFIC_POLICIES.includes(spec.internalTrafficPolicy)) {
    errs.push(fieldErr.notSupported('spec.internalTrafficPolicy', spec.internalTrafficPolicy, TRAFFIC_POLICIES));
  }
  if (spec.healthCheckNodePort && !needsHealthCheckNodePort(svc)) {
    errs.push(fieldErr.invalid('spec.healthCheckNodePort', spec.healthCheckNodePort, 'may only be set when `type` is \'LoadBalancer\' and `externalTrafficPolicy` is \'Local\''));
  }
  if (spec.loadBalancerIP && spec.type !== 'LoadBalancer') {
    errs.push(fieldErr.forbidden('spec.loadBalancerIP', "may only be used when `type` is 'LoadBalancer'"));
  }
  return errs;
}

function validateServiceUpdate(next: Service, prev: Service): FieldError[] {
  const errs = validateService(next);
  const n = next.spec ?? {};
  const p = prev.spec ?? {};
  // the primary ClusterIP never changes, except to or from ExternalName
  if (needsClusterIP(next) && needsClusterIP(prev)) {
    (p.clusterIPs ?? []).forEach((ip, i) => {
      const now = n.clusterIPs?.[i];
      if (i === 0 && now !== ip) errs.push(fieldErr.invalid('spec.clusterIPs[0]', n.clusterIPs ?? [], 'may not change once set'));
    });
  }
  if (p.loadBalancerClass && n.type === 'LoadBalancer' && n.loadBalancerClass !== p.loadBalancerClass) {
    errs.push(fieldErr.invalid('spec.loadBalancerClass', n.loadBalancerClass ?? null, 'may not change once set'));
  }
  return errs;
}

export function servicesResource(alloc: ServiceAllocators): ResourceDefinition<Service> {
  return {
    group: '',
    version: 'v1',
    kind: 'Service',
    plural: 'services',
    singular: 'service',
    shortNames: ['svc'],
    categories: ['all'],
    namespaced: true,
    storageResource: 'services/specs',
    validateName: nameIsDNS1035Label,
    returnDeletedObject: true,
    storageVersionHash: '0/CO1lhkEBI=',
    strategy: {
      prepareForCreate(svc) {
        svc.status = { loadBalancer: {} };
        applyServiceDefaults(svc);
      },
      validate: validateService,
      prepareForUpdate(next, prev) {
        normalizeClusterIPs(next, prev);
        applyServiceDefaults(next);
        keepAllocatedValues(next, prev);
        dropTypeDependentFields(next, prev);
      },
      validateUpdate: validateServiceUpdate,
      allowUnconditionalUpdate: true,
    },
    statusStrategy: {
      prepareForUpdate(next, prev) {
        next.spec = prev.spec;
      },
    },
    hooks: {
      beginCreate: (svc) => beginServiceCreate(svc, alloc),
      beginUpdate: (next, prev) => beginServiceUpdate(next, prev, alloc),
      afterDelete: (svc) => releaseService(svc, alloc),
    },
    printer: servicePrinter,
    fieldSelectors: {
      'spec.clusterIP': (s) => s.spec?.clusterIP,
      'spec.type': (s) => s.spec?.type,
    },
  };
}

