/**
 * 4. Scale (--full): 150,000 pods in 1,000 namespaces and 10,000 Services with selectors (run.ts
 * --scale-pods=N for another size: N / 150 namespaces, N / 15 Services, the same layout).
 * Load time, RSS, restart-to-ready, a full paged LIST, a label-selected LIST in one namespace,
 * and pod-ready → Endpoints-updated latency when an endpoints controller is running.
 *
 * Layout: with NS namespaces, object i goes to namespace scale-(i % NS) with
 * app=app-(floor(i / NS) % 10), so each namespace holds 150 pods and 10 Services, each Service
 * selecting 15 pods.
 */
import https from 'node:https';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import type { BenchContext } from '../context.js';
import { pollUntil } from '../context.js';
import { namespaceTemplate, podTemplate, serviceTemplate } from '../fixtures.js';
import { summarize } from '../stats.js';
import { startBaseline } from './request-path.js';

export const DEFAULT_SCALE_PODS = 150_000;
const PODS_PER_NAMESPACE = 150;
const PODS_PER_SERVICE = 15;
const APPS = 10;
const MiB = 2 ** 20;

/** The sizes for `pods` pods; throws unless the layout fits (a multiple of 150, at least 8 namespaces). */
export function scaleLayout(pods: number): { pods: number; namespaces: number; services: number } {
  if (!Number.isInteger(pods) || pods % PODS_PER_NAMESPACE !== 0 || pods < 8 * PODS_PER_NAMESPACE) {
    throw new Error(`--scale-pods=${pods}: must be a multiple of ${PODS_PER_NAMESPACE}, at least ${8 * PODS_PER_NAMESPACE}`);
  }
  return { pods, namespaces: pods / PODS_PER_NAMESPACE, services: pods / PODS_PER_SERVICE };
}

