/** Service columns, as kube-apiserver's printService. */
import type { KObject } from '../apimachinery/meta.js';
import { translateTimestampSince } from './duration.js';
import { ageColumn, column, nameColumn } from './table.js';
import type { Printer } from './table.js';

interface ServicePort {
  port?: number;
  nodePort?: number;
  protocol?: string;
}

interface Service extends KObject {
  spec?: {
    type?: string;
    clusterIP?: string;
    clusterIPs?: string[];
    externalIPs?: string[];
    externalName?: string;
    ports?: ServicePort[];
    selector?: Record<string, string>;
  };
  status?: { loadBalancer?: { ingress?: { ip?: string; hostname?: string }[] } };
}

/** Longest LoadBalancer address list printed without `-o wide`. */
const LOAD_BALANCER_WIDTH = 16;

/** Ingress IPs (or hostnames), de-duplicated and sorted; cut to 16 chars unless wide. */
function loadBalancerAddresses(svc: Service, wide: boolean): string {
  const set = new Set<string>();
  for (const ing of svc.status?.loadBalancer?.ingress ?? []) {
    if (ing.ip) set.add(ing.ip);
    else if (ing.hostname) set.add(ing.hostname);
  }
  const joined = [...set].sort().join(',');
  if (!wide && joined.length > LOAD_BALANCER_WIDTH) return joined.slice(0, LOAD_BALANCER_WIDTH - 3) + '...';
  return joined;
}

/**
 * The EXTERNAL-IP cell. `wide` only matters for LoadBalancer address lists; the server-side
 * printer always passes true, as kube-apiserver's TableConvertor prints with Wide: true.
 */
export function serviceExternalIP(obj: KObject, wide: boolean): string {
  const svc = obj as Service;
  const externalIPs = svc.spec?.externalIPs ?? [];
  switch (svc.spec?.type) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerAddresses(svc, wide);
      if (externalIPs.length > 0) return [...(lb ? lb.split(',') : []), ...externalIPs].join(',');
      return lb || '<pending>';
    }
    case 'ExternalName':
      return svc.spec.externalName ?? '';
    default:
      return '<unknown>';
  }
}

function portsCell(ports: ServicePort[]): string {
  const cell = ports
    .map((p) => (p.nodePort && p.nodePort > 0 ? `${p.port ?? 0}:${p.nodePort}/${p.protocol ?? ''}` : `${p.port ?? 0}/${p.protocol ?? ''}`))
    .join(',');
  return cell || '<none>';
}

/** labels.FormatLabels: `k=v` sorted by key, `,`-joined; `<none>` when empty. */
export function formatLabels(labels: Record<string, string> | undefined): string {
  const keys = Object.keys(labels ?? {}).sort();
  return keys.length > 0 ? keys.map((k) => `${k}=${labels![k]}`).join(',') : '<none>';
}

export const servicePrinter: Printer<KObject> = {
  columns: [
    nameColumn(),
    column('Type', 'string', 'How the Service is exposed: ClusterIP, NodePort, LoadBalancer or ExternalName.'),
    column('Cluster-IP', 'string', 'The virtual IP the cluster assigned to the Service; None for headless Services.'),
    column('External-IP', 'string', 'Addresses outside the cluster at which the Service is reachable.'),
    column('Port(s)', 'string', 'The ports the Service exposes, with their node ports and protocols.'),
    ageColumn(),
    column('Selector', 'string', 'Route traffic to pods whose labels match this selector.', { priority: 1 }),
  ],
  row(obj, now) {
    const svc = obj as Service;
    // clusterIPs is filled from clusterIP by conversion upstream; fall back the same way
    const clusterIPs = svc.spec?.clusterIPs?.length ? svc.spec.clusterIPs : svc.spec?.clusterIP ? [svc.spec.clusterIP] : [];
    return [
      svc.metadata.name ?? '',
      svc.spec?.type ?? '',
      clusterIPs[0] ?? '<none>',
      serviceExternalIP(svc, true),
      portsCell(svc.spec?.ports ?? []),
      translateTimestampSince(svc.metadata.creationTimestamp, now),
      formatLabels(svc.spec?.selector),
    ];
  },
};
