/**
 * kubelevel benchmarks. `npm run bench` runs the quick profile (< 2 minutes); `npm run bench --
 * --full` the scale profile. Starts its own server on a temporary data dir on 127.0.0.1, drives
 * it from forked load-generator processes, prints one table and writes bench-results.json.
 *
 * Flags: --full, --only <scenario,...>, --cpu-prof (profile the servers; prints the top self
 * time of each), --dist (run dist/main.js, built by `npm run build`, instead of src/ through tsx),
 * --entry <main.js> (another compiled entry), --out <file>, --keep (keep the temporary directory),
 * --server-arg=<flag> (repeatable; passed to kubelevel, e.g. --server-arg=--nodes=0),
 * --scale-pods=N (size of the scale scenario; default 150000).
 * Scenarios: request-path, durable-writes, watch-fanout, kubectl, scale (--full only).
 *
 * Servers: "main" (the default server, plus --server-arg flags) runs every scenario but scale;
 * durable-writes also runs on "writes", the API server alone (--controllers= --nodes=0), which
 * holds its target rows; scale gets a server of its own ("scale").
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import type { BenchContext, Profile } from './context.js';
import { LoadGen } from './loadgen-client.js';
import { summarizeProfiles } from './profile-summary.js';
import { Report } from './report.js';
import { ApiClient, startKubelevel, type RunningServer, type ServerOptions } from './server-process.js';
import { API_SERVER_ALONE, API_SERVER_ALONE_FLAGS, DEFAULT_SERVER, runDurableWrites, type RawRates } from './scenarios/durable-writes.js';
import { runKubectl } from './scenarios/kubectl.js';
import { runRequestPath } from './scenarios/request-path.js';
import { DEFAULT_SCALE_PODS, runScale, scaleLayout } from './scenarios/scale.js';
import { runWatchFanout } from './scenarios/watch-fanout.js';

interface Args {
  profile: Profile;
  only?: Set<string>;
  cpuProf: boolean;
  entry?: string;
  out: string;
  keep: boolean;
  /** Extra kubelevel flags (`--server-arg=--nodes=0`), e.g. to measure without the simulated node. */
  serverArgs: string[];
  scalePods: number;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { profile: 'quick', cpuProf: false, out: 'bench-results.json', keep: false, serverArgs: [], scalePods: DEFAULT_SCALE_PODS };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--full') args.profile = 'full';
    else if (a === '--quick') args.profile = 'quick';
    else if (a === '--cpu-prof') args.cpuProf = true;
    else if (a === '--dist') args.entry = resolve('dist/main.js');
    else if (a === '--entry') args.entry = resolve(argv[++i]!);
    else if (a === '--keep') args.keep = true;
    else if (a.startsWith('--server-arg=')) args.serverArgs.push(a.slice('--server-arg='.length));
    else if (a === '--only') args.only = new Set(argv[++i]!.split(','));
    else if (a.startsWith('--scale-pods=')) args.scalePods = Number(a.slice('--scale-pods='.length));
    else if (a === '--scale-pods') args.scalePods = Number(argv[++i]);
    else if (a === '--out') args.out = argv[++i]!;
    else throw new Error(`unknown flag ${a}`);
  }
  scaleLayout(args.scalePods); // fail before starting anything
  return args;
}

/** Flags of the API-server-alone server: --server-arg flags, except the ones it sets itself. */
function apiServerAloneFlags(serverArgs: readonly string[]): string[] {
  return [...serverArgs.filter((a) => !/^--(controllers|nodes)(=|$)/.test(a)), ...API_SERVER_ALONE_FLAGS];
}

/** One kubelevel process and its data dir, with the helpers scenarios use. */
class Session implements BenchContext {
  readonly name: string;
  readonly profile: Profile;
  readonly report: Report;
  readonly tmp: string;
  readonly dataDir: string;
  readonly #opts: ServerOptions;
  readonly #loads: Map<string, LoadGen>;
  #server: RunningServer | undefined;
  #api: ApiClient | undefined;
  readonly startups: number[] = [];

  constructor(name: string, profile: Profile, report: Report, tmp: string, dataDir: string, opts: ServerOptions, loads: Map<string, LoadGen>) {
    this.name = name;
    this.profile = profile;
    this.report = report;
    this.tmp = tmp;
    this.dataDir = dataDir;
    this.#opts = opts;
    this.#loads = loads;
  }

