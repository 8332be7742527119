/** core/v1 Pod: defaults as kube-apiserver applies them, graceful deletion, and /binding. */
import type { KObject } from '../apimachinery/meta.js';
import { fieldErr, type FieldError } from '../apimachinery/field-errors.js';
import { isDNS1123Label, isValidIP, parseIPSloppy } from '../apimachinery/validation.js';
import { badRequest, conflict } from '../apimachinery/status.js';
import type { ResourceDefinition, ActionRequest, RequestContext } from '../registry/resource-definition.js';
import { rfc3339, deepEqualJSON, defaultClock } from '../registry/object-meta.js';
import { podPrinter } from '../printers/pods.js';
import { validatePortNumber, validateProtocol, validatePortName } from './ports.js';
import { admitServiceAccount } from './service-account-token.js';

interface Container {
  name?: string;
  image?: string;
  imagePullPolicy?: string;
  ports?: { name?: string; containerPort?: number; protocol?: string; hostPort?: number }[];
  resources?: { limits?: Record<string, unknown>; requests?: Record<string, unknown> };
  terminationMessagePath?: string;
  terminationMessagePolicy?: string;
  restartPolicy?: string;
  [k: string]: unknown;
}

export interface Pod extends KObject {
  spec?: {
    containers?: Container[];
    initContainers?: Container[];
    restartPolicy?: string;
    dnsPolicy?: string;
    nodeName?: string;
    terminationGracePeriodSeconds?: number;
    tolerations?: Record<string, unknown>[];
    [k: string]: unknown;
  };
  status?: { phase?: string; podIP?: string; podIPs?: { ip: string }[]; qosClass?: string; [k: string]: unknown };
}

const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirst', 'ClusterFirstWithHostNet', 'Default', 'None'];
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const DEFAULT_GRACE_SECONDS = 30;

/** `:latest` or untagged images are pulled Always; everything else IfNotPresent (as upstream). */
function defaultPullPolicy(image: string | undefined): string {
  if (!image) return 'IfNotPresent';
  if (image.includes('@')) return 'IfNotPresent';
  const lastSlash = image.lastIndexOf('/');
  const tagAt = image.lastIndexOf(':');
  if (tagAt <= lastSlash) return 'Always';
  return image.slice(tagAt + 1) === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultContainer(c: Container): void {
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  c.imagePullPolicy ??= defaultPullPolicy(c.image);
  c.resources ??= {};
  for (const p of c.ports ?? []) p.protocol ??= 'TCP';
  const res = c.resources;
  // as upstream: limits without requests make requests equal to the limits
  if (res.limits) res.requests = { ...res.limits, ...(res.requests ?? {}) };
}

/** Guaranteed / Burstable / BestEffort, as kube's qos.GetPodQOS decides. */
export function podQOSClass(pod: Pod): string {
  const containers = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])];
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    if (Object.keys(req).length > 0 || Object.keys(lim).length > 0) any = true;
    for (const r of ['cpu', 'memory']) {
      if (lim[r] === undefined || String(req[r] ?? lim[r]) !== String(lim[r])) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

function applyPodDefaults(pod: Pod): void {
  const spec = (pod.spec ??= {});
  spec.restartPolicy ??= 'Always';
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.terminationGracePeriodSeconds ??= DEFAULT_GRACE_SECONDS;
  spec.schedulerName ??= 'default-scheduler';
  spec.securityContext ??= {};
  spec.enableServiceLinks ??= true;
  spec.serviceAccountName ??= (spec.serviceAccount as string | undefined) ?? 'default';
  spec.serviceAccount ??= spec.serviceAccountName;
  spec.priority ??= 0;
  spec.preemptionPolicy ??= 'PreemptLowerPriority';
  for (const c of spec.containers ?? []) defaultContainer(c);
  for (const c of spec.initContainers ?? []) defaultContainer(c);
  // as the DefaultTolerationSeconds admission plugin: survive a not-ready node for 5 minutes
  const tolerations = (spec.tolerations ??= []);
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    if (!tolerations.some((t) => t.key === key && (t.effect === 'NoExecute' || t.effect === undefined))) {
      tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
    }
  }
}