export async function runScale(ctx: BenchContext, emptyStartupMs: number, size = scaleLayout(DEFAULT_SCALE_PODS)): Promise<void> {
  const { pods: PODS, namespaces: NAMESPACES, services: SERVICES } = size;
  const scenario = `scale (${PODS} pods)`;
  const load = ctx.load();
  const target = () => ctx.server().target;
  const namespaces = Array.from({ length: NAMESPACES }, (_, i) => `scale-${i}`);

  const rawDir = join(ctx.tmp, 'raw-level-scale');
  const sample = await ctx.api().request('GET', '/api/v1/namespaces/default');
  const raw = await load.level({ dir: rawDir, value: sample.text.padEnd(1200, ' '), concurrency: 64, durationMs: 5000 });
  rmSync(rawDir, { recursive: true, force: true });

  const loadStart = performance.now();
  const common = { concurrency: 64, durationMs: 3_600_000 };
  const ns = await load.create({ ...common, target: target(), pathTemplate: '/api/v1/namespaces', bodyTemplate: namespaceTemplate(), namePrefix: 'scale', maxCount: NAMESPACES });
  const pods = await load.create({ ...common, target: target(), pathTemplate: '/api/v1/namespaces/__NS__/pods', bodyTemplate: podTemplate(), namePrefix: 'sp', namespaces, apps: APPS, maxCount: PODS });
  const svcs = await load.create({ ...common, target: target(), pathTemplate: '/api/v1/namespaces/__NS__/services', bodyTemplate: serviceTemplate(), namePrefix: 'ss', namespaces, apps: APPS, maxCount: SERVICES });
  const loadMs = performance.now() - loadStart;
  const writes = ns.count + pods.count + svcs.count;
  const errors = ns.errors + pods.errors + svcs.errors;
  ctx.report.add({
    scenario,
    metric: 'load time',
    value: loadMs / 1000,
    unit: 's',
    baseline: writes / raw.perSec,
    note: `${NAMESPACES} namespaces, ${pods.count} pods ${pods.perSec.toFixed(0)}/s, ${svcs.count} services ${svcs.perSec.toFixed(0)}/s; baseline = raw LevelDB @64${errors > 0 ? `; ${errors} errors: ${[...ns.errorSamples, ...pods.errorSamples, ...svcs.errorSamples][0]}` : ''}`,
  });
  await new Promise((r) => setTimeout(r, 2000));
  ctx.report.add({ scenario, metric: 'RSS after load', value: ctx.server().rss() / MiB, unit: 'MiB', target: { on: 'value', op: '<=', limit: 2048 } });

  const restarted = await ctx.restart();
  ctx.report.add({
    scenario,
    metric: 'restart-to-ready',
    value: restarted.readyMs / 1000,
    unit: 's',
    baseline: emptyStartupMs / 1000,
    target: { on: 'value', op: '<=', limit: 15 },
    note: 'spawn → "kubelevel is serving"; baseline = start on an empty data dir',
  });
  const rssAtReady = ctx.server().rss() / MiB;
  // the API serves before the in-process controllers have read everything back (as kube-apiserver
  // does not wait for kube-controller-manager): the steady state is measured once they have
  const syncedMs = await restarted.controllersSynced();
  ctx.report.add({
    scenario,
    metric: 'restart-to-controllers-synced',
    value: syncedMs / 1000,
    unit: 's',
    note: 'spawn → "controllers started" (every informer has listed all objects)',
  });
  await new Promise((r) => setTimeout(r, 5000));
  ctx.report.add({
    scenario,
    metric: 'RSS after restart',
    value: ctx.server().rss() / MiB,
    unit: 'MiB',
    target: { on: 'value', op: '<=', limit: 2048 },
    note: `controllers synced + 5 s; at ready ${rssAtReady.toFixed(0)} MiB`,
  });

  const api = ctx.api();
  const pageStart = performance.now();
  let pages = 0;
  let items = 0;
  let firstPage = '';
  let cont = '';
  let expected = 0;
  do {
    const res = await api.request('GET', `/api/v1/pods?limit=500${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`);
    if (res.status !== 200) throw new Error(`paged list: ${res.status} ${res.text.slice(0, 200)}`);
    if (pages === 0) firstPage = res.text;
    // the server is measured, not the client's JSON parser: read the list's metadata (it comes
    // before the items) and count the items; the full parse time of a page is reported beside
    const page = readListPage(res.text);
    if (pages === 0) expected = page.items + (page.remainingItemCount ?? 0);
    pages++;
    items += page.items;
    cont = page.continue ?? '';
  } while (cont);
  const pagedMs = performance.now() - pageStart;

  const selPath = `/api/v1/namespaces/scale-7/pods`;
  const selQuery = `?labelSelector=${encodeURIComponent('app=app-3')}`;
  const selBody = (await api.request('GET', selPath + selQuery)).text;
  const baseline = await startBaseline(ctx.dataDir, { '/api/v1/pods': firstPage, [selPath]: selBody });
  try {
    const basePage = await load.get({ target: baseline.target, path: '/api/v1/pods?limit=500', concurrency: 1, warmupMs: 0, durationMs: 3000 });
    ctx.report.add({
      scenario,
      metric: 'paged LIST all pods (limit=500)',
      value: pagedMs / 1000,
      unit: 's',
      baseline: (pages * basePage.latency.mean) / 1000,
      target: { on: 'value', op: '<=', limit: 10 },
      note: `${items} pods in ${pages} pages (first page announced ${expected}); baseline = ${pages} sequential GETs of page 1's bytes from the bare server; a client's JSON.parse of every page would add ${((parseMs(firstPage) * pages) / 1000).toFixed(1)} s here`,
    });
    const job = { concurrency: 1, warmupMs: 500, durationMs: 5000 };
    const bSel = await load.get({ ...job, target: baseline.target, path: selPath + selQuery });
    const kSel = await load.get({ ...job, target: ctx.server().target, path: selPath + selQuery });
    ctx.report.add({
      scenario,
      metric: 'labelSelector LIST in one namespace p99',
      value: kSel.latency.p99,
      unit: 'ms',
      baseline: bSel.latency.p99,
      target: { on: 'value', op: '<=', limit: 50 },
      note: `${(JSON.parse(selBody) as { items: unknown[] }).items.length} of 150 pods match; p50 ${kSel.latency.p50.toFixed(1)} ms`,
    });
    ctx.report.detail('scale', { raw, loadMs, pods: strip(pods), services: strip(svcs), pagedMs, pages, items, labelSelector: kSel, labelSelectorBaseline: bSel });
  } finally {
    await baseline.stop();
  }

  await measureEndpoints(ctx, scenario, NAMESPACES * APPS);
}

