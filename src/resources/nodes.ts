/** core/v1 Node: cluster-scoped; the simulated kubelet keeps its status. */
import type { KObject } from '../apimachinery/meta.js';
import type { ResourceDefinition } from '../registry/resource-definition.js';
import { nodePrinter } from '../printers/nodes.js';

interface Node extends KObject {
  spec?: { unschedulable?: boolean; podCIDR?: string; podCIDRs?: string[]; taints?: unknown[] };
  status?: Record<string, unknown>;
}

export const nodesResource: ResourceDefinition<Node> = {
  group: '',
  version: 'v1',
  kind: 'Node',
  plural: 'nodes',
  singular: 'node',
  shortNames: ['no'],
  categories: [],
  namespaced: false,
  returnDeletedObject: false,
  storageVersionHash: 'XwShjMxG9Fs=',
  strategy: {
    prepareForCreate(node) {
      node.spec ??= {};
      node.status ??= {};
    },
    allowUnconditionalUpdate: true,
  },
  statusStrategy: {
    prepareForUpdate(next, prev) {
      next.spec = prev.spec;
    },
  },
  printer: nodePrinter,
  fieldSelectors: { 'spec.unschedulable': (n) => String(n.spec?.unschedulable ?? false) },
};
