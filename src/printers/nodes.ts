/** Node columns, as kube-apiserver's printNode. */
import type { KObject } from '../apimachinery/meta.js';
import { translateTimestampSince } from './duration.js';
import { ageColumn, column, nameColumn } from './table.js';
import type { Printer } from './table.js';

interface Node extends KObject {
  spec?: { unschedulable?: boolean };
  status?: {
    conditions?: { type: string; status: string }[];
    addresses?: { type: string; address: string }[];
    nodeInfo?: { kubeletVersion?: string; osImage?: string; kernelVersion?: string; containerRuntimeVersion?: string };
  };
}

const NODE_ROLE_PREFIX = 'node-role.kubernetes.io/';
const NODE_ROLE_LABEL = 'kubernetes.io/role';

function statusCell(node: Node): string {
  // the last condition of a type wins, as upstream builds a map
  let ready: string | undefined;
  for (const c of node.status?.conditions ?? []) if (c.type === 'Ready') ready = c.status;
  const status = [ready === undefined ? 'Unknown' : ready === 'True' ? 'Ready' : 'NotReady'];
  if (node.spec?.unschedulable) status.push('SchedulingDisabled');
  return status.join(',');
}

/** Roles from `node-role.kubernetes.io/<role>` label keys and the `kubernetes.io/role` value. */
function rolesCell(node: Node): string {
  const roles = new Set<string>();
  for (const [k, v] of Object.entries(node.metadata.labels ?? {})) {
    if (k.startsWith(NODE_ROLE_PREFIX)) {
      const role = k.slice(NODE_ROLE_PREFIX.length);
      if (role) roles.add(role);
    } else if (k === NODE_ROLE_LABEL && v) roles.add(v);
  }
  return [...roles].sort().join(',') || '<none>';
}

function addressOf(node: Node, type: string): string {
  return node.status?.addresses?.find((a) => a.type === type)?.address ?? '<none>';
}

export const nodePrinter: Printer<KObject> = {
  columns: [
    nameColumn(),
    column('Status', 'string', 'Whether the node is ready, and whether scheduling to it is disabled.'),
    column('Roles', 'string', 'The roles this node plays, taken from its node-role labels.'),
    ageColumn(),
    column('Version', 'string', 'The version of the kubelet running on the node.'),
    column('Internal-IP', 'string', 'The first InternalIP address reported by the node.', { priority: 1 }),
    column('External-IP', 'string', 'The first ExternalIP address reported by the node.', { priority: 1 }),
    column('OS-Image', 'string', 'The operating system image reported by the node.', { priority: 1 }),
    column('Kernel-Version', 'string', 'The kernel version reported by the node.', { priority: 1 }),
    column('Container-Runtime', 'string', 'The container runtime name and version reported by the node.', { priority: 1 }),
  ],
  row(obj, now) {
    const node = obj as Node;
    const info = node.status?.nodeInfo ?? {};
    return [
      node.metadata.name ?? '',
      statusCell(node),
      rolesCell(node),
      translateTimestampSince(node.metadata.creationTimestamp, now),
      info.kubeletVersion ?? '',
      addressOf(node, 'InternalIP'),
      addressOf(node, 'ExternalIP'),
      info.osImage || '<unknown>',
      info.kernelVersion || '<unknown>',
      info.containerRuntimeVersion || '<unknown>',
    ];
  },
};
