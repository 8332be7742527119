/**
 * End-to-end harness: a real kubelevel (in-process, HTTPS, temp LevelDB) driven by the real
 * kubectl binaries. One server per test file; every kubectl call gets the server's generated
 * kubeconfig and a cache dir private to that server, runs without a shell and with a timeout.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { accessSync, constants, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { startServer, type TestServer } from '../helpers/server.js';

/** In CI a missing kubectl fails the suite instead of skipping it. */
export const IS_CI = process.env.CI === 'true';

/** Every client minor the contract covers; each has a `kubectl.1.<minor>` beside the real kubectl. */
export const KUBECTL_MINORS = ['27', '28', '29', '30', '31', '32', '33'] as const;

const COMMAND_TIMEOUT_MS = 30_000;

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The `kubectl` on PATH, symlinks resolved; undefined when there is none. */
export function findKubectl(): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, 'kubectl');
    if (isExecutable(candidate)) return realpathSync(candidate);
  }
  return undefined;
}

/** `kubectl.1.<minor>`, looked up in the folder of the real kubectl (never a hard-coded path). */
export function findVersionedKubectl(minor: string): string | undefined {
  const main = findKubectl();
  if (!main) return undefined;
  const candidate = join(dirname(main), `kubectl.1.${minor}`);
  return isExecutable(candidate) ? candidate : undefined;
}

export interface KubectlResult {
  stdout: string;
  stderr: string;
  /** Exit status; -1 when killed by the timeout or a signal. */
  code: number;
}

export interface RunOptions {
  stdin?: string;
  env?: Record<string, string>;
  timeoutMs?: number;
}

/** A kubectl process left running (get -w): its stdout is collected line by line. */
export interface Background {
  /** Complete stdout lines so far. */
  lines(): string[];
  stderr(): string;
  /** Resolves with all lines once `pred(lines)` holds; rejects after `timeoutMs`. */
  waitFor(pred: (lines: string[]) => boolean, timeoutMs?: number): Promise<string[]>;
  /** Kills the process (SIGTERM) unless it already exited, and returns what it printed. */
  stop(): Promise<KubectlResult>;
  /** Resolves when the process exits by itself. */
  exited: Promise<KubectlResult>;
}

export interface E2E {
  srv: TestServer;
  kubeconfig: string;
  /** Working directory of every kubectl call: manifests written with `file()` live here. */
  dir: string;
  binary: string;
  /** Runs kubectl with the server's kubeconfig; never throws on a non-zero exit. */
  run(args: string[], opts?: RunOptions): Promise<KubectlResult>;
  /** Runs kubectl and asserts exit 0; returns stdout. */
  ok(args: string[], opts?: RunOptions): Promise<string>;
  /** Runs kubectl and asserts a non-zero exit; returns stderr. */
  fail(args: string[], opts?: RunOptions): Promise<string>;
  /** Starts kubectl in the background (for `get -w`). */
  background(args: string[]): Background;
  /** Writes `content` to `dir/name`; returns `name` (relative, so kubectl messages quote it verbatim). */
  file(name: string, content: string): string;
  close(): Promise<void>;
}

