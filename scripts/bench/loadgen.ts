/**
 * Load generator, run as a forked child of run.ts so that generating load does not share an
 * event loop with the driver. Receives one job at a time over IPC, answers with its result.
 */
import https from 'node:https';
import type { IncomingMessage } from 'node:http';
import { Level } from 'level';
import { Samples, summarize, wallMs } from './stats.js';
import type {
  CreateJob,
  CreateResult,
  GetJob,
  Job,
  JobReply,
  JobRequest,
  JobResult,
  LevelJob,
  PatchRateJob,
  PatchRateResult,
  Target,
  ThroughputResult,
  WatchCloseResult,
  WatcherRecord,
  WatchOpenJob,
  WatchWaitJob,
  WatchWaitResult,
} from './protocol.js';

interface Response {
  status: number;
  body: Buffer;
}

function agentFor(target: Target, sockets: number): https.Agent {
  return new https.Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets, ca: target.ca });
}

function send(agent: https.Agent, target: Target, method: string, path: string, body?: string, contentType = 'application/json'): Promise<Response> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { Accept: 'application/json' };
    if (target.token) headers.Authorization = `Bearer ${target.token}`;
    if (body !== undefined) {
      headers['Content-Type'] = contentType;
      headers['Content-Length'] = Buffer.byteLength(body);
    }
    const req = https.request(target.url + path, { method, agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

class ErrorLog {
  count = 0;
  readonly samples: string[] = [];
  add(what: string): void {
    this.count++;
    if (this.samples.length < 5 && !this.samples.includes(what)) this.samples.push(what);
  }
}

function throughput(count: number, errors: ErrorLog, elapsedMs: number, latencies: Samples): ThroughputResult {
  return {
    count,
    errors: errors.count,
    errorSamples: errors.samples,
    elapsedMs,
    perSec: (count / elapsedMs) * 1000,
    latency: summarize(latencies.toArray()),
  };
}

async function runGet(job: GetJob): Promise<ThroughputResult> {
  const agent = agentFor(job.target, job.concurrency);
  const errors = new ErrorLog();
  const latencies = new Samples();
  const start = performance.now();
  const measureFrom = start + job.warmupMs;
  const end = measureFrom + job.durationMs;
  let count = 0;
  const worker = async () => {
    while (performance.now() < end) {
      const t0 = performance.now();
      try {
        const res = await send(agent, job.target, 'GET', job.path);
        const t1 = performance.now();
        if (res.status !== 200) errors.add(`status ${res.status}`);
        else if (t0 >= measureFrom && t1 <= end) {
          count++;
          latencies.push(t1 - t0);
        }
      } catch (err) {
        errors.add(String(err));
      }
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, worker));
  agent.destroy();
  return throughput(count, errors, job.durationMs, latencies);
}

function fill(template: string, vars: Record<string, string>): string {
  return template.replace(/__(NAME|NS|APP)__/g, (_, k: string) => vars[k]!);
}

async function runCreate(job: CreateJob): Promise<CreateResult> {
  const agent = agentFor(job.target, job.concurrency);
  const errors = new ErrorLog();
  const latencies = new Samples();
  const acked: string[] = [];
  const namespaces = job.namespaces ?? [''];
  const apps = job.apps ?? 1;
  const spread = namespaces.length > 1;
  const start = performance.now();
  const end = start + job.durationMs;
  const max = job.maxCount ?? 0;
  let issued = 0;
  const worker = async () => {
    while (performance.now() < end && (max === 0 || issued < max)) {
      const i = issued++;
      const ns = namespaces[i % namespaces.length]!;
      const vars = { NAME: `${job.namePrefix}-${i}`, NS: ns, APP: `app-${Math.floor(i / namespaces.length) % apps}` };
      const t0 = performance.now();
      try {
        const res = await send(agent, job.target, 'POST', fill(job.pathTemplate, vars), fill(job.bodyTemplate, vars));
        if (res.status === 201) {
          latencies.push(performance.now() - t0);
          acked.push(spread ? `${ns}/${vars.NAME}` : vars.NAME);
        } else errors.add(`status ${res.status}: ${res.body.toString('utf8', 0, 200)}`);
      } catch (err) {
        errors.add(String(err));
      }
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, worker));
  const elapsed = performance.now() - start;
  agent.destroy();
  return { ...throughput(acked.length, errors, elapsed, latencies), acked };
}

async function runPatchRate(job: PatchRateJob): Promise<PatchRateResult> {
  const agent = agentFor(job.target, job.maxInFlight);
  const errors = new ErrorLog();
  const latencies = new Samples();
  const revisions = new Samples();
  const sentAt = new Samples();
  const ackedAt = new Samples();
  const pathIndex = new Samples();
  const total = Math.round((job.ratePerSec * job.durationMs) / 1000);
  const interval = 1000 / job.ratePerSec;
  const start = performance.now();
  let inFlight = 0;
  let skipped = 0;
  const pending: Promise<void>[] = [];
  const one = async (i: number): Promise<void> => {
    const idx = i % job.paths.length;
    const sent = wallMs();
    const body = JSON.stringify({ metadata: { annotations: { [job.annotation]: String(sent) } } });
    const t0 = performance.now();
    inFlight++;
    try {
      const res = await send(agent, job.target, 'PATCH', job.paths[idx]!, body, 'application/merge-patch+json');
      const acked = wallMs();
      if (res.status !== 200) {
        errors.add(`status ${res.status}: ${res.body.toString('utf8', 0, 200)}`);
        return;
      }
      const obj = JSON.parse(res.body.toString('utf8')) as { metadata: { resourceVersion: string } };
      latencies.push(performance.now() - t0);
      revisions.push(Number(obj.metadata.resourceVersion));
      sentAt.push(sent);
      ackedAt.push(acked);
      pathIndex.push(idx);
    } catch (err) {
      errors.add(String(err));
    } finally {
      inFlight--;
    }
  };
  for (let i = 0; i < total; i++) {
    const due = start + i * interval;
    const wait = due - performance.now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    // open loop, but bounded: a saturated server sees the excess as skipped writes, not a queue
    if (inFlight >= job.maxInFlight) {
      skipped++;
      continue;
    }
    pending.push(one(i));
  }
  await Promise.all(pending);
  const elapsed = performance.now() - start;
  agent.destroy();
  return {
    ...throughput(revisions.length, errors, elapsed, latencies),
    revisions: revisions.toArray(),
    sentAt: sentAt.toArray(),
    ackedAt: ackedAt.toArray(),
    pathIndex: pathIndex.toArray(),
    skipped,
  };
}

interface OpenWatcher {
  revisions: Samples;
  receivedAt: Samples;
  stampedAt: Samples;
  errors: number;
  endedEarly: boolean;
  closing: boolean;
  res?: IncomingMessage;
  destroy(): void;
}

let watchers: OpenWatcher[] = [];

async function runWatchOpen(job: WatchOpenJob): Promise<{ ready: true }> {
  const agent = new https.Agent({ keepAlive: false, maxSockets: Infinity, ca: job.target.ca });
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (job.target.token) headers.Authorization = `Bearer ${job.target.token}`;
  const opened = job.paths.map(
    (path) =>
      new Promise<OpenWatcher>((resolve, reject) => {
        const w: OpenWatcher = {
          revisions: new Samples(),
          receivedAt: new Samples(),
          stampedAt: new Samples(),
          errors: 0,
          endedEarly: false,
          closing: false,
          destroy: () => req.destroy(),
        };
        const req = https.request(job.target.url + path, { agent, headers }, (res) => {
          if (res.statusCode !== 200) {
            reject(new Error(`watch ${path}: status ${res.statusCode}`));
            res.resume();
            return;
          }
          w.res = res;
          let buf = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            const now = wallMs();
            buf += chunk;
            let nl: number;
            while ((nl = buf.indexOf('\n')) >= 0) {
              const line = buf.slice(0, nl);
              buf = buf.slice(nl + 1);
              if (line.length === 0) continue;
              const ev = JSON.parse(line) as { type: string; object: { metadata?: { resourceVersion?: string; annotations?: Record<string, string> } } };
              if (ev.type === 'BOOKMARK') continue;
              if (ev.type === 'ERROR') {
                w.errors++;
                continue;
              }
              w.revisions.push(Number(ev.object.metadata?.resourceVersion));
              w.receivedAt.push(now);
              const stamp = ev.object.metadata?.annotations?.[job.annotation];
              w.stampedAt.push(stamp === undefined ? NaN : Number(stamp));
            }
          });
          res.on('end', () => {
            if (!w.closing) w.endedEarly = true;
          });
          res.on('error', () => undefined);
          resolve(w);
        });
        req.on('error', (err) => {
          if (!w.closing) reject(err);
        });
        req.end();
      }),
  );
  watchers = await Promise.all(opened);
  return { ready: true };
}

