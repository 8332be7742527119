/** What every scenario gets from the driver. */
import type { LoadGen } from './loadgen-client.js';
import type { Report } from './report.js';
import type { ApiClient, RunningServer } from './server-process.js';

export type Profile = 'quick' | 'full';

export interface BenchContext {
  readonly profile: Profile;
  readonly report: Report;
  /** Scratch directory for this run (raw LevelDB dirs, manifests, kubectl caches). */
  readonly tmp: string;
  /** The kubelevel data dir currently served. */
  readonly dataDir: string;
  server(): RunningServer;
  api(): ApiClient;
  /** Stop the server and start it again on the same data dir. */
  restart(): Promise<RunningServer>;
  /** A load generator in its own process (created on first use, closed by the driver). */
  load(name?: string): LoadGen;
  log(msg: string): void;
}

/** Create namespaces that do not exist yet. */
export async function ensureNamespaces(ctx: BenchContext, names: readonly string[]): Promise<void> {
  const api = ctx.api();
  const missing: string[] = [];
  for (const name of names) {
    const res = await api.request('GET', `/api/v1/namespaces/${name}`);
    if (res.status === 404) missing.push(name);
  }
  await Promise.all(
    missing.map((name) => api.json('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, [201, 409])),
  );
}

/** Poll `check` until it returns true or `timeoutMs` passes; resolves with whether it succeeded. */
export async function pollUntil(check: () => Promise<boolean>, timeoutMs: number, everyMs = 50): Promise<boolean> {
  const end = performance.now() + timeoutMs;
  for (;;) {
    if (await check()) return true;
    if (performance.now() > end) return false;
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