  async start(): Promise<RunningServer> {
    this.#server = await startKubelevel(this.#opts);
    this.#api = new ApiClient(this.#server.target);
    this.startups.push(this.#server.readyMs);
    return this.#server;
  }

  server(): RunningServer {
    if (!this.#server) throw new Error('server not started');
    return this.#server;
  }

  api(): ApiClient {
    if (!this.#api) throw new Error('server not started');
    return this.#api;
  }

  async restart(): Promise<RunningServer> {
    await this.stop();
    return this.start();
  }

  async stop(): Promise<void> {
    this.#api?.close();
    await this.#server?.stop();
    this.#api = undefined;
    this.#server = undefined;
  }

  load(name = 'main'): LoadGen {
    let lg = this.#loads.get(name);
    if (!lg) this.#loads.set(name, (lg = new LoadGen()));
    return lg;
  }

  log(msg: string): void {
    process.stderr.write(`[bench] ${msg}\n`);
  }
}

async function main(): Promise<number> {
  const args = parseArgs(process.argv.slice(2));
  const wanted = (name: string) => !args.only || args.only.has(name);
  const started = performance.now();
  const tmp = mkdtempSync(join(os.tmpdir(), 'kubelevel-bench-'));
  const profDir = join(tmp, 'cpu-prof');
  if (args.cpuProf) mkdirSync(profDir);
  const report = new Report();
  const loads = new Map<string, LoadGen>();
  const log = (msg: string) => process.stderr.write(`[bench] ${msg}\n`);
  const sessions: Session[] = [];
  /** A server of its own (data dir, CPU profile dir) named `name`. */
  const session = (name: string, extraFlags: string[] = args.serverArgs): Session => {
    const dataDir = join(tmp, `${name}-data`);
    const cpuProfDir = join(profDir, name);
    if (args.cpuProf) mkdirSync(cpuProfDir);
    const opts: ServerOptions = { dataDir, extraFlags, ...(args.entry ? { entry: args.entry } : {}), ...(args.cpuProf ? { cpuProfDir } : {}) };
    const s = new Session(name, args.profile, report, tmp, dataDir, opts, loads);
    sessions.push(s);
    return s;
  };
  const run = async (session: Session, name: string, fn: () => Promise<void>) => {
    if (!wanted(name)) return;
    const t0 = performance.now();
    log(`${name}…`);
    try {
      await fn();
    } catch (err) {
      report.skip(name, '(scenario failed)', err instanceof Error ? err.message.split('\n')[0]! : String(err));
      log(`${name} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    }
    log(`${name} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  };

  try {
    const main = session('main');
    await main.start();
    log(`kubelevel at ${main.server().target.url} (pid ${main.server().pid}), ready in ${main.server().readyMs.toFixed(0)} ms`);
    await run(main, 'request-path', () => runRequestPath(main));
    await run(main, 'durable-writes', async () => {
      // the API server alone first (target rows), with the default server stopped so that
      // neither its controllers nor its simulated node share the CPU; then the default server
      const raws: RawRates = new Map();
      await main.stop();
      try {
        const writes = session('writes', apiServerAloneFlags(args.serverArgs));
        await writes.start();
        log(`API server alone at ${writes.server().target.url} (pid ${writes.server().pid})`);
        try {
          await runDurableWrites(writes, API_SERVER_ALONE, raws);
        } finally {
          await writes.stop();
        }
      } finally {
        await main.start();
      }
      await runDurableWrites(main, DEFAULT_SERVER, raws);
    });
    await run(main, 'watch-fanout', () => runWatchFanout(main));
    if (args.profile === 'quick') await run(main, 'kubectl', () => runKubectl(main, 200));
    await main.stop();

    if (args.profile === 'full' && (wanted('scale') || wanted('kubectl'))) {
      const scale = session('scale');
      await scale.start();
      await run(scale, 'scale', () => runScale(scale, main.startups[0] ?? NaN, scaleLayout(args.scalePods)));
      await run(scale, 'kubectl', () => runKubectl(scale, 1000));
      await scale.stop();
    }
  } finally {
    for (const s of sessions) await s.stop().catch(() => undefined);
    for (const lg of loads.values()) await lg.close();
  }

  const elapsedMs = performance.now() - started;
  if (args.cpuProf) {
    const profiles: Record<string, unknown> = {};
    for (const s of sessions) {
      const dir = join(profDir, s.name);
      const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(dir, f));
      if (files.length === 0) continue;
      const top = summarizeProfiles(files, 25);
      profiles[s.name] = { files, top };
      process.stdout.write(`\nServer CPU profile "${s.name}" (${files.length} file(s) in ${dir}), top self time:\n`);
      for (const t of top) process.stdout.write(`  ${t.selfPct.toFixed(1).padStart(5)}%  ${t.selfMs.toFixed(0).padStart(7)} ms  ${t.name}  ${t.location}\n`);
    }
    report.detail('cpuProfile', profiles);
  }
  const out = resolve(args.out);
  report.write(out, {
    profile: args.profile,
    startedAt: new Date(Date.now() - elapsedMs).toISOString(),
    elapsedMs,
    machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model, totalMemBytes: os.totalmem(), loadavg: os.loadavg(), node: process.version, platform: process.platform },
  });
  process.stdout.write(`\nkubelevel bench (${args.profile} profile, ${(elapsedMs / 1000).toFixed(1)} s)\n${report.table()}\n\nresults: ${out}\n`);
  if (!args.keep && !args.cpuProf) rmSync(tmp, { recursive: true, force: true });
  else process.stdout.write(`kept ${tmp}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
