/** EndpointSlice columns, as kube-apiserver's printEndpointSlice. */
import type { KObject } from '../apimachinery/meta.js';
import { translateTimestampSince } from './duration.js';
import { ageColumn, column, nameColumn } from './table.js';
import type { Printer } from './table.js';

interface EndpointSlice extends KObject {
  addressType?: string;
  ports?: { port?: number | null; name?: string | null }[] | null;
  endpoints?: { addresses?: string[] }[] | null;
}

/** How many entries are listed before ` + N more...`. */
const MAX_LISTED = 3;

/** listWithMoreString: at most three entries, then ` + N more...`; nothing at all → `<unset>`. */
function listWithMore(entries: string[]): string {
  const joined = entries.slice(0, MAX_LISTED).join(',');
  if (entries.length > MAX_LISTED) return `${joined} + ${entries.length - MAX_LISTED} more...`;
  return joined === '' ? '<unset>' : joined;
}

function portsCell(slice: EndpointSlice): string {
  return listWithMore(
    (slice.ports ?? []).map((p) => {
      if (p.port !== undefined && p.port !== null) return String(p.port);
      if (p.name !== undefined && p.name !== null) return p.name;
      return '*';
    }),
  );
}

function endpointsCell(slice: EndpointSlice): string {
  return listWithMore((slice.endpoints ?? []).flatMap((e) => e.addresses ?? []));
}

export const endpointSlicePrinter: Printer<KObject> = {
  columns: [
    nameColumn(),
    column('AddressType', 'string', 'The kind of address the slice carries: IPv4, IPv6 or FQDN.'),
    column('Ports', 'string', 'The ports exposed by the endpoints in this slice.'),
    column('Endpoints', 'string', 'The addresses of the endpoints in this slice.'),
    ageColumn(),
  ],
  row(obj, now) {
    const slice = obj as EndpointSlice;
    return [
      slice.metadata.name ?? '',
      slice.addressType ?? '',
      portsCell(slice),
      endpointsCell(slice),
      translateTimestampSince(slice.metadata.creationTimestamp, now),
    ];
  },
};
