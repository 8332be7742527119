/**
 * The namespace controller (kube's pkg/controller/namespace/deletion): once a namespace is marked
 * for deletion it deletes everything in it, resource by resource (pods first, as
 * OrderedNamespaceDeletion), reports progress in the namespace conditions, and when nothing is
 * left removes the `kubernetes` finalizer through namespaces/finalize, which deletes the namespace.
 */
import type { Logger } from 'pino';
import type { KObject } from '../apimachinery/meta.js';
import { isStatusError } from '../apimachinery/status.js';
import type { Client } from '../client/client.js';
import type { Registry } from '../registry/registry.js';
import type { ResourceDefinition } from '../registry/resource-definition.js';
import { rfc3339 } from '../registry/object-meta.js';
import type { Controller } from './runtime/controller.js';
import { runWorkers } from './runtime/controller.js';
import type { InformerFactory } from './runtime/informer-factory.js';
import type { Informer } from './runtime/informer.js';
import { WorkQueue } from './runtime/work-queue.js';

/** The finalizer this controller owns in spec.finalizers (upstream's FinalizerKubernetes). */
export const KUBERNETES_FINALIZER = 'kubernetes';

// while content remains the namespace is looked at again after this delay, doubling up to the cap
const RECHECK_BASE_MS = 200;
const RECHECK_MAX_MS = 2_000;
// as upstream (finalizerEstimateSeconds): the assumed wait for objects held by finalizers
const FINALIZER_ESTIMATE_SECONDS = 15;
const WORKERS = 2;

export interface NamespaceCondition {
  type: string;
  status: 'True' | 'False';
  lastTransitionTime?: string;
  reason: string;
  message: string;
}

interface Namespace extends KObject {
  spec?: { finalizers?: string[] };
  status?: { phase?: string; conditions?: NamespaceCondition[] };
}

interface Pod extends KObject {
  spec?: { terminationGracePeriodSeconds?: number };
  status?: { phase?: string };
}

/** The condition types the deleter maintains, in upstream's order, with their "all is well" forms. */
const CONDITION_TYPES: readonly { type: string; okReason: string; okMessage: string }[] = [
  { type: 'NamespaceDeletionDiscoveryFailure', okReason: 'ResourcesDiscovered', okMessage: 'All resources successfully discovered' },
  { type: 'NamespaceDeletionGroupVersionParsingFailure', okReason: 'ParsedGroupVersions', okMessage: 'All legacy kube types successfully parsed' },
  { type: 'NamespaceDeletionContentFailure', okReason: 'ContentDeleted', okMessage: 'All content successfully deleted, may be waiting on finalization' },
  { type: 'NamespaceContentRemaining', okReason: 'ContentRemoved', okMessage: 'All content successfully removed' },
  { type: 'NamespaceFinalizersRemaining', okReason: 'ContentHasNoFinalizers', okMessage: 'All content-preserving finalizers finished' },
];

/** What one pass over a namespace's content found. */
export interface ContentReport {
  /** `<resource>.<group>` → instances still present. */
  remaining: Map<string, number>;
  /** finalizer → instances it still holds. */
  finalizers: Map<string, number>;
  /** One message per resource that could not be emptied. */
  errors: string[];
  /** Seconds the remaining content is expected to take (0: no estimate). */
  estimateSeconds: number;
}

