/**
 * The default scheduler's filters, in small: cordoned nodes, untolerated NoSchedule/NoExecute
 * taints (a node that is not Ready counts as tainted not-ready, as the node lifecycle controller
 * would taint it), nodeSelector, and the node's pod capacity. Pure.
 */
import type { Pod } from '../resources/pods.js';
import { isNodeReady, type NodeObject } from './node-objects.js';

interface Taint {
  key: string;
  value?: string;
  effect: string;
}

interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
}

const NOT_READY_TAINT: Taint = { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' };

// upstream's reasons, word for word
const UNSCHEDULABLE = 'node(s) were unschedulable';
const SELECTOR = "node(s) didn't match Pod's node affinity/selector";
const TOO_MANY_PODS = 'Too many pods';

function tolerates(tolerations: Toleration[], taint: Taint): boolean {
  return tolerations.some((t) => {
    if (t.effect && t.effect !== taint.effect) return false;
    if (t.operator === 'Exists') return !t.key || t.key === taint.key;
    return t.key === taint.key && (t.value ?? '') === (taint.value ?? '');
  });
}

/** Why `node` cannot take `pod`, or undefined when it can. */
function rejection(pod: Pod, node: NodeObject, podsOnNode: number): string | undefined {
  if (node.spec?.unschedulable) return UNSCHEDULABLE;
  const tolerations = (pod.spec?.tolerations ?? []) as Toleration[];
  const taints = [...(node.spec?.taints ?? []), ...(isNodeReady(node) ? [] : [NOT_READY_TAINT])];
  for (const taint of taints) {
    if (taint.effect !== 'NoSchedule' && taint.effect !== 'NoExecute') continue;
    if (!tolerates(tolerations, taint)) return `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`;
  }
  const selector = (pod.spec?.nodeSelector ?? {}) as Record<string, string>;
  const labels = node.metadata.labels ?? {};
  if (Object.entries(selector).some(([k, v]) => labels[k] !== v)) return SELECTOR;
  const capacity = Number((node.status?.allocatable as Record<string, string> | undefined)?.pods ?? '110');
  if (podsOnNode >= capacity) return TOO_MANY_PODS;
  return undefined;
}

/** The nodes that pass every filter, and a count of each rejection reason. */
export function feasibleNodes(pod: Pod, nodes: NodeObject[], load: ReadonlyMap<string, number> = new Map()): { feasible: NodeObject[]; reasons: Map<string, number> } {
  const feasible: NodeObject[] = [];
  const reasons = new Map<string, number>();
  for (const node of nodes) {
    const why = rejection(pod, node, load.get(node.metadata.name as string) ?? 0);
    if (why === undefined) feasible.push(node);
    else reasons.set(why, (reasons.get(why) ?? 0) + 1);
  }
  return { feasible, reasons };
}

/** The FailedScheduling message, as the scheduler's FitError formats it. */
export function unschedulableMessage(total: number, reasons: ReadonlyMap<string, number>): string {
  if (total === 0) return 'no nodes available to schedule pods';
  const parts = [...reasons.entries()].map(([why, n]) => `${n} ${why}`).sort();
  return `0/${total} nodes are available: ${parts.join(', ')}. preemption: 0/${total} nodes are available: ${total} Preemption is not helpful for scheduling.`;
}
