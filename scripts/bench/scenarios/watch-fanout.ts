/**
 * 3. Watch fan-out: many concurrent pod watchers (half namespace-scoped, half label-selected
 * across all namespaces) while pods are patched at a fixed rate. Every patch carries its send
 * time in an annotation; latency is event arrival minus the writer's ack of that revision.
 *
 * Layout: G groups; pod i lives in namespace bench-watch-(i % G) and carries app=app-(floor(i/G) % G),
 * so each write reaches W/G watchers (W/2G of each kind) and the two kinds cross.
 */
import type { BenchContext } from '../context.js';
import { ensureNamespaces } from '../context.js';
import { podTemplate } from '../fixtures.js';
import { summarize } from '../stats.js';

const ANNOTATION = 'bench.kubelevel.io/sent-at';
const WATCHERS_PER_WRITE = 20;

export async function runWatchFanout(ctx: BenchContext): Promise<void> {
  const quick = ctx.profile === 'quick';
  const watcherCount = quick ? 200 : 1000;
  const durationMs = quick ? 10_000 : 30_000;
  const ratePerSec = 500;
  const groups = Math.max(2, Math.round(watcherCount / WATCHERS_PER_WRITE));
  const namespaces = Array.from({ length: groups }, (_, g) => `bench-watch-${g}`);
  const podCount = groups * groups;
  await ensureNamespaces(ctx, namespaces);

  const writer = ctx.load();
  const made = await writer.create({
    target: ctx.server().target,
    pathTemplate: '/api/v1/namespaces/__NS__/pods',
    bodyTemplate: podTemplate(),
    namePrefix: 'wp',
    namespaces,
    apps: groups,
    concurrency: 32,
    durationMs: 300_000,
    maxCount: podCount,
  });
  if (made.errors > 0) throw new Error(`creating watch pods: ${made.errorSamples.join('; ')}`);
  const podPaths = made.acked.map((key) => {
    const [ns, name] = key.split('/') as [string, string];
    return `/api/v1/namespaces/${ns}/pods/${name}`;
  });
  const podIndex = made.acked.map((key) => Number(key.slice(key.lastIndexOf('-') + 1)));

  const start = await ctx.api().json<{ metadata: { resourceVersion: string } }>('GET', '/api/v1/pods?limit=1');
  const rv = start.metadata.resourceVersion;
  const watcherPaths = Array.from({ length: watcherCount }, (_, k) => {
    const g = Math.floor(k / 2) % groups;
    return k % 2 === 0
      ? `/api/v1/namespaces/${namespaces[g]}/pods?watch=true&resourceVersion=${rv}`
      : `/api/v1/pods?watch=true&resourceVersion=${rv}&labelSelector=${encodeURIComponent(`app=app-${g}`)}`;
  });
  const watches = ctx.load('watchers');
  const openStart = performance.now();
  await watches.watchOpen({ target: ctx.server().target, paths: watcherPaths, annotation: ANNOTATION });
  const openMs = performance.now() - openStart;
  const rssBefore = ctx.server().rss();

  let rssMax = rssBefore;
  const sampler = setInterval(() => (rssMax = Math.max(rssMax, ctx.server().rss())), 250);
  const writes = await writer.patchRate({
    target: ctx.server().target,
    paths: podPaths,
    annotation: ANNOTATION,
    ratePerSec,
    durationMs,
    maxInFlight: 64,
  });
  // which watchers expect which revisions
  const expected: Array<Set<number>> = watcherPaths.map(() => new Set());
  const ackAt = new Map<number, number>();
  for (let j = 0; j < writes.revisions.length; j++) {
    const rev = writes.revisions[j]!;
    ackAt.set(rev, writes.ackedAt[j]!);
    const i = podIndex[writes.pathIndex[j]!]!;
    const nsGroup = i % groups;
    const labelGroup = Math.floor(i / groups) % groups;
    for (let k = 0; k < watcherCount; k++) {
      const g = Math.floor(k / 2) % groups;
      if ((k % 2 === 0 && g === nsGroup) || (k % 2 === 1 && g === labelGroup)) expected[k]!.add(rev);
    }
  }
  const drained = await watches.watchWait({ expected: expected.map((s) => s.size), timeoutMs: 15_000 });
  clearInterval(sampler);
  rssMax = Math.max(rssMax, ctx.server().rss());
  const got = await watches.watchClose();

  let missed = 0;
  let duplicated = 0;
  let foreign = 0;
  let beforeAck = 0;
  let endedEarly = 0;
  let errors = 0;
  let delivered = 0;
  let firstAt = Infinity;
  let lastAt = 0;
  const fromAck: number[] = [];
  const fromSend: number[] = [];
  got.watchers.forEach((w, k) => {
    if (w.endedEarly) endedEarly++;
    errors += w.errors;
    const seen = new Set<number>();
    for (let e = 0; e < w.revisions.length; e++) {
      const rev = w.revisions[e]!;
      if (seen.has(rev)) duplicated++;
      seen.add(rev);
      const ack = ackAt.get(rev);
      if (ack === undefined) {
        foreign++;
        continue;
      }
      delivered++;
      const at = w.receivedAt[e]!;
      firstAt = Math.min(firstAt, at);
      lastAt = Math.max(lastAt, at);
      const lat = at - ack;
      if (lat < 0) beforeAck++;
      fromAck.push(Math.max(0, lat));
      if (!Number.isNaN(w.stampedAt[e]!)) fromSend.push(at - w.stampedAt[e]!);
    }
    for (const rev of expected[k]!) if (!seen.has(rev)) missed++;
  });
  const ack = summarize(fromAck);
  const send = summarize(fromSend);
  const expectedTotal = expected.reduce((n, s) => n + s.size, 0);
  const scenario = `watch-fanout (${watcherCount} watchers)`;
  ctx.report.add({
    scenario,
    metric: 'writes acked/s',
    value: writes.perSec,
    unit: '/s',
    baseline: ratePerSec,
    note: [
      `write p50 ${writes.latency.p50.toFixed(1)} ms, p99 ${writes.latency.p99.toFixed(1)} ms`,
      ...(writes.skipped > 0 ? [`${writes.skipped} not sent (64 in flight)`] : []),
      ...(writes.errors > 0 ? [`${writes.errors} errors: ${writes.errorSamples[0]?.slice(0, 120)}`] : []),
    ].join('; '),
  });
  ctx.report.add({
    scenario,
    metric: 'events delivered/s',
    value: delivered / ((lastAt - firstAt) / 1000),
    unit: '/s',
    baseline: writes.perSec * WATCHERS_PER_WRITE,
    note: `${delivered} of ${expectedTotal} expected`,
  });
  ctx.report.add({ scenario, metric: 'event latency p50 (ack→event)', value: ack.p50, unit: 'ms', note: `from send: ${send.p50.toFixed(1)} ms` });
  ctx.report.add({
    scenario,
    metric: 'event latency p99 (ack→event)',
    value: ack.p99,
    unit: 'ms',
    target: { on: 'value', op: '<=', limit: 100 },
    note: `from send: ${send.p99.toFixed(1)} ms; ${beforeAck} events arrived before their ack`,
  });
  ctx.report.add({
    scenario,
    metric: 'missed + duplicated events',
    value: missed + duplicated,
    unit: '',
    target: { on: 'value', op: '==', limit: 0 },
    note: `missed ${missed}, duplicated ${duplicated}, streams ended early ${endedEarly}, ERROR events ${errors}${drained.complete ? '' : ', drain timed out'}`,
  });
  ctx.report.add({ scenario, metric: 'server RSS (max)', value: rssMax / 2 ** 20, unit: 'MiB', note: `before writes ${(rssBefore / 2 ** 20).toFixed(0)} MiB` });
  ctx.report.detail('watchFanout', {
    watcherCount,
    groups,
    podCount,
    ratePerSec,
    durationMs,
    openMs,
    writes: { count: writes.count, skipped: writes.skipped, errors: writes.errors, errorSamples: writes.errorSamples, latency: writes.latency },
    latencyFromAck: ack,
    latencyFromSend: send,
    missed,
    duplicated,
    foreignEvents: foreign,
    eventsBeforeAck: beforeAck,
    endedEarly,
    errorEvents: errors,
    drain: drained,
    rssMaxBytes: rssMax,
  });
}