/** metadata.continue / remainingItemCount and the item count of a list response, without parsing the items. */
function readListPage(text: string): { items: number; continue?: string; remainingItemCount?: number } {
  const at = text.indexOf(',"items":[');
  if (at < 0) throw new Error(`paged list: unexpected body ${text.slice(0, 200)}`);
  const head = JSON.parse(`${text.slice(0, at)}}`) as { metadata: { continue?: string; remainingItemCount?: number } };
  let items = 0;
  for (let i = text.indexOf('"kind":"Pod","metadata":', at); i >= 0; i = text.indexOf('"kind":"Pod","metadata":', i + 1)) items++;
  return { items, ...head.metadata };
}

/** Mean time to JSON.parse `text`, over a few runs. */
function parseMs(text: string): number {
  const runs = 5;
  const start = performance.now();
  for (let i = 0; i < runs; i++) JSON.parse(text);
  return (performance.now() - start) / runs;
}

function strip<T extends { acked: string[] }>(r: T): Omit<T, 'acked'> {
  const { acked: _acked, ...rest } = r;
  return rest;
}

/** Pod Ready via /status → Endpoints of its Service list the pod's IP as ready. */
async function measureEndpoints(ctx: BenchContext, scenario: string, stride: number): Promise<void> {
  const metric = 'pod-ready → Endpoints updated p99';
  const api = ctx.api();
  const hasController = await pollUntil(async () => (await api.request('GET', '/api/v1/namespaces/scale-0/endpoints/ss-0')).status === 200, 10_000, 200);
  if (!hasController) {
    ctx.report.skip(scenario, metric, 'no Endpoints object for Service scale-0/ss-0 after 10 s (endpoints controller not running yet)');
    return;
  }
  const ready = new Map<string, number>(); // ip → time the Endpoints first listed it as ready
  const target = ctx.server().target;
  const watchReq = https.request(
    `${target.url}/api/v1/namespaces/scale-0/endpoints?watch=true&fieldSelector=${encodeURIComponent('metadata.name=ss-0')}`,
    { ca: target.ca, headers: { Authorization: `Bearer ${target.token}` } },
    (res) => {
      let buf = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        const now = performance.now();
        buf += chunk;
        let nl: number;
        while ((nl = buf.indexOf('\n')) >= 0) {
          const ev = JSON.parse(buf.slice(0, nl)) as { object: { subsets?: Array<{ addresses?: Array<{ ip: string }> }> } };
          buf = buf.slice(nl + 1);
          for (const s of ev.object.subsets ?? []) for (const a of s.addresses ?? []) if (!ready.has(a.ip)) ready.set(a.ip, now);
        }
      });
    },
  );
  watchReq.end();
  const latencies: number[] = [];
  try {
    // pods selected by scale-0/ss-0 (app-0): sp-0, sp-<stride>, sp-<2 × stride>, … (stride 10,000 at full size)
    for (let t = 0; t < PODS_PER_SERVICE; t++) {
      const name = `sp-${t * stride}`;
      const ip = `10.250.${Math.floor(t / 250)}.${(t % 250) + 1}`;
      const sent = performance.now();
      await api.json('PATCH', `/api/v1/namespaces/scale-0/pods/${name}/status`, {
        status: { phase: 'Running', podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: new Date().toISOString() }] },
      }, [200], 'application/merge-patch+json');
      const seen = await pollUntil(async () => ready.has(ip), 5000, 2);
      latencies.push(seen ? ready.get(ip)! - sent : NaN);
    }
  } finally {
    watchReq.destroy();
  }
  const ok = latencies.filter((l) => Number.isFinite(l));
  const s = summarize(ok);
  ctx.report.add({ scenario, metric, value: s.p99, unit: 'ms', target: { on: 'value', op: '<=', limit: 200 }, note: `${ok.length}/${latencies.length} transitions seen; p50 ${s.p50.toFixed(1)} ms` });
}
