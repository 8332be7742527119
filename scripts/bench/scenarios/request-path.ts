/**
 * 1. Request path overhead: GET of one Service and LIST of 500 pods through the whole stack
 * (TLS, authn, registry, serialization) against a bare Fastify HTTPS route returning the same
 * bytes from memory with the same certificate.
 */
import { fork } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext } from '../context.js';
import { ensureNamespaces } from '../context.js';
import { podTemplate, serviceObject } from '../fixtures.js';
import type { Target, ThroughputResult } from '../protocol.js';
import type { BaselineSetup } from '../baseline-server.js';
import { stopChild } from '../server-process.js';

const NS = 'bench-rp';
const LIST_SIZE = 500;

export async function runRequestPath(ctx: BenchContext): Promise<void> {
  const api = ctx.api();
  const load = ctx.load();
  await ensureNamespaces(ctx, [NS]);
  await api.json('POST', `/api/v1/namespaces/${NS}/services`, serviceObject('bench-svc', { app: 'app-0' }), [201, 409]);
  const existing = await api.json<{ items: unknown[] }>('GET', `/api/v1/namespaces/${NS}/pods`);
  if (existing.items.length < LIST_SIZE) {
    const made = await load.create({
      target: ctx.server().target,
      pathTemplate: `/api/v1/namespaces/${NS}/pods`,
      bodyTemplate: podTemplate(),
      namePrefix: 'rp',
      concurrency: 16,
      durationMs: 120_000,
      maxCount: LIST_SIZE - existing.items.length,
    });
    if (made.errors > 0) throw new Error(`creating pods for the LIST failed: ${made.errorSamples.join('; ')}`);
  }
  const getPath = `/api/v1/namespaces/${NS}/services/bench-svc`;
  const listPath = `/api/v1/namespaces/${NS}/pods`;
  const getBody = (await api.request('GET', getPath)).text;
  const listBody = (await api.request('GET', listPath)).text;
  ctx.report.detail('requestPath.bytes', { get: Buffer.byteLength(getBody), list: Buffer.byteLength(listBody) });

  const baseline = await startBaseline(ctx.dataDir, { [getPath]: getBody, [listPath]: listBody });
  const quick = ctx.profile === 'quick';
  const getJob = { concurrency: 64, warmupMs: 1000, durationMs: quick ? 4000 : 10_000 };
  const listJob = { concurrency: 16, warmupMs: 500, durationMs: quick ? 3000 : 10_000 };
  try {
    // baseline and kubelevel alternate, so drift on a shared machine hits both alike
    const bGet = await load.get({ target: baseline.target, path: getPath, ...getJob });
    const kGet = await load.get({ target: ctx.server().target, path: getPath, ...getJob });
    const bList = await load.get({ target: baseline.target, path: listPath, ...listJob });
    const kList = await load.get({ target: ctx.server().target, path: listPath, ...listJob });
    for (const [name, r] of [['baseline GET', bGet], ['kubelevel GET', kGet], ['baseline LIST', bList], ['kubelevel LIST', kList]] as const) {
      if (r.errors > 0) ctx.log(`${name}: ${r.errors} errors (${r.errorSamples.join('; ')})`);
    }
    ctx.report.detail('requestPath', { baselineGet: bGet, kubelevelGet: kGet, baselineList: bList, kubelevelList: kList, getJob, listJob });
    addRows(ctx, 'GET service', kGet, bGet, true);
    addRows(ctx, `LIST ${LIST_SIZE} pods`, kList, bList, false);
  } finally {
    await baseline.stop();
  }
}

function addRows(ctx: BenchContext, what: string, k: ThroughputResult, b: ThroughputResult, withTargets: boolean): void {
  const scenario = 'request-path';
  ctx.report.add({
    scenario,
    metric: `${what} req/s`,
    value: k.perSec,
    unit: 'req/s',
    baseline: b.perSec,
    ...(withTargets ? { target: { on: 'ratio', op: '>=', limit: 0.5 } as const } : {}),
    ...(k.errors > 0 ? { note: `${k.errors} errors` } : {}),
  });
  ctx.report.add({ scenario, metric: `${what} p50`, value: k.latency.p50, unit: 'ms', baseline: b.latency.p50 });
  ctx.report.add({
    scenario,
    metric: `${what} p99`,
    value: k.latency.p99,
    unit: 'ms',
    baseline: b.latency.p99,
    ...(withTargets ? { target: { on: 'ratio', op: '<=', limit: 3 } as const } : {}),
  });
}

export interface Baseline {
  target: Target;
  stop(): Promise<void>;
}

/** Fork the bare Fastify baseline with kubelevel's serving certificate from `dataDir`. */
export async function startBaseline(dataDir: string, routes: Record<string, string>): Promise<Baseline> {
  const pki = join(dataDir, 'pki');
  const setup: BaselineSetup = {
    certPem: readFileSync(join(pki, 'apiserver.crt'), 'utf8'),
    keyPem: readFileSync(join(pki, 'apiserver.key'), 'utf8'),
    routes,
  };
  const child = fork(new URL('../baseline-server.ts', import.meta.url).pathname, [], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('message', (m: { port: number }) => resolve(m.port));
    child.once('exit', (code) => reject(new Error(`baseline server exited (${code})`)));
    child.send(setup);
  });
  return {
    target: { url: `https://127.0.0.1:${port}`, ca: readFileSync(join(pki, 'ca.crt'), 'utf8') },
    stop: async () => {
      child.disconnect();
      await stopChild(child);
    },
  };
}
