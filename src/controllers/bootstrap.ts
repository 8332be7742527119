/**
 * What kube-apiserver's bootstrap controller makes sure of at every start: the system
 * namespaces and the `default/kubernetes` Service whose Endpoints point at the API server.
 */
import type { Logger } from 'pino';
import type { KObject } from '../apimachinery/meta.js';
import { isStatusError } from '../apimachinery/status.js';
import type { Registry } from '../registry/registry.js';
import { systemContext } from '../client/system-context.js';
import { SYSTEM_NAMESPACES } from '../resources/namespaces.js';
import { deepEqualJSON } from '../registry/object-meta.js';

export interface BootstrapOptions {
  /** First address of the primary service range: the `kubernetes` Service's ClusterIP. */
  serviceIP: string;
  /** Where clients reach the API server. */
  endpointIP: string;
  endpointPort: number;
}

/** Creates `obj` when missing; when `stale(existing)` says so, replaces it. */
async function ensure(
  registry: Registry,
  group: string,
  plural: string,
  obj: KObject,
  log: Logger,
  stale: (existing: KObject) => boolean = () => false,
): Promise<void> {
  const rs = registry.resource(group, plural);
  const ns = obj.metadata.namespace;
  const name = obj.metadata.name as string;
  let existing = await rs.find(ns, name);
  if (existing && stale(existing.value)) {
    // e.g. --service-cluster-ip-range or --secure-port changed since the last start
    await rs.delete(ns, name, {}, systemContext(registry.clock));
    log.info({ resource: plural, namespace: ns, name }, 'replaced system object that no longer matches the flags');
    existing = undefined;
  }
  try {
    if (!existing) {
      await rs.createDecoded(ns, structuredClone(obj), systemContext(registry.clock));
      log.info({ resource: plural, namespace: ns, name }, 'created system object');
    }
  } catch (err) {
    if (!isStatusError(err, 'AlreadyExists')) throw err;
  }
}

export async function bootstrap(registry: Registry, opts: BootstrapOptions, log: Logger): Promise<void> {
  for (const name of SYSTEM_NAMESPACES) {
    await ensure(registry, '', 'namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, log);
  }
  await ensure(
    registry,
    '',
    'services',
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'kubernetes', namespace: 'default', labels: { component: 'apiserver', provider: 'kubernetes' } },
      spec: {
        type: 'ClusterIP',
        clusterIP: opts.serviceIP,
        ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: opts.endpointPort }],
        sessionAffinity: 'None',
      },
    },
    log,
    (svc) => {
      const spec = (svc as { spec?: { clusterIP?: string; ports?: { targetPort?: unknown }[] } }).spec;
      return spec?.clusterIP !== opts.serviceIP || spec?.ports?.[0]?.targetPort !== opts.endpointPort;
    },
  );
  // the endpoints follow the flags on every start (as the lease reconciler keeps them current)
  const ctx = systemContext(registry.clock);
  const subsets = [{ addresses: [{ ip: opts.endpointIP }], ports: [{ name: 'https', port: opts.endpointPort, protocol: 'TCP' }] }];
  const eps = registry.resource('', 'endpoints');
  const current = await eps.find('default', 'kubernetes');
  if (!current || !deepEqualJSON((current.value as { subsets?: unknown }).subsets, subsets)) {
    await eps.update(
      'default',
      'kubernetes',
      { apiVersion: 'v1', kind: 'Endpoints', metadata: { name: 'kubernetes', namespace: 'default', labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' } }, subsets },
      {},
      ctx,
    );
  }
  const family = opts.endpointIP.includes(':') ? 'IPv6' : 'IPv4';
  const slice = {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name: 'kubernetes', namespace: 'default', labels: { 'kubernetes.io/service-name': 'kubernetes', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' } },
    addressType: family,
    endpoints: [{ addresses: [opts.endpointIP], conditions: { ready: true, serving: true, terminating: false } }],
    ports: [{ name: 'https', port: opts.endpointPort, protocol: 'TCP' }],
  };
  const slices = registry.resource('discovery.k8s.io', 'endpointslices');
  const currentSlice = await slices.find('default', 'kubernetes');
  if (!currentSlice) await slices.createDecoded('default', structuredClone(slice), ctx);
  else {
    const v = currentSlice.value as { endpoints?: unknown; ports?: unknown; addressType?: unknown };
    if (!deepEqualJSON(v.endpoints, slice.endpoints) || !deepEqualJSON(v.ports, slice.ports) || v.addressType !== slice.addressType) {
      if (v.addressType !== slice.addressType) {
        await slices.delete('default', 'kubernetes', {}, ctx);
        await slices.createDecoded('default', structuredClone(slice), ctx);
      } else {
        await slices.update('default', 'kubernetes', { ...slice, metadata: { ...slice.metadata } }, {}, ctx);
      }
    }
  }
}
