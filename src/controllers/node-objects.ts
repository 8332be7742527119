/**
 * The Node and Lease objects a kubelet (plus the node IPAM controller) would keep for each
 * simulated node. Pure: every timestamp comes in as an argument.
 */
import { createHash } from 'node:crypto';
import type { KObject } from '../apimachinery/meta.js';
import { deepEqualJSON, rfc3339 } from '../registry/object-meta.js';
import { nthSubnet } from './pod-ips.js';

export const NODE_NAME_PREFIX = 'kubelevel-node-';
export const NODE_LEASE_NAMESPACE = 'kube-node-lease';
// kubelet defaults: the lease lasts 40 s and is renewed every quarter of that
export const LEASE_DURATION_SECONDS = 40;
export const KUBELET_VERSION = 'v1.33.0';
// as kube-controller-manager's --node-cidr-mask-size defaults
const NODE_CIDR_MASK = { IPv4: 24, IPv6: 64 } as const;
const ARCH = 'amd64';

/** What makes one simulated node: its name, position and addresses. */
export interface SimulatedNode {
  name: string;
  /** 0-based position: node 0 is the control plane. */
  index: number;
  /** kind-like address on a fake docker network: 172.18.0.2, 172.18.0.3, … */
  internalIP: string;
  /** One per --cluster-cidr entry, the index-th /24 (IPv4) or /64 (IPv6). */
  podCIDRs: string[];
}

export interface NodeCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  lastHeartbeatTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface NodeObject extends KObject {
  spec?: { podCIDR?: string; podCIDRs?: string[]; unschedulable?: boolean; taints?: { key: string; value?: string; effect: string }[] };
  status?: {
    conditions?: NodeCondition[];
    addresses?: { type: string; address: string }[];
    [k: string]: unknown;
  };
}

/** The node mask for a cluster CIDR; a cluster CIDR narrower than that is given whole to the first node. */
function nodeMask(clusterCIDR: string): number {
  const prefix = Number(clusterCIDR.slice(clusterCIDR.indexOf('/') + 1));
  return Math.max(prefix, clusterCIDR.includes(':') ? NODE_CIDR_MASK.IPv6 : NODE_CIDR_MASK.IPv4);
}

export function simulatedNodeName(index: number): string {
  return `${NODE_NAME_PREFIX}${index + 1}`;
}

/** The simulated nodes for `count` and the cluster CIDRs; nodes past the CIDR's capacity get no podCIDR. */
export function simulatedNodes(count: number, clusterCIDRs: readonly string[]): SimulatedNode[] {
  return Array.from({ length: count }, (_, index) => {
    const host = index + 2;
    return {
      name: simulatedNodeName(index),
      index,
      internalIP: `172.18.${Math.floor(host / 256)}.${host % 256}`,
      podCIDRs: clusterCIDRs
        .map((cidr) => nthSubnet(cidr, nodeMask(cidr), index))
        .filter((c): c is string => c !== undefined),
    };
  });
}

function hex(seed: string, n: number): string {
  return createHash('sha256').update(seed).digest('hex').slice(0, n);
}