async function runWatchWait(job: WatchWaitJob): Promise<WatchWaitResult> {
  const start = performance.now();
  const done = () => watchers.every((w, i) => w.revisions.length >= (job.expected[i] ?? 0) || w.endedEarly);
  while (!done() && performance.now() - start < job.timeoutMs) await new Promise((r) => setTimeout(r, 20));
  return { complete: done(), waitedMs: performance.now() - start };
}

function runWatchClose(): WatchCloseResult {
  const out: WatcherRecord[] = watchers.map((w) => {
    w.closing = true;
    w.destroy();
    return {
      revisions: w.revisions.toArray(),
      receivedAt: w.receivedAt.toArray(),
      stampedAt: w.stampedAt.toArray(),
      errors: w.errors,
      endedEarly: w.endedEarly,
    };
  });
  watchers = [];
  return { watchers: out };
}

async function runLevel(job: LevelJob): Promise<ThroughputResult> {
  const db = new Level<string, string>(job.dir, { keyEncoding: 'utf8', valueEncoding: 'utf8' });
  await db.open();
  const errors = new ErrorLog();
  const latencies = new Samples();
  const start = performance.now();
  const end = start + job.durationMs;
  let count = 0;
  const worker = async (w: number) => {
    for (let i = 0; performance.now() < end; i++) {
      const t0 = performance.now();
      try {
        await db.put(`/registry/bench/${w}/${i}`, job.value, { sync: true });
        latencies.push(performance.now() - t0);
        count++;
      } catch (err) {
        errors.add(String(err));
      }
    }
  };
  await Promise.all(Array.from({ length: job.concurrency }, (_, w) => worker(w)));
  const elapsed = performance.now() - start;
  await db.close();
  return throughput(count, errors, elapsed, latencies);
}

function runJob(job: Job): Promise<JobResult> | JobResult {
  switch (job.kind) {
    case 'get':
      return runGet(job);
    case 'create':
      return runCreate(job);
    case 'patch-rate':
      return runPatchRate(job);
    case 'watch-open':
      return runWatchOpen(job);
    case 'watch-wait':
      return runWatchWait(job);
    case 'watch-close':
      return runWatchClose();
    case 'level':
      return runLevel(job);
  }
}

process.on('message', (msg: JobRequest) => {
  Promise.resolve()
    .then(() => runJob(msg.job))
    .then(
      (result): JobReply => ({ id: msg.id, ok: true, result }),
      (err: unknown): JobReply => ({ id: msg.id, ok: false, error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
    )
    .then((reply) => process.send?.(reply));
});
process.on('disconnect', () => process.exit(0));
