/**
 * Summarizes V8 .cpuprofile files (node --cpu-prof): self time per function and per source
 * file, as a share of the non-idle samples. Also usable standalone:
 *   node --import tsx scripts/bench/profile-summary.ts <file.cpuprofile>...
 */
import { readFileSync } from 'node:fs';

interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: CpuProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  name: string;
  location: string;
  selfMs: number;
  selfPct: number;
}

function shortUrl(url: string): string {
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) return url.slice(nm + 'node_modules/'.length);
  const src = url.search(/\/(src|scripts)\//);
  if (src >= 0) return url.slice(src + 1);
  return url.replace(/^file:\/\//, '');
}

/** Self time aggregated by `key` over all files; '(idle)' is left out of the total. */
function aggregate(files: string[], key: (n: CpuProfileNode) => { id: string; name: string; location: string }): SelfTime[] {
  const totals = new Map<string, SelfTime>();
  let all = 0;
  for (const file of files) {
    const prof = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
    const byId = new Map(prof.nodes.map((n) => [n.id, n]));
    for (let i = 0; i < prof.samples.length; i++) {
      const node = byId.get(prof.samples[i]!);
      if (!node || node.callFrame.functionName === '(idle)') continue;
      const ms = (prof.timeDeltas[i] ?? 0) / 1000;
      all += ms;
      const k = key(node);
      const t = totals.get(k.id) ?? { name: k.name, location: k.location, selfMs: 0, selfPct: 0 };
      t.selfMs += ms;
      totals.set(k.id, t);
    }
  }
  const out = [...totals.values()].sort((a, b) => b.selfMs - a.selfMs);
  for (const t of out) t.selfPct = all > 0 ? (t.selfMs / all) * 100 : 0;
  return out;
}

export function summarizeProfiles(files: string[], top: number): SelfTime[] {
  return aggregate(files, (n) => {
    const f = n.callFrame;
    const location = f.url ? `${shortUrl(f.url)}:${f.lineNumber + 1}` : '';
    return { id: `${f.functionName}@${location}`, name: f.functionName || '(anonymous)', location };
  }).slice(0, top);
}

export function summarizeByFile(files: string[], top: number): SelfTime[] {
  return aggregate(files, (n) => {
    const f = n.callFrame;
    const file = f.url ? shortUrl(f.url) : f.functionName;
    return { id: file, name: file, location: '' };
  }).slice(0, top);
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  const files = process.argv.slice(2);
  for (const t of summarizeProfiles(files, 40)) process.stdout.write(`${t.selfPct.toFixed(1).padStart(5)}%  ${t.selfMs.toFixed(0).padStart(7)} ms  ${t.name}  ${t.location}\n`);
  process.stdout.write('\nby file:\n');
  for (const t of summarizeByFile(files, 25)) process.stdout.write(`${t.selfPct.toFixed(1).padStart(5)}%  ${t.selfMs.toFixed(0).padStart(7)} ms  ${t.name}\n`);
}
