/** Messages between the benchmark driver (run.ts) and its load-generator child (loadgen.ts). */
import type { LatencySummary } from './stats.js';

/** Where and how to reach a server. */
export interface Target {
  /** https://host:port */
  url: string;
  /** PEM of the CA that signed the server certificate. */
  ca: string;
  /** Bearer token; none for the bare baseline server. */
  token?: string;
}

/** Closed loop: `concurrency` keep-alive connections repeat one GET for `durationMs`. */
export interface GetJob {
  kind: 'get';
  target: Target;
  path: string;
  concurrency: number;
  warmupMs: number;
  durationMs: number;
}

/**
 * Closed loop of POSTs. Write number i (global, from 0) is named `${namePrefix}-${i}`; in
 * `pathTemplate` and `bodyTemplate`, `__NAME__` becomes that name, `__NS__` namespaces[i % n]
 * and `__APP__` `app-${floor(i / n) % apps}`.
 */
export interface CreateJob {
  kind: 'create';
  target: Target;
  pathTemplate: string;
  bodyTemplate: string;
  namePrefix: string;
  namespaces?: string[];
  apps?: number;
  concurrency: number;
  durationMs: number;
  /** Stop after this many writes have been issued (0 or absent = only the duration bounds it). */
  maxCount?: number;
}

/** Open loop: merge-patch an annotation carrying the send time at a fixed rate. */
export interface PatchRateJob {
  kind: 'patch-rate';
  target: Target;
  /** Paths of the objects to patch, used round-robin. */
  paths: string[];
  annotation: string;
  ratePerSec: number;
  durationMs: number;
  maxInFlight: number;
}

/** Open one streaming watch per path; replies once every stream has its response headers. */
export interface WatchOpenJob {
  kind: 'watch-open';
  target: Target;
  paths: string[];
  /** Annotation whose value (wall ms) each event records as `stampedAt`. */
  annotation: string;
}

/** Wait until watcher i has received `expected[i]` events (or the timeout). */
export interface WatchWaitJob {
  kind: 'watch-wait';
  expected: number[];
  timeoutMs: number;
}

/** Close every watch and hand back what each one received. */
export interface WatchCloseJob {
  kind: 'watch-close';
}

/** Raw LevelDB: `concurrency` writers, each one synced put at a time, for `durationMs`. */
export interface LevelJob {
  kind: 'level';
  dir: string;
  value: string;
  concurrency: number;
  durationMs: number;
}

export type Job = GetJob | CreateJob | PatchRateJob | WatchOpenJob | WatchWaitJob | WatchCloseJob | LevelJob;

export interface ThroughputResult {
  count: number;
  errors: number;
  /** First few distinct error descriptions. */
  errorSamples: string[];
  elapsedMs: number;
  perSec: number;
  latency: LatencySummary;
}

export interface CreateResult extends ThroughputResult {
  /** Names whose create was acknowledged with 201 (when namespaces are spread: "ns/name"). */
  acked: string[];
}

export interface PatchRateResult extends ThroughputResult {
  /** Per acknowledged write: its resourceVersion, its send time and its ack time (wall ms). */
  revisions: Float64Array;
  sentAt: Float64Array;
  ackedAt: Float64Array;
  /** Which entry of `paths` each acknowledged write patched. */
  pathIndex: Float64Array;
  /** Writes not sent because `maxInFlight` were already outstanding (the server fell behind). */
  skipped: number;
}

export interface WatcherRecord {
  /** resourceVersion of each received event, in arrival order. */
  revisions: Float64Array;
  /** Wall-clock arrival time of each event. */
  receivedAt: Float64Array;
  /** Value of the timestamp annotation carried by each event (NaN when absent). */
  stampedAt: Float64Array;
  errors: number;
  /** The server ended the stream before we closed it. */
  endedEarly: boolean;
}

export interface WatchCloseResult {
  watchers: WatcherRecord[];
}

export interface WatchWaitResult {
  complete: boolean;
  waitedMs: number;
}

export type JobResult = ThroughputResult | CreateResult | PatchRateResult | WatchCloseResult | WatchWaitResult | { ready: true };

export interface JobRequest {
  id: number;
  job: Job;
}

export type JobReply = { id: number; ok: true; result: JobResult } | { id: number; ok: false; error: string };
