/**
 * Runs kubelevel in its own process for measurement: spawn, wait for the `kubelevel is serving`
 * log line, read the admin token and CA from the data dir, and talk to it with a tiny client.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Target } from './protocol.js';

export interface ServerOptions {
  dataDir: string;
  /** Run this compiled entry (e.g. dist/main.js) instead of src/main.ts through tsx. */
  entry?: string;
  /** Write a V8 CPU profile into this directory on exit. */
  cpuProfDir?: string;
  extraFlags?: string[];
}

export interface RunningServer {
  readonly pid: number;
  readonly target: Target;
  /** Milliseconds from spawn to the `kubelevel is serving` line. */
  readonly readyMs: number;
  /** Resolves with ms from spawn once the controllers report their informers synced. */
  controllersSynced(): Promise<number>;
  /** Resident set size in bytes (from /proc). */
  rss(): number;
  /** SIGTERM and wait for exit. */
  stop(): Promise<void>;
}

const ROOT = new URL('../../', import.meta.url).pathname;

export async function startKubelevel(opts: ServerOptions): Promise<RunningServer> {
  const args: string[] = [];
  if (opts.cpuProfDir) args.push('--cpu-prof', `--cpu-prof-dir=${opts.cpuProfDir}`);
  if (opts.entry) args.push(opts.entry);
  else args.push('--import', 'tsx', join(ROOT, 'src/main.ts'));
  args.push('--data-dir', opts.dataDir, '--secure-port', '0', '--bind-address', '127.0.0.1', ...(opts.extraFlags ?? []));
  const started = performance.now();
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr: string[] = [];
  child.stderr!.on('data', (c: Buffer) => {
    if (stderr.length < 50) stderr.push(c.toString());
  });
  const lines = createInterface({ input: child.stdout! });
  const synced = new Promise<number>((resolve) => {
    lines.on('line', (line) => {
      if (line.includes('"controllers started"')) resolve(performance.now() - started);
    });
  });
  const url = await new Promise<string>((resolve, reject) => {
    const onExit = (code: number | null) => reject(new Error(`kubelevel exited (${code}) before serving:\n${stderr.join('')}`));
    child.once('exit', onExit);
    lines.on('line', (line) => {
      if (!line.includes('kubelevel is serving')) return;
      try {
        const rec = JSON.parse(line) as { url?: string };
        if (rec.url) {
          child.off('exit', onExit);
          resolve(rec.url);
        }
      } catch {
        // not a JSON line; keep reading
      }
    });
  });
  const readyMs = performance.now() - started;
  const target: Target = {
    url,
    ca: readFileSync(join(opts.dataDir, 'pki', 'ca.crt'), 'utf8'),
    token: readFileSync(join(opts.dataDir, 'admin-token'), 'utf8').trim(),
  };
  return {
    pid: child.pid!,
    target,
    readyMs,
    controllersSynced: () => synced,
    rss: () => rssOf(child.pid!),
    stop: () => stopChild(child),
  };
}

export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const kill = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('exit', () => {
      clearTimeout(kill);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

export function rssOf(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const m = /VmRSS:\s+(\d+) kB/.exec(status);
    return m ? Number(m[1]) * 1024 : NaN;
  } catch {
    return NaN;
  }
}

export interface ApiResponse {
  status: number;
  text: string;
}

/** One-off requests from the driver (setup, checks); load goes through the load generator. */
export class ApiClient {
  readonly #target: Target;
  readonly #agent: https.Agent;

  constructor(target: Target, sockets = 16) {
    this.#target = target;
    this.#agent = new https.Agent({ keepAlive: true, maxSockets: sockets, ca: target.ca });
  }

  request(method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<ApiResponse> {
    const text = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const headers: Record<string, string | number> = { Accept: 'application/json' };
      if (this.#target.token) headers.Authorization = `Bearer ${this.#target.token}`;
      if (text !== undefined) {
        headers['Content-Type'] = contentType;
        headers['Content-Length'] = Buffer.byteLength(text);
      }
      const req = https.request(this.#target.url + path, { method, agent: this.#agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(text);
    });
  }

  /** Request and require one of `ok` statuses; returns the parsed JSON body. */
  async json<T = Record<string, unknown>>(method: string, path: string, body?: unknown, ok: number[] = [200, 201], contentType?: string): Promise<T> {
    const res = await this.request(method, path, body, contentType);
    if (!ok.includes(res.status)) throw new Error(`${method} ${path}: ${res.status} ${res.text.slice(0, 300)}`);
    return JSON.parse(res.text) as T;
  }

  close(): void {
    this.#agent.destroy();
  }
}