function validateContainers(list: Container[] | undefined, path: string, names: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  (list ?? []).forEach((c, i) => {
    const p = `${path}[${i}]`;
    if (!c.name) errs.push(fieldErr.required(`${p}.name`));
    else {
      for (const msg of isDNS1123Label(c.name)) errs.push(fieldErr.invalid(`${p}.name`, c.name, msg));
      if (names.has(c.name)) errs.push(fieldErr.duplicate(`${p}.name`, c.name));
      names.add(c.name);
    }
    if (!c.image) errs.push(fieldErr.required(`${p}.image`));
    if (c.imagePullPolicy && !PULL_POLICIES.includes(c.imagePullPolicy)) {
      errs.push(fieldErr.notSupported(`${p}.imagePullPolicy`, c.imagePullPolicy, PULL_POLICIES));
    }
    (c.ports ?? []).forEach((port, j) => {
      const pp = `${p}.ports[${j}]`;
      errs.push(...validatePortNumber(port.containerPort, `${pp}.containerPort`));
      errs.push(...validateProtocol(port.protocol, `${pp}.protocol`));
      errs.push(...validatePortName(port.name, `${pp}.name`));
    });
  });
  return errs;
}

/**
 * podIP and podIPs as the v1 conversion leaves them: podIP is authoritative when the two disagree
 * (podIPs becomes just it, for older kubelets), a lone podIPs fills podIP.
 */
export function normalizePodIPs(pod: Pod): void {
  const status = pod.status;
  if (!status) return;
  if (status.podIP) {
    if (!status.podIPs?.length || status.podIPs[0]!.ip !== status.podIP) status.podIPs = [{ ip: status.podIP }];
  } else if (status.podIPs?.length) {
    status.podIP = status.podIPs[0]!.ip;
  }
}

/**
 * Pod IPs in a status write, as upstream checks them (after normalizePodIPs): each a valid IP, at
 * most one per family, no duplicates.
 */
export function validatePodIPs(pod: Pod): FieldError[] {
  const status = pod.status;
  const ips = status?.podIPs?.length ? status.podIPs : status?.podIP ? [{ ip: status.podIP }] : [];
  const errs: FieldError[] = [];
  ips.forEach((p, i) => {
    for (const msg of isValidIP(p.ip ?? '')) errs.push(fieldErr.invalid(`status.podIPs[${i}]`, p.ip, msg));
  });
  if (ips.length > 1) {
    const families = new Set(ips.map((p) => parseIPSloppy(p.ip ?? '')?.family));
    if (ips.length > 2 || families.size !== 2 || families.has(undefined)) {
      errs.push(fieldErr.invalid('status.podIPs', ips, 'may specify no more than one IP for each IP family'));
    }
    const seen = new Set<string>();
    ips.forEach((p, i) => {
      if (seen.has(p.ip)) errs.push(fieldErr.duplicate(`status.podIPs[${i}]`, p));
      seen.add(p.ip);
    });
  }
  return errs;
}

function validatePod(pod: Pod): FieldError[] {
  const spec = pod.spec ?? {};
  const errs: FieldError[] = [];
  const names = new Set<string>();
  if (!spec.containers || spec.containers.length === 0) errs.push(fieldErr.required('spec.containers'));
  errs.push(...validateContainers(spec.containers, 'spec.containers', names));
  errs.push(...validateContainers(spec.initContainers, 'spec.initContainers', names));
  if (spec.restartPolicy && !RESTART_POLICIES.includes(spec.restartPolicy)) {
    errs.push(fieldErr.notSupported('spec.restartPolicy', spec.restartPolicy, RESTART_POLICIES));
  }
  if (spec.dnsPolicy && !DNS_POLICIES.includes(spec.dnsPolicy)) errs.push(fieldErr.notSupported('spec.dnsPolicy', spec.dnsPolicy, DNS_POLICIES));
  if (spec.terminationGracePeriodSeconds !== undefined && spec.terminationGracePeriodSeconds < 0) {
    errs.push(fieldErr.invalid('spec.terminationGracePeriodSeconds', spec.terminationGracePeriodSeconds, 'must be greater than or equal to 0'));
  }
  return errs;
}

/** The parts of a pod spec an update may change (upstream's ValidatePodUpdate). */
function mutableView(spec: Pod['spec'], binding = false): unknown {
  const copy = structuredClone(spec ?? {}) as NonNullable<Pod['spec']>;
  if (binding) delete copy.nodeName;
  for (const c of copy.containers ?? []) delete c.image;
  for (const c of copy.initContainers ?? []) delete c.image;
  delete copy.activeDeadlineSeconds;
  delete copy.tolerations;
  delete copy.terminationGracePeriodSeconds;
  delete copy.schedulingGates;
  return copy;
}

const POD_UPDATE_FORBIDDEN =
  'pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)';

/** The context pods/binding writes with: the one update allowed to set spec.nodeName (once). */
interface BindingContext extends RequestContext {
  podBinding?: boolean;
}

