/**
 * 5. kubectl round trips with a fresh --cache-dir each (so discovery is part of the cost, as on
 * a first run): `kubectl get pods -A` on whatever the server holds, and `kubectl apply -f` of
 * a manifest of pods and services. Baseline: `kubectl get namespace default` the same way,
 * i.e. process start + discovery + one tiny request.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BenchContext } from '../context.js';
import { podObject, serviceObject } from '../fixtures.js';

interface KubectlRun {
  ms: number;
  code: number | null;
  stdoutBytes: number;
  stdoutLines: number;
  stderr: string;
}

function kubectl(ctx: BenchContext, args: string[]): Promise<KubectlRun> {
  const cache = mkdtempSync(join(ctx.tmp, 'kubectl-cache-'));
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn('kubectl', ['--kubeconfig', join(ctx.dataDir, 'kubeconfig'), '--cache-dir', cache, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let bytes = 0;
    let lines = 0;
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => {
      bytes += c.length;
      for (const b of c) if (b === 10) lines++;
    });
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ ms: performance.now() - started, code, stdoutBytes: bytes, stdoutLines: lines, stderr: stderr.slice(0, 500) }));
  });
}

export async function kubectlAvailable(): Promise<boolean> {
  return new Promise((resolve) => {
    const child = spawn('kubectl', ['version', '--client'], { stdio: 'ignore' });
    child.on('error', () => resolve(false));
    child.on('close', (code) => resolve(code === 0));
  });
}

export async function runKubectl(ctx: BenchContext, applyObjects: number): Promise<void> {
  const scenario = 'kubectl';
  if (!(await kubectlAvailable())) {
    ctx.report.skip(scenario, 'get pods -A / apply', 'kubectl not on PATH');
    return;
  }
  const base = await kubectl(ctx, ['get', 'namespace', 'default', '-o', 'name']);
  if (base.code !== 0) throw new Error(`kubectl get namespace default failed: ${base.stderr}`);
  const getPods = await kubectl(ctx, ['get', 'pods', '-A']);
  ctx.report.add({
    scenario,
    metric: 'get pods -A wall time',
    value: getPods.ms,
    unit: 'ms',
    baseline: base.ms,
    note: getPods.code === 0 ? `${getPods.stdoutLines - 1} pods listed` : `exit ${getPods.code}: ${getPods.stderr}`,
  });

  const ns = 'bench-apply';
  const docs: unknown[] = [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }];
  for (let i = 0; docs.length < applyObjects; i++) {
    const pod = podObject(`ap-${i}`, { app: `app-${i % 10}` });
    docs.push({ ...pod, metadata: { ...(pod.metadata as object), namespace: ns } });
    if (docs.length < applyObjects) {
      const svc = serviceObject(`as-${i}`, { app: `app-${i % 10}` });
      docs.push({ ...svc, metadata: { ...(svc.metadata as object), namespace: ns } });
    }
  }
  const manifest = join(ctx.tmp, 'apply.yaml');
  writeFileSync(manifest, docs.map((d) => JSON.stringify(d)).join('\n---\n') + '\n');
  const apply = await kubectl(ctx, ['apply', '-f', manifest]);
  ctx.report.add({
    scenario,
    metric: `apply -f (${applyObjects} objects) wall time`,
    value: apply.ms,
    unit: 'ms',
    baseline: base.ms,
    note: apply.code === 0 ? `${apply.stdoutLines} lines of output` : `exit ${apply.code}: ${apply.stderr}`,
  });
  ctx.report.detail('kubectl', { baseline: base, getPods, apply, applyObjects });
}
