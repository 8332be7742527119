/**
 * 2. Durable writes: Pod and Service creates/s at 1, 16 and 64 concurrent clients against raw
 * LevelDB synced puts of the same bytes at the same concurrency (one put per write, no group
 * commit on our side). Then restart the server and check every acknowledged create is there.
 *
 * Run twice, on two servers (run.ts): the target rows on the API server alone (`--controllers=
 * --nodes=0`: what kube-apiserver does per create, one durable write with the ClusterIP/NodePort
 * allocation in it), and informational rows on the default server, where each create also sets
 * off the controllers' and the simulated node's writes. The raw figure of each concurrency is
 * measured once, on the first pass, beside the target rows.
 */
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import type { BenchContext } from '../context.js';
import { ensureNamespaces } from '../context.js';
import { podObject, podTemplate, serviceTemplate } from '../fixtures.js';
import type { CreateResult, ThroughputResult } from '../protocol.js';

// Pods and Services in separate namespaces, so no Service selects the benchmark's pods: on the
// default server the figure is the write path plus the controllers' normal reaction to a new
// object, not an endpoints controller matching thousands of services against thousands of pods.
const POD_NS = 'bench-w-pods';
const SVC_NS = 'bench-w-svc';
const CONCURRENCY = [1, 16, 64] as const;

/** Which server a pass runs against, and how its rows say so. */
export interface WriteServer {
  /** Key in bench-results.json details. */
  readonly key: string;
  /** Appended to the metric of informational rows; empty for the target rows. */
  readonly suffix: string;
  readonly withTargets: boolean;
  readonly podNote: string;
  readonly serviceNote: string;
}

/** The kubelevel flags of the API-server-alone pass. */
export const API_SERVER_ALONE_FLAGS = ['--controllers=', '--nodes=0'] as const;

export const API_SERVER_ALONE: WriteServer = {
  key: 'apiServerAlone',
  suffix: '',
  withTargets: true,
  podNote: `API server alone (${API_SERVER_ALONE_FLAGS.join(' ')}): 1 write per create`,
  serviceNote: `API server alone (${API_SERVER_ALONE_FLAGS.join(' ')}): 1 write per create, ClusterIP allocated in it`,
};

export const DEFAULT_SERVER: WriteServer = {
  key: 'defaultServer',
  suffix: ' (default server)',
  withTargets: false,
  podNote: 'default server (controllers on, 1 simulated node): each create sets off 6 more writes (bind, status, 4 events)',
  serviceNote: 'default server (controllers on): each create sets off 2 more writes (Endpoints, EndpointSlice)',
};

/** Raw LevelDB results per concurrency, shared by both passes. */
export type RawRates = Map<number, ThroughputResult>;

export async function runDurableWrites(ctx: BenchContext, server: WriteServer, raws: RawRates): Promise<void> {
  const api = ctx.api();
  const load = ctx.load();
  await ensureNamespaces(ctx, [POD_NS, SVC_NS]);
  // the raw baseline writes the bytes kubelevel stores for such a pod
  const sample = await api.request('POST', `/api/v1/namespaces/${POD_NS}/pods`, podObject('sample', { app: 'app-0' }));
  if (sample.status !== 201) throw new Error(`sample pod: ${sample.status} ${sample.text.slice(0, 200)}`);
  const durationMs = ctx.profile === 'quick' ? 2500 : 10_000;
  const ackedPods: string[] = ['sample'];
  const ackedServices: string[] = [];
  const details: Record<string, { raw: ThroughputResult; pods: Omit<CreateResult, 'acked'>; services: Omit<CreateResult, 'acked'> }> = {};

  for (const c of CONCURRENCY) {
    let raw = raws.get(c);
    if (!raw) {
      const rawDir = join(ctx.tmp, `raw-level-${c}`);
      raw = await load.level({ dir: rawDir, value: sample.text, concurrency: c, durationMs });
      rmSync(rawDir, { recursive: true, force: true });
      raws.set(c, raw);
    }
    const pods = await load.create({
      target: ctx.server().target,
      pathTemplate: `/api/v1/namespaces/${POD_NS}/pods`,
      bodyTemplate: podTemplate(),
      namePrefix: `p${c}`,
      concurrency: c,
      durationMs,
    });
    const services = await load.create({
      target: ctx.server().target,
      pathTemplate: `/api/v1/namespaces/${SVC_NS}/services`,
      bodyTemplate: serviceTemplate(),
      namePrefix: `s${c}`,
      concurrency: c,
      durationMs,
    });
    ackedPods.push(...pods.acked);
    ackedServices.push(...services.acked);
    details[`c${c}`] = { raw, pods: strip(pods), services: strip(services) };
    const target = server.withTargets && c === 64 ? ({ on: 'ratio', op: '>=', limit: 0.5 } as const) : undefined;
    for (const [kind, r, what] of [['Pod', pods, server.podNote], ['Service', services, server.serviceNote]] as const) {
      ctx.report.add({
        scenario: 'durable-writes',
        metric: `${kind} creates/s @${c}${server.suffix}`,
        value: r.perSec,
        unit: '/s',
        baseline: raw.perSec,
        ...(target ? { target } : {}),
        note: `${what}; p99 ${r.latency.p99.toFixed(1)} ms (raw ${raw.latency.p99.toFixed(1)} ms)${r.errors > 0 ? `; ${r.errors} errors: ${r.errorSamples[0]}` : ''}`,
      });
    }
  }
  ctx.report.detail(`durableWrites.${server.key}`, details);

  const restarted = await ctx.restart();
  ctx.log(`restarted in ${restarted.readyMs.toFixed(0)} ms`);
  const names = async (resource: string, ns: string) => {
    const list = await ctx.api().json<{ items: Array<{ metadata: { name: string } }> }>('GET', `/api/v1/namespaces/${ns}/${resource}`);
    return new Set(list.items.map((i) => i.metadata.name));
  };
  const pods = await names('pods', POD_NS);
  const services = await names('services', SVC_NS);
  const lostPods = ackedPods.filter((n) => !pods.has(n)).length;
  const lostServices = ackedServices.filter((n) => !services.has(n)).length;
  ctx.report.add({
    scenario: 'durable-writes',
    metric: `acked creates missing after restart${server.suffix}`,
    value: lostPods + lostServices,
    unit: '',
    target: { on: 'value', op: '==', limit: 0 },
    note: `${ackedPods.length} pods, ${ackedServices.length} services checked by LIST after restart${server.withTargets ? `; ${server.podNote.split(':')[0]}` : ''}`,
  });
}

function strip(r: CreateResult): Omit<CreateResult, 'acked'> {
  const { acked: _acked, ...rest } = r;
  return rest;
}