/** The failing conditions a content report calls for (upstream's namespaceConditionUpdater). */
export function failingConditions(report: ContentReport, now: number): NamespaceCondition[] {
  const at = rfc3339(now);
  const out: NamespaceCondition[] = [];
  if (report.errors.length > 0) {
    const msgs = [...report.errors].sort();
    out.push({
      type: 'NamespaceDeletionContentFailure',
      status: 'True',
      lastTransitionTime: at,
      reason: 'ContentDeletionFailed',
      message: `Failed to delete all resource types, ${msgs.length} remaining: ${msgs.join(', ')}`,
    });
  }
  const remaining = [...report.remaining].filter(([, n]) => n > 0).map(([gr, n]) => `${gr} has ${n} resource instances`);
  if (remaining.length > 0) {
    out.push({
      type: 'NamespaceContentRemaining',
      status: 'True',
      lastTransitionTime: at,
      reason: 'SomeResourcesRemain',
      message: `Some resources are remaining: ${remaining.sort().join(', ')}`,
    });
  }
  const held = [...report.finalizers].filter(([, n]) => n > 0).map(([f, n]) => `${f} in ${n} resource instances`);
  if (held.length > 0) {
    out.push({
      type: 'NamespaceFinalizersRemaining',
      status: 'True',
      lastTransitionTime: at,
      reason: 'SomeFinalizersRemain',
      message: `Some content in the namespace has finalizers remaining: ${held.sort().join(', ')}`,
    });
  }
  return out;
}

/**
 * Merges `failing` into `conditions` as upstream's updateConditions: every owned type is present,
 * failing or in its ok form; lastTransitionTime moves only when the status flips. Returns whether
 * anything changed (mutates `conditions`).
 */
export function mergeConditions(conditions: NamespaceCondition[], failing: NamespaceCondition[], now: number): boolean {
  let changed = false;
  for (const t of CONDITION_TYPES) {
    const want = failing.find((c) => c.type === t.type) ?? {
      type: t.type,
      status: 'False' as const,
      lastTransitionTime: rfc3339(now),
      reason: t.okReason,
      message: t.okMessage,
    };
    const have = conditions.find((c) => c.type === t.type);
    if (!have) {
      conditions.push(want);
      changed = true;
    } else if (have.status !== want.status || have.reason !== want.reason || have.message !== want.message) {
      if (have.status !== want.status) have.lastTransitionTime = rfc3339(now);
      have.status = want.status;
      have.reason = want.reason;
      have.message = want.message;
      changed = true;
    }
  }
  return changed;
}

export interface NamespaceLifecycleDeps {
  registry: Registry;
  client: Client;
  informers: InformerFactory;
  logger: Logger;
  now: () => number;
}

export class NamespaceLifecycleController implements Controller {
  readonly name = 'namespace-controller';
  readonly #deps: NamespaceLifecycleDeps;
  readonly #log: Logger;
  readonly #queue = new WorkQueue();
  readonly #namespaces: Informer;
  readonly #pods: Informer;
  /** Pending re-checks of namespaces whose content is still going away. */
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #rechecks = new Map<string, number>();

  constructor(deps: NamespaceLifecycleDeps) {
    this.#deps = deps;
    this.#log = deps.logger.child({ component: 'namespace-controller' });
    this.#namespaces = deps.informers.for('', 'namespaces');
    this.#pods = deps.informers.for('', 'pods');
  }

