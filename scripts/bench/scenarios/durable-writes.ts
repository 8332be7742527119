/**
 * 2. Durable writes: Pod and Service creates/s at 1, 16 and 64 concurrent clients against raw
 * LevelDB synced puts of the same bytes at the same concurrency (one put per write, no group
 * commit on our side). Then restart the server and check every acknowledged create is there.
 */
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import type { BenchContext } from '../context.js';
import { ensureNamespaces } from '../context.js';
import { podObject, podTemplate, serviceTemplate } from '../fixtures.js';
import type { CreateResult, ThroughputResult } from '../protocol.js';

// Pods and Services in separate namespaces, so no Service selects the benchmark's pods: the
// figure is the write path (plus the controllers' normal reaction to a new object), not an
// endpoints controller matching thousands of services against thousands of pods.
const POD_NS = 'bench-w-pods';
const SVC_NS = 'bench-w-svc';
const CONCURRENCY = [1, 16, 64] as const;

export async function runDurableWrites(ctx: BenchContext): Promise<void> {
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
    const rawDir = join(ctx.tmp, `raw-level-${c}`);
    const raw = await load.level({ dir: rawDir, value: sample.text, concurrency: c, durationMs });
    rmSync(rawDir, { recursive: true, force: true });
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
    const target = c === 64 ? ({ on: 'ratio', op: '>=', limit: 0.5 } as const) : undefined;
    for (const [kind, r] of [['Pod', pods], ['Service', services]] as const) {
      ctx.report.add({
        scenario: 'durable-writes',
        metric: `${kind} creates/s @${c}`,
        value: r.perSec,
        unit: '/s',
        baseline: raw.perSec,
        ...(target ? { target } : {}),
        note: `p99 ${r.latency.p99.toFixed(1)} ms (raw ${raw.latency.p99.toFixed(1)} ms)${r.errors > 0 ? `; ${r.errors} errors: ${r.errorSamples[0]}` : ''}`,
      });
    }
  }
  ctx.report.detail('durableWrites', details);

  const server = await ctx.restart();
  ctx.log(`restarted in ${server.readyMs.toFixed(0)} ms`);
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
    metric: 'acked creates missing after restart',
    value: lostPods + lostServices,
    unit: '',
    target: { on: 'value', op: '==', limit: 0 },
    note: `${ackedPods.length} pods, ${ackedServices.length} services checked by LIST after restart`,
  });
}

function strip(r: CreateResult): Omit<CreateResult, 'acked'> {
  const { acked: _acked, ...rest } = r;
  return rest;
}
