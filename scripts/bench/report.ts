/** Result rows, the printed table and bench-results.json. */
import { writeFileSync } from 'node:fs';
import { round } from './stats.js';

/** How a row's target reads: on the value itself, or on the ratio against the baseline. */
export interface Target {
  on: 'value' | 'ratio';
  op: '>=' | '<=' | '==';
  limit: number;
}

export interface Row {
  scenario: string;
  metric: string;
  value: number;
  unit: string;
  /** The same figure measured on the baseline in this run. */
  baseline?: number;
  /** value / baseline. */
  ratio?: number;
  target?: Target;
  pass?: boolean;
  note?: string;
}

export class Report {
  readonly rows: Row[] = [];
  readonly details: Record<string, unknown> = {};

  add(row: Omit<Row, 'ratio' | 'pass'>): Row {
    const ratio = row.baseline !== undefined && row.baseline !== 0 ? row.value / row.baseline : undefined;
    const full: Row = { ...row, ...(ratio !== undefined ? { ratio } : {}) };
    if (row.target) {
      const v = row.target.on === 'ratio' ? ratio : row.value;
      if (v !== undefined && Number.isFinite(v)) full.pass = compare(v, row.target);
    }
    this.rows.push(full);
    return full;
  }

  /** A row that could not be measured, with the reason. */
  skip(scenario: string, metric: string, note: string): void {
    this.rows.push({ scenario, metric, value: NaN, unit: '', note: `skipped: ${note}` });
  }

  detail(key: string, value: unknown): void {
    this.details[key] = value;
  }

  table(): string {
    const header = ['scenario', 'metric', 'value', 'baseline', 'ratio', 'target', 'ok', 'note'];
    const body = this.rows.map((r) => [
      r.scenario,
      r.metric,
      Number.isNaN(r.value) ? '-' : `${fmt(r.value)} ${r.unit}`.trim(),
      r.baseline === undefined ? '' : `${fmt(r.baseline)} ${r.unit}`.trim(),
      r.ratio === undefined ? '' : fmt(r.ratio, 2),
      r.target ? `${r.target.on === 'ratio' ? 'ratio' : 'value'} ${r.target.op} ${r.target.limit}` : '',
      r.pass === undefined ? '' : r.pass ? 'yes' : 'NO',
      r.note ?? '',
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
    const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
    return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
  }

  write(path: string, meta: Record<string, unknown>): void {
    const json = { ...meta, rows: this.rows.map(toJsonRow), details: this.details };
    writeFileSync(path, JSON.stringify(json, null, 2) + '\n');
  }
}

function compare(v: number, t: Target): boolean {
  if (t.op === '>=') return v >= t.limit;
  if (t.op === '<=') return v <= t.limit;
  return v === t.limit;
}

function fmt(v: number, digits?: number): string {
  if (!Number.isFinite(v)) return String(v);
  const d = digits ?? (Math.abs(v) >= 100 ? 0 : Math.abs(v) >= 10 ? 1 : 2);
  return String(round(v, d));
}

function toJsonRow(r: Row): Record<string, unknown> {
  // JSON has no NaN: unmeasured figures become null
  const num = (v: number | undefined) => (v === undefined ? undefined : Number.isFinite(v) ? v : null);
  return { ...r, value: num(r.value), baseline: num(r.baseline), ratio: num(r.ratio) };
}