function validatePodUpdate(next: Pod, prev: Pod, ctx?: RequestContext): FieldError[] {
  const errs = validatePod(next);
  const binding = (ctx as BindingContext | undefined)?.podBinding === true && !prev.spec?.nodeName;
  // most updates leave the spec alone: compare it whole before building the views
  if (!deepEqualJSON(next.spec, prev.spec) && !deepEqualJSON(mutableView(next.spec, binding), mutableView(prev.spec, binding))) {
    errs.push(fieldErr.forbidden('spec', POD_UPDATE_FORBIDDEN));
  }
  return errs;
}

async function bind(req: ActionRequest): Promise<{ code: number; body: unknown }> {
  const binding = req.body as { target?: { name?: string; kind?: string }; metadata?: { name?: string } } | undefined;
  const node = binding?.target?.name;
  if (!node) throw badRequest('Binding.target.name is required');
  await req.store.guaranteedUpdate(
    req.namespace,
    req.name,
    (pod) => {
      const p = pod as Pod;
      if (p.metadata.deletionTimestamp) throw conflict({ group: '', resource: 'pods' }, req.name, 'pod is being deleted, cannot be assigned to a host');
      if (p.spec?.nodeName) {
        throw conflict({ group: '', resource: 'pods' }, req.name, `pod ${req.name} is already assigned to node "${p.spec.nodeName}"`);
      }
      p.spec = { ...(p.spec ?? {}), nodeName: node };
      return p;
    },
    { ...req.ctx, podBinding: true } as BindingContext,
  );
  return { code: 201, body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', code: 201 } };
}

export const podsResource: ResourceDefinition<Pod> = {
  group: '',
  version: 'v1',
  kind: 'Pod',
  plural: 'pods',
  singular: 'pod',
  shortNames: ['po'],
  categories: ['all'],
  namespaced: true,
  returnDeletedObject: true,
  storageVersionHash: 'xPOwRZ+Yhw8=',
  strategy: {
    prepareForCreate(pod, ctx) {
      applyPodDefaults(pod);
      // the ServiceAccount admission plugin (pods are its only target here)
      admitServiceAccount(pod, ctx.randomSuffix ?? defaultClock().randomSuffix);
      pod.status = { phase: 'Pending', qosClass: podQOSClass(pod) };
    },
    validate: validatePod,
    prepareForUpdate(next) {
      applyPodDefaults(next);
    },
    validateUpdate: validatePodUpdate,
    allowUnconditionalUpdate: true,
  },
  statusStrategy: {
    prepareForUpdate(next, prev) {
      next.spec = prev.spec;
      normalizePodIPs(next);
    },
    validateUpdate: (next) => validatePodIPs(next),
  },
  customSubresources: [{ name: 'binding', verbs: ['create'], kind: 'Binding', handle: bind }],
  hooks: {
    planDelete(pod, opts, ctx) {
      const phase = pod.status?.phase;
      // as upstream: unscheduled or finished pods go at once; running ones terminate gracefully
      let grace = opts.gracePeriodSeconds ?? pod.spec?.terminationGracePeriodSeconds ?? DEFAULT_GRACE_SECONDS;
      if (!pod.spec?.nodeName || phase === 'Succeeded' || phase === 'Failed') grace = 0;
      if (grace === 0) {
        if ((pod.metadata.finalizers ?? []).length > 0) return undefined;
        return { action: 'delete' };
      }
      const current = pod.metadata.deletionGracePeriodSeconds;
      if (pod.metadata.deletionTimestamp && current !== undefined && current <= grace) return { action: 'update', obj: pod };
      pod.metadata.deletionTimestamp = rfc3339(ctx.now + grace * 1000);
      pod.metadata.deletionGracePeriodSeconds = grace;
      return { action: 'update', obj: pod };
    },
  },
  printer: podPrinter,
  fieldSelectors: {
    'spec.nodeName': (p) => p.spec?.nodeName,
    'spec.restartPolicy': (p) => p.spec?.restartPolicy,
    'spec.schedulerName': (p) => p.spec?.schedulerName as string | undefined,
    'spec.serviceAccountName': (p) => p.spec?.serviceAccountName as string | undefined,
    'spec.hostNetwork': (p) => String(p.spec?.hostNetwork ?? false),
    'status.phase': (p) => p.status?.phase,
    'status.podIP': (p) => p.status?.podIP,
    'status.podIPs': (p) => p.status?.podIPs?.[0]?.ip,
    'status.nominatedNodeName': (p) => p.status?.nominatedNodeName as string | undefined,
  },
};
