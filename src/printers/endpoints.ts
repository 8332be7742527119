/** Endpoints columns, as kube-apiserver's printEndpoints / formatEndpoints. */
import type { KObject } from '../apimachinery/meta.js';
import { translateTimestampSince } from './duration.js';
import { ageColumn, column, nameColumn } from './table.js';
import type { Printer } from './table.js';

interface EndpointSubset {
  addresses?: { ip: string }[];
  ports?: { port: number; name?: string }[];
}

interface Endpoints extends KObject {
  subsets?: EndpointSubset[];
}

/** How many endpoints are listed before ` + N more...`. */
const MAX_LISTED = 3;

/** net.JoinHostPort: IPv6 hosts get brackets. */
function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Ready addresses (× ports), three at most; notReadyAddresses are never shown. */
export function formatEndpoints(obj: KObject): string {
  const subsets = (obj as Endpoints).subsets ?? [];
  if (subsets.length === 0) return '<none>';
  const list: string[] = [];
  let count = 0;
  let more = false;
  const add = (entry: string): void => {
    if (list.length === MAX_LISTED) more = true;
    else list.push(entry);
  };
  for (const ss of subsets) {
    const addresses = ss.addresses ?? [];
    const ports = ss.ports ?? [];
    if (ports.length === 0) {
      // headless services may have no ports
      count += addresses.length;
      for (const a of addresses) add(a.ip);
      continue;
    }
    for (const p of ports) {
      count += addresses.length;
      for (const a of addresses) add(joinHostPort(a.ip, p.port));
    }
  }
  const joined = list.join(',');
  return more ? `${joined} + ${count - MAX_LISTED} more...` : joined;
}

export const endpointsPrinter: Printer<KObject> = {
  columns: [
    nameColumn(),
    column('Endpoints', 'string', 'The ready addresses and ports that currently back the service.'),
    ageColumn(),
  ],
  row: (obj, now) => [obj.metadata.name ?? '', formatEndpoints(obj), translateTimestampSince(obj.metadata.creationTimestamp, now)],
};
