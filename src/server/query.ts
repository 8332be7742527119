/** Query-string parameters as kube-apiserver reads them. */
import { badRequest } from '../apimachinery/status.js';

export type Query = Record<string, string | string[] | undefined>;

export function q(query: Query, name: string): string | undefined {
  const v = query[name];
  return Array.isArray(v) ? v[v.length - 1] : v;
}

// Go's strconv.ParseBool, which kube uses for query booleans (the Python client sends `True`)
const TRUE_VALUES = new Set(['1', 't', 'T', 'true', 'TRUE', 'True']);

export function qBool(query: Query, name: string): boolean {
  const v = q(query, name);
  return v !== undefined && TRUE_VALUES.has(v);
}

export function qInt(query: Query, name: string): number | undefined {
  const v = q(query, name);
  if (v === undefined || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) throw badRequest(`invalid ${name}: ${JSON.stringify(v)}`);
  return Number(v);
}