  async run(signal: AbortSignal): Promise<void> {
    const enqueueIfDeleting = (obj: KObject) => {
      if (obj.metadata.deletionTimestamp) this.#queue.add(obj.metadata.name as string);
    };
    this.#namespaces.addHandlers({
      add: enqueueIfDeleting,
      update: (_prev, next) => enqueueIfDeleting(next),
      delete: (obj) => this.#forget(obj.metadata.name as string),
    });
    // a graceful pod going away is what a terminating namespace usually waits for
    this.#pods.addHandlers({
      delete: (pod) => {
        const ns = pod.metadata.namespace;
        if (ns && this.#namespaces.get(undefined, ns)?.metadata.deletionTimestamp) this.#queue.add(ns);
      },
    });
    await Promise.all([this.#namespaces.waitForSync(), this.#pods.waitForSync()]);
    this.#log.info('namespace controller started');
    try {
      await runWorkers(this.#queue, (key) => this.sync(key), { workers: WORKERS, log: this.#log, signal });
    } finally {
      // the workers return once the signal aborted: pending re-checks go with them
      for (const t of this.#timers.values()) clearTimeout(t);
      this.#timers.clear();
    }
  }

  /** One pass over a namespace: delete its content, report, finalize once empty. Safe to repeat. */
  async sync(name: string): Promise<void> {
    const cached = this.#namespaces.get(undefined, name) as Namespace | undefined;
    if (!cached?.metadata.deletionTimestamp) {
      this.#forget(name);
      return;
    }
    // several writers touch a terminating namespace: decide on its latest state, as upstream
    let ns: Namespace;
    try {
      ns = (await this.#deps.client.namespaces.get(undefined, name)) as Namespace;
    } catch (err) {
      if (isStatusError(err, 'NotFound')) return this.#forget(name);
      throw err;
    }
    if (!ns.metadata.deletionTimestamp) return this.#forget(name);
    if (isFinalized(ns)) return this.#deleteNamespace(ns);

    const report = await this.deleteAllContent(ns);
    await this.#updateConditions(ns, report);
    if (report.errors.length > 0 || report.remaining.size > 0) {
      // unlike a failed write, remaining content is waited for without limit, as upstream
      const fields = { namespace: name, remaining: Object.fromEntries(report.remaining), estimate: report.estimateSeconds };
      if (report.errors.length > 0) this.#log.warn({ ...fields, errors: report.errors }, 'namespace content could not be deleted; will retry');
      else this.#log.debug(fields, 'namespace content remains');
      this.#recheckLater(name);
      return;
    }
    let finalized: Namespace;
    try {
      finalized = (await this.#deps.client.namespaces.subresource(undefined, name, 'finalize', 'update', {
        apiVersion: 'v1',
        kind: 'Namespace',
        metadata: { name, uid: ns.metadata.uid },
        spec: { finalizers: (ns.spec?.finalizers ?? []).filter((f) => f !== KUBERNETES_FINALIZER) },
      })) as Namespace;
    } catch (err) {
      if (isStatusError(err, 'NotFound')) return this.#forget(name);
      throw err;
    }
    this.#log.debug({ namespace: name }, 'finalized namespace');
    // finalize already removed it unless other finalizers hold it; delete covers a store that did not
    if (isFinalized(finalized) && (finalized.metadata.finalizers ?? []).length === 0) await this.#deleteNamespace(finalized);
    this.#forget(name);
  }

  /**
   * Deletes every namespaced object of every served resource in the namespace, pods first, and
   * reports what is left (upstream's deleteAllContent).
   */
  async deleteAllContent(ns: Namespace): Promise<ContentReport> {
    const name = ns.metadata.name as string;
    const report: ContentReport = { remaining: new Map(), finalizers: new Map(), errors: [], estimateSeconds: 0 };
    const deletable = this.#deps.registry
      .resources()
      .map((rs) => rs.def)
      .filter((def) => def.namespaced && supports(def, 'delete') && supports(def, 'list'));
    // as OrderedNamespaceDeletion (on by default since 1.33): pods go first, the rest once they are gone
    const pods = deletable.filter(isPods);
    const rest = deletable.filter((def) => !isPods(def));
    for (const group of [pods, rest]) {
      for (const def of group) await this.#deleteResourceContent(def, name, ns, report);
      if (report.remaining.size > 0 || report.errors.length > 0) break;
    }
    return report;
  }

  async #deleteResourceContent(def: ResourceDefinition, namespace: string, ns: Namespace, report: ContentReport): Promise<void> {
    const gr = `${def.plural}.${def.group}`;
    const rc = this.#deps.client.resource(def.group, def.plural);
    try {
      const estimate = isPods(def) ? this.#podEstimateSeconds(namespace, ns) : 0;
      const { items } = await rc.list(namespace);
      for (const item of items) {
        if (item.metadata.deletionTimestamp) continue;
        await rc.deleteIfExists(namespace, item.metadata.name as string, { propagationPolicy: 'Background' });
      }
      const left = (await rc.list(namespace)).items;
      if (left.length === 0) return;
      report.remaining.set(gr, left.length);
      let held = 0;
      for (const item of left) {
        for (const f of item.metadata.finalizers ?? []) report.finalizers.set(f, (report.finalizers.get(f) ?? 0) + 1);
        if ((item.metadata.finalizers ?? []).length > 0) held++;
      }
      if (estimate > 0) report.estimateSeconds = Math.max(report.estimateSeconds, estimate);
      else if (held > 0) report.estimateSeconds = Math.max(report.estimateSeconds, FINALIZER_ESTIMATE_SECONDS);
      else report.errors.push(`unexpected items still remain in namespace: ${namespace} for gvr: ${def.group}/${def.version}, Resource=${def.plural}`);
    } catch (err) {
      report.errors.push(err instanceof Error ? err.message : String(err));
    }
  }

  /** Upstream's estimateGracefulTerminationForPods: the longest grace period of a live pod, while it may still run. */
  #podEstimateSeconds(namespace: string, ns: Namespace): number {
    let estimate = 0;
    for (const pod of this.#pods.list(namespace) as Pod[]) {
      const phase = pod.status?.phase;
      if (phase === 'Succeeded' || phase === 'Failed') continue;
      estimate = Math.max(estimate, pod.spec?.terminationGracePeriodSeconds ?? 0);
    }
    const elapsedMs = this.#deps.now() - Date.parse(ns.metadata.deletionTimestamp as string);
    return elapsedMs >= estimate * 1000 ? 0 : estimate;
  }

  async #updateConditions(ns: Namespace, report: ContentReport): Promise<void> {
    const now = this.#deps.now();
    const failing = failingConditions(report, now);
    const current = structuredClone(ns.status?.conditions ?? []);
    if (!mergeConditions(current, failing, now) && ns.status?.phase === 'Terminating') return;
    try {
      await this.#deps.client.namespaces.mutate(
        undefined,
        ns.metadata.name as string,
        (obj) => {
          const latest = obj as Namespace;
          const status = (latest.status ??= {});
          status.phase = 'Terminating';
          status.conditions ??= [];
          mergeConditions(status.conditions, failing, now);
          return latest;
        },
        'status',
      );
    } catch (err) {
      // as upstream: a failed condition update is reported, the deletion goes on
      if (!isStatusError(err, 'NotFound')) this.#log.warn({ err, namespace: ns.metadata.name }, 'could not update namespace conditions');
    }
  }

  async #deleteNamespace(ns: Namespace): Promise<void> {
    // the uid precondition keeps a namespace re-created under the same name safe
    await this.#deps.client.namespaces.deleteIfExists(undefined, ns.metadata.name as string, { preconditions: { uid: ns.metadata.uid } });
    this.#forget(ns.metadata.name as string);
  }

  #recheckLater(name: string): void {
    if (this.#timers.has(name)) return;
    const n = this.#rechecks.get(name) ?? 0;
    this.#rechecks.set(name, n + 1);
    const delay = Math.min(RECHECK_BASE_MS * 2 ** n, RECHECK_MAX_MS);
    const t = setTimeout(() => {
      this.#timers.delete(name);
      this.#queue.add(name);
    }, delay).unref();
    this.#timers.set(name, t);
  }

  #forget(name: string): void {
    const t = this.#timers.get(name);
    if (t) clearTimeout(t);
    this.#timers.delete(name);
    this.#rechecks.delete(name);
  }
}

function isFinalized(ns: Namespace): boolean {
  return (ns.spec?.finalizers ?? []).length === 0;
}

function isPods(def: ResourceDefinition): boolean {
  return def.group === '' && def.plural === 'pods';
}

function supports(def: ResourceDefinition, verb: string): boolean {
  // no verbs list means the standard eight
  return def.verbs === undefined || def.verbs.includes(verb);
}