export async function startE2E(binary: string): Promise<E2E> {
  const srv = await startServer();
  const kubeconfig = join(srv.dataDir, 'kubeconfig');
  const dir = mkdtempSync(join(tmpdir(), 'kubelevel-e2e-'));
  const cacheDir = join(dir, '.kube-cache');
  const running = new Set<ChildProcess>();
  const baseArgs = ['--kubeconfig', kubeconfig, '--cache-dir', cacheDir];
  // HOME too: kubectl writes other state (kuberc, plugins lookups) under it
  const baseEnv = { ...process.env, HOME: dir, KUBECONFIG: kubeconfig, NO_COLOR: '1' };

  const run = (args: string[], opts: RunOptions = {}): Promise<KubectlResult> =>
    new Promise((resolve) => {
      const child = execFile(
        binary,
        [...baseArgs, ...args],
        { cwd: dir, env: { ...baseEnv, ...opts.env }, timeout: opts.timeoutMs ?? COMMAND_TIMEOUT_MS, maxBuffer: 16 * 1024 * 1024 },
        (err, stdout, stderr) => {
          running.delete(child);
          const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
          resolve({ stdout, stderr, code });
        },
      );
      running.add(child);
      if (opts.stdin !== undefined) child.stdin?.end(opts.stdin);
      else child.stdin?.end();
    });

  const describeCall = (args: string[], r: KubectlResult) =>
    `kubectl ${args.join(' ')}\nexit ${r.code}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`;

  return {
    srv,
    kubeconfig,
    dir,
    binary,
    run,
    async ok(args, opts) {
      const r = await run(args, opts);
      assert.equal(r.code, 0, describeCall(args, r));
      return r.stdout;
    },
    async fail(args, opts) {
      const r = await run(args, opts);
      assert.notEqual(r.code, 0, describeCall(args, r));
      return r.stderr;
    },
    background(args) {
      const child = spawn(binary, [...baseArgs, ...args], { cwd: dir, env: baseEnv, stdio: ['ignore', 'pipe', 'pipe'] });
      running.add(child);
      let out = '';
      let err = '';
      const listeners = new Set<() => void>();
      const notify = () => {
        for (const l of listeners) l();
      };
      child.stdout.setEncoding('utf8').on('data', (c: string) => {
        out += c;
        notify();
      });
      child.stderr.setEncoding('utf8').on('data', (c: string) => {
        err += c;
      });
      const killTimer = setTimeout(() => child.kill('SIGKILL'), 120_000).unref();
      const exited = new Promise<KubectlResult>((resolve) => {
        child.on('close', (code) => {
          clearTimeout(killTimer);
          running.delete(child);
          notify();
          resolve({ stdout: out, stderr: err, code: code ?? -1 });
        });
      });
      const lines = () => {
        const all = out.split('\n');
        all.pop();
        return all;
      };
      return {
        lines,
        stderr: () => err,
        exited,
        waitFor(pred, timeoutMs = 10_000) {
          return new Promise((resolve, reject) => {
            const check = () => {
              if (pred(lines())) {
                cleanup();
                resolve(lines());
              } else if (child.exitCode !== null || child.signalCode !== null) {
                cleanup();
                reject(new Error(`kubectl ${args.join(' ')} exited (${child.exitCode}) before the condition held\n--- stdout\n${out}--- stderr\n${err}`));
              }
            };
            const timer = setTimeout(() => {
              cleanup();
              reject(new Error(`timed out after ${timeoutMs} ms waiting on kubectl ${args.join(' ')}\n--- stdout\n${out}--- stderr\n${err}`));
            }, timeoutMs);
            const cleanup = () => {
              clearTimeout(timer);
              listeners.delete(check);
            };
            listeners.add(check);
            check();
          });
        },
        async stop() {
          if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
          return exited;
        },
      };
    },
    file(name, content) {
      writeFileSync(join(dir, name), content);
      return name;
    },
    async close() {
      for (const child of running) child.kill('SIGKILL');
      await srv.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * Declares a suite that shares one server (and one kubectl) across its tests. Without kubectl
 * it is skipped visibly, except in CI where that is a failure.
 */
export function e2eSuite(name: string, fn: (env: () => E2E) => void, opts: { minor?: string } = {}): void {
  const binary = opts.minor ? findVersionedKubectl(opts.minor) : findKubectl();
  if (!binary) {
    const what = opts.minor ? `kubectl.1.${opts.minor} (beside the kubectl on PATH)` : 'kubectl on PATH';
    if (IS_CI) {
      test(name, () => assert.fail(`${what} is required in CI (CI=true) but was not found`));
    } else {
      describe(name, () => {
        test(`needs ${what}`, (t) => t.skip(`${what} not found; install kubectl to run the e2e suite`));
      });
    }
    return;
  }
  describe(name, () => {
    let env: E2E | undefined;
    before(async () => {
      env = await startE2E(binary);
    });
    after(async () => {
      await env?.close();
    });
    fn(() => {
      if (!env) throw new Error('e2e server not started');
      return env;
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Output normalisation

const RFC3339 = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)/g;
const RFC1123Z = /(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d\d (?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d\d:\d\d:\d\d [+-]\d{4}/g;
const AGE_CELL = /(^|  |\t)((?:\d+[ydhms])+|<invalid>)(?=  |\t|$)/g;

/**
 * Makes kubectl output comparable: trailing spaces go, runs of 2+ spaces between cells become
 * exactly two (kubectl aligns columns client-side, so widths carry no server information),
 * every cell that is a human duration (AGE, LAST SEEN…) becomes `<age>` and every RFC 3339 or
 * RFC 1123Z timestamp `<time>`. Leading indentation is kept up to 10 spaces (deeper indents are
 * tabwriter continuation lines whose width depends on the widest key).
 */
export function normalize(text: string): string {
  return text
    .split('\n')
    .map((line) =>
      line
        .replace(/\s+$/, '')
        // continuation lines (multi-line labels, tolerations) align to the widest key of the block
        .replace(/^ {10,}(?=\S)/, ' '.repeat(10))
        .replace(RFC3339, '<time>')
        .replace(RFC1123Z, '<time>')
        .replace(/(\S) {2,}/g, '$1  ')
        .replace(AGE_CELL, '$1<age>'),
    )
    .join('\n');
}

/** A literal block written indented in a test: drops the first and last blank lines and the common indentation. */
export function block(text: string): string {
  const lines = text.split('\n');
  if (lines[0]?.trim() === '') lines.shift();
  if (lines.length > 0 && lines[lines.length - 1]!.trim() === '') lines.pop();
  const indent = Math.min(...lines.filter((l) => l.trim() !== '').map((l) => l.length - l.trimStart().length));
  return lines.map((l) => l.slice(Number.isFinite(indent) ? indent : 0)).join('\n') + '\n';
}

/** Asserts kubectl printed exactly `expected` (a `block`), modulo column widths and ages. */
export function assertOutput(actual: string, expected: string, message?: string): void {
  assert.equal(normalize(actual), normalize(block(expected)), message);
}

/** Polls `fn` until it returns a value that is not undefined/false; fails after `timeoutMs`. */
export async function eventually<T>(fn: () => Promise<T | undefined | false>, what: string, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `kubectl get <target…> -o jsonpath=<expr>`, asserted to succeed. */
export async function jsonpath(env: E2E, target: string[], expr: string): Promise<string> {
  return env.ok(['get', ...target, '-o', `jsonpath=${expr}`]);
}

/** Waits until `kubectl get <target…> -o jsonpath=<expr>` prints something for which `accept` holds. */
export async function waitForJsonpath(env: E2E, target: string[], expr: string, accept: (v: string) => boolean, what: string, timeoutMs = 10_000): Promise<string> {
  return eventually(async () => {
    const r = await env.run(['get', ...target, '-o', `jsonpath=${expr}`]);
    return r.code === 0 && accept(r.stdout) ? r.stdout : undefined;
  }, what, timeoutMs);
}

/** Waits (through `kubectl wait`, bounded) until the named pods are Ready; returns their IPs in order. */
export async function waitPodsReady(env: E2E, ns: string, names: string[], timeoutSec = 10): Promise<string[]> {
  await env.ok(['wait', '-n', ns, '--for=condition=Ready', `--timeout=${timeoutSec}s`, ...names.map((n) => `pod/${n}`)], { timeoutMs: (timeoutSec + 10) * 1000 });
  const ips: string[] = [];
  for (const n of names) ips.push(await jsonpath(env, ['-n', ns, 'pod', n], '{.status.podIP}'));
  return ips;
}

/**
 * Asserts that the normalised `expected` lines appear in the normalised output in this order (other
 * lines may come between them): for outputs with parts the simulation cannot pin down exactly.
 */
export function assertLinesInOrder(actual: string, expected: string[]): void {
  const have = normalize(actual).split('\n');
  let at = 0;
  for (const want of expected.map((l) => normalize(l))) {
    const found = have.indexOf(want, at);
    assert.ok(found >= 0, `missing line (in order) ${JSON.stringify(want)} after line ${at} of:\n${normalize(actual)}`);
    at = found + 1;
  }
}
