/** The driver's handle on one forked load-generator process. */
import { fork, type ChildProcess } from 'node:child_process';
import type {
  CreateJob,
  CreateResult,
  GetJob,
  Job,
  JobReply,
  JobResult,
  LevelJob,
  PatchRateJob,
  PatchRateResult,
  ThroughputResult,
  WatchCloseResult,
  WatchOpenJob,
  WatchWaitJob,
  WatchWaitResult,
} from './protocol.js';
import { stopChild } from './server-process.js';

const SCRIPT = new URL('./loadgen.ts', import.meta.url).pathname;

export class LoadGen {
  readonly #child: ChildProcess;
  readonly #waiting = new Map<number, { resolve: (r: JobResult) => void; reject: (e: Error) => void }>();
  #next = 1;

  constructor() {
    // 'advanced' serialization carries typed arrays without a JSON round trip
    this.#child = fork(SCRIPT, [], { execArgv: ['--import', 'tsx'], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.#child.on('message', (reply: JobReply) => {
      const w = this.#waiting.get(reply.id);
      if (!w) return;
      this.#waiting.delete(reply.id);
      if (reply.ok) w.resolve(reply.result);
      else w.reject(new Error(`load generator: ${reply.error}`));
    });
    this.#child.on('exit', (code) => {
      for (const w of this.#waiting.values()) w.reject(new Error(`load generator exited (${code})`));
      this.#waiting.clear();
    });
  }

  get pid(): number {
    return this.#child.pid!;
  }

  #run(job: Job): Promise<JobResult> {
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      this.#child.send({ id, job });
    });
  }

  get(job: Omit<GetJob, 'kind'>): Promise<ThroughputResult> {
    return this.#run({ kind: 'get', ...job }) as Promise<ThroughputResult>;
  }
  create(job: Omit<CreateJob, 'kind'>): Promise<CreateResult> {
    return this.#run({ kind: 'create', ...job }) as Promise<CreateResult>;
  }
  patchRate(job: Omit<PatchRateJob, 'kind'>): Promise<PatchRateResult> {
    return this.#run({ kind: 'patch-rate', ...job }) as Promise<PatchRateResult>;
  }
  watchOpen(job: Omit<WatchOpenJob, 'kind'>): Promise<{ ready: true }> {
    return this.#run({ kind: 'watch-open', ...job }) as Promise<{ ready: true }>;
  }
  watchWait(job: Omit<WatchWaitJob, 'kind'>): Promise<WatchWaitResult> {
    return this.#run({ kind: 'watch-wait', ...job }) as Promise<WatchWaitResult>;
  }
  watchClose(): Promise<WatchCloseResult> {
    return this.#run({ kind: 'watch-close' }) as Promise<WatchCloseResult>;
  }
  level(job: Omit<LevelJob, 'kind'>): Promise<ThroughputResult> {
    return this.#run({ kind: 'level', ...job }) as Promise<ThroughputResult>;
  }

  close(): Promise<void> {
    this.#child.disconnect();
    return stopChild(this.#child);
  }
}
