/**
 * Load generator, run as a forked child of run.ts so that generating load does not share an
 * event loop with the driver. Receives one job at a time over IPC, answers with its result.
 */
import { Client, Pool, type Dispatcher } from 'undici';
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

// Keep-alive connections that outlive a run's pauses (the server's own idle timeout still applies).
const KEEP_ALIVE_MS = 60_000;

/** One keep-alive HTTPS connection (undici Client: one socket, no pipelining), as one client of the server. */
function connection(target: Target, opts: { streaming?: boolean } = {}): Client {
  return new Client(target.url, {
    connect: { ca: target.ca },
    keepAliveTimeout: KEEP_ALIVE_MS,
    keepAliveMaxTimeout: KEEP_ALIVE_MS,
    // a watch may stay quiet for long; a request is over when the job ends
    ...(opts.streaming ? { bodyTimeout: 0, headersTimeout: 0 } : {}),
  });
}

/** Up to `connections` keep-alive connections shared by open-loop requests. */
function pool(target: Target, connections: number): Pool {
  return new Pool(target.url, { connections, connect: { ca: target.ca }, keepAliveTimeout: KEEP_ALIVE_MS, keepAliveMaxTimeout: KEEP_ALIVE_MS });
}

function headersFor(target: Target, body: string | undefined, contentType: string): Record<string, string> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (target.token) headers.authorization = `Bearer ${target.token}`;
  if (body !== undefined) headers['content-type'] = contentType;
  return headers;
}

async function send(dispatcher: Dispatcher, target: Target, method: Dispatcher.HttpMethod, path: string, body?: string, contentType = 'application/json'): Promise<Response> {
  const res = await dispatcher.request({ method, path, headers: headersFor(target, body, contentType), ...(body !== undefined ? { body } : {}) });
  return { status: res.statusCode, body: Buffer.from(await res.body.arrayBuffer()) };
}

/** One connection per concurrent client; `fn(client, worker)` is that client's closed loop. */
async function withClients(target: Target, n: number, fn: (client: Client, worker: number) => Promise<void>): Promise<void> {
  const clients = Array.from({ length: n }, () => connection(target));
  try {
    await Promise.all(clients.map((c, w) => fn(c, w)));
  } finally {
    await Promise.all(clients.map((c) => c.destroy()));
  }
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
  const errors = new ErrorLog();
  const latencies = new Samples();
  const start = performance.now();
  const measureFrom = start + job.warmupMs;
  const end = measureFrom + job.durationMs;
  let count = 0;
  const worker = async (client: Client) => {
    while (performance.now() < end) {
      const t0 = performance.now();
      try {
        const res = await send(client, job.target, 'GET', job.path);
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
  await withClients(job.target, job.concurrency, worker);
  return throughput(count, errors, job.durationMs, latencies);
}

function fill(template: string, vars: Record<string, string>): string {
  return template.replace(/__(NAME|NS|APP)__/g, (_, k: string) => vars[k]!);
}

async function runCreate(job: CreateJob): Promise<CreateResult> {
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
  const worker = async (client: Client) => {
    while (performance.now() < end && (max === 0 || issued < max)) {
      const i = issued++;
      const ns = namespaces[i % namespaces.length]!;
      const vars = { NAME: `${job.namePrefix}-${i}`, NS: ns, APP: `app-${Math.floor(i / namespaces.length) % apps}` };
      const t0 = performance.now();
      try {
        const res = await send(client, job.target, 'POST', fill(job.pathTemplate, vars), fill(job.bodyTemplate, vars));
        if (res.status === 201) {
          latencies.push(performance.now() - t0);
          acked.push(spread ? `${ns}/${vars.NAME}` : vars.NAME);
        } else errors.add(`status ${res.status}: ${res.body.toString('utf8', 0, 200)}`);
      } catch (err) {
        errors.add(String(err));
      }
    }
  };
  await withClients(job.target, job.concurrency, worker);
  const elapsed = performance.now() - start;
  return { ...throughput(acked.length, errors, elapsed, latencies), acked };
}

async function runPatchRate(job: PatchRateJob): Promise<PatchRateResult> {
  const conns = pool(job.target, job.maxInFlight);
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
      const res = await send(conns, job.target, 'PATCH', job.paths[idx]!, body, 'application/merge-patch+json');
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
  await conns.destroy();
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
  destroy(): void;
}

let watchers: OpenWatcher[] = [];

const TYPE = /^\{"type":"([A-Z]+)"/;
/** metadata.resourceVersion: the first one in the object (nothing before it in a Pod carries that key). */
const RESOURCE_VERSION = /"resourceVersion":"(\d+)"/;

function stampOf(line: string, annotation: string): string | undefined {
  const key = `"${annotation}":"`;
  const at = line.indexOf(key);
  if (at < 0) return undefined;
  const start = at + key.length;
  return line.slice(start, line.indexOf('"', start));
}

/** One watch on its own connection: events are recorded as they arrive, until closed. */
async function openWatcher(target: Target, path: string, annotation: string): Promise<OpenWatcher> {
  const client = connection(target, { streaming: true });
  const w: OpenWatcher = {
    revisions: new Samples(),
    receivedAt: new Samples(),
    stampedAt: new Samples(),
    errors: 0,
    endedEarly: false,
    closing: false,
    destroy: () => void client.destroy().catch(() => undefined),
  };
  let res: Dispatcher.ResponseData;
  try {
    res = await client.request({ method: 'GET', path, headers: headersFor(target, undefined, '') });
  } catch (err) {
    w.destroy();
    throw err;
  }
  if (res.statusCode !== 200) {
    w.destroy();
    throw new Error(`watch ${path}: status ${res.statusCode}`);
  }
  let buf = '';
  res.body.setEncoding('utf8');
  res.body.on('data', (chunk: string) => {
    const now = wallMs();
    buf += chunk;
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      if (line.length === 0) continue;
      // the server is measured, not this process: a full JSON.parse of every event (tens of MB/s
      // here) would make the client the bottleneck, so read just the fields the figures need
      const type = TYPE.exec(line)?.[1];
      if (type === 'BOOKMARK') continue;
      if (type === 'ERROR' || type === undefined) {
        w.errors++;
        continue;
      }
      const rv = RESOURCE_VERSION.exec(line)?.[1];
      // spot check of the shortcut against a real parse
      if (w.receivedAt.length % 1000 === 0) {
        const ev = JSON.parse(line) as { object: { metadata?: { resourceVersion?: string } } };
        if (ev.object.metadata?.resourceVersion !== rv) w.errors++;
      }
      w.revisions.push(Number(rv));
      w.receivedAt.push(now);
      const stamp = stampOf(line, annotation);
      w.stampedAt.push(stamp === undefined ? NaN : Number(stamp));
    }
  });
  const ended = () => {
    if (!w.closing) w.endedEarly = true;
  };
  res.body.on('end', ended);
  res.body.on('error', ended);
  return w;
}

async function runWatchOpen(job: WatchOpenJob): Promise<{ ready: true }> {
  const opened = await Promise.allSettled(job.paths.map((path) => openWatcher(job.target, path, job.annotation)));
  const failed = opened.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  const ok = opened.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
  if (failed) {
    for (const w of ok) {
      w.closing = true;
      w.destroy();
    }
    throw failed.reason;
  }
  watchers = ok;
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