function uuidOf(seed: string): string {
  const h = hex(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/** Labels and annotations the kubelet (and kubeadm, for the first node) put on a Node. */
export function nodeMetadata(sim: SimulatedNode): { labels: Record<string, string>; annotations: Record<string, string> } {
  const labels: Record<string, string> = {
    'beta.kubernetes.io/arch': ARCH,
    'beta.kubernetes.io/os': 'linux',
    'kubernetes.io/arch': ARCH,
    'kubernetes.io/hostname': sim.name,
    'kubernetes.io/os': 'linux',
  };
  if (sim.index === 0) {
    labels['node-role.kubernetes.io/control-plane'] = '';
    labels['node.kubernetes.io/exclude-from-external-load-balancers'] = '';
  }
  return {
    labels,
    annotations: {
      'node.alpha.kubernetes.io/ttl': '0',
      'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
    },
  };
}

const CONDITIONS: readonly Omit<NodeCondition, 'lastHeartbeatTime' | 'lastTransitionTime'>[] = [
  { type: 'MemoryPressure', status: 'False', reason: 'KubeletHasSufficientMemory', message: 'kubelet has sufficient memory available' },
  { type: 'DiskPressure', status: 'False', reason: 'KubeletHasNoDiskPressure', message: 'kubelet has no disk pressure' },
  { type: 'PIDPressure', status: 'False', reason: 'KubeletHasSufficientPID', message: 'kubelet has sufficient PID available' },
  { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
];

const RESOURCES = {
  cpu: '8',
  'ephemeral-storage': '102626232Ki',
  'hugepages-1Gi': '0',
  'hugepages-2Mi': '0',
  memory: '16318012Ki',
  pods: '110',
};

/**
 * The status the kubelet posts. Conditions keep their lastTransitionTime while the status is
 * unchanged; lastHeartbeatTime is `now`.
 */
export function nodeStatus(sim: SimulatedNode, now: number, prev: NodeObject['status'] | undefined): Record<string, unknown> {
  const ts = rfc3339(now);
  const conditions = CONDITIONS.map((c) => {
    const old = prev?.conditions?.find((p) => p.type === c.type);
    const kept = old && old.status === c.status && old.lastTransitionTime;
    return { type: c.type, status: c.status, lastHeartbeatTime: ts, lastTransitionTime: kept ? old.lastTransitionTime : ts, reason: c.reason, message: c.message };
  });
  return {
    capacity: { ...RESOURCES },
    allocatable: { ...RESOURCES },
    conditions,
    addresses: [
      { type: 'InternalIP', address: sim.internalIP },
      { type: 'Hostname', address: sim.name },
    ],
    daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
    nodeInfo: {
      machineID: hex(`machine:${sim.name}`, 32),
      systemUUID: uuidOf(`system:${sim.name}`),
      bootID: uuidOf(`boot:${sim.name}`),
      kernelVersion: '6.8.0-kubelevel',
      osImage: 'Debian GNU/Linux 12 (bookworm)',
      containerRuntimeVersion: 'containerd://2.0.3',
      kubeletVersion: KUBELET_VERSION,
      kubeProxyVersion: '',
      operatingSystem: 'linux',
      architecture: ARCH,
    },
    features: { supplementalGroupsPolicy: true },
  };
}

/** The Node the kubelet registers (status included, as a kubelet's create carries it). */
export function registeredNode(sim: SimulatedNode, now: number): NodeObject {
  const spec: NodeObject['spec'] = sim.podCIDRs.length > 0 ? { podCIDR: sim.podCIDRs[0]!, podCIDRs: [...sim.podCIDRs] } : {};
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: sim.name, ...nodeMetadata(sim) },
    spec,
    status: nodeStatus(sim, now, undefined),
  };
}

/**
 * Whether the posted status differs from what the kubelet would post now, ignoring heartbeats
 * (those are refreshed on their own schedule).
 */
export function nodeStatusDiffers(current: NodeObject['status'] | undefined, desired: Record<string, unknown>): boolean {
  const withoutHeartbeats = (s: Record<string, unknown> | undefined): unknown => {
    if (!s) return undefined;
    const conditions = ((s.conditions ?? []) as NodeCondition[]).map((c) => ({ type: c.type, status: c.status, reason: c.reason, message: c.message }));
    return { ...s, conditions };
  };
  return !deepEqualJSON(withoutHeartbeats(current), withoutHeartbeats(desired));
}

/** Oldest lastHeartbeatTime among the conditions (0 when none). */
export function lastHeartbeat(status: NodeObject['status'] | undefined): number {
  const times = (status?.conditions ?? []).map((c) => Date.parse(c.lastHeartbeatTime ?? '')).filter((t) => !Number.isNaN(t));
  return times.length === 0 ? 0 : Math.min(...times);
}

/** metav1.MicroTime: RFC 3339 with six fractional digits. */
export function microTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d{3})Z$/, '.$1000Z');
}

/** The node's heartbeat Lease in kube-node-lease, owned by the Node as the kubelet makes it. */
export function nodeLease(nodeName: string, nodeUID: string | undefined, now: number): KObject {
  return {
    apiVersion: 'coordination.k8s.io/v1',
    kind: 'Lease',
    metadata: {
      name: nodeName,
      namespace: NODE_LEASE_NAMESPACE,
      ...(nodeUID ? { ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: nodeName, uid: nodeUID }] } : {}),
    },
    spec: { holderIdentity: nodeName, leaseDurationSeconds: LEASE_DURATION_SECONDS, renewTime: microTime(now) },
  };
}

/** The InternalIP of a node, else its first address. */
export function nodeInternalIPs(node: NodeObject): string[] {
  const addrs = node.status?.addresses ?? [];
  const internal = addrs.filter((a) => a.type === 'InternalIP').map((a) => a.address);
  return internal.length > 0 ? internal : addrs.slice(0, 1).map((a) => a.address);
}

export function isNodeReady(node: NodeObject): boolean {
  return node.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}
