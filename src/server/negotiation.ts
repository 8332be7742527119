/** Content negotiation on the Accept header: Table printing and aggregated discovery. */

interface MediaRange {
  type: string;
  params: Record<string, string>;
}

export function parseAccept(accept: string | undefined): MediaRange[] {
  if (!accept) return [];
  return accept.split(',').map((part) => {
    const [type, ...params] = part.split(';').map((s) => s.trim());
    const p: Record<string, string> = {};
    for (const kv of params) {
      const i = kv.indexOf('=');
      if (i > 0) p[kv.slice(0, i).trim().toLowerCase()] = kv.slice(i + 1).trim().replace(/^"|"$/g, '');
    }
    return { type: (type ?? '').toLowerCase(), params: p };
  });
}

/** `application/json;as=Table;v=v1;g=meta.k8s.io` (v1beta1 accepted too) was asked for. */
export function wantsTable(accept: string | undefined): boolean {
  return parseAccept(accept).some(
    (m) => m.params.as === 'Table' && m.params.g === 'meta.k8s.io' && (m.params.v === 'v1' || m.params.v === 'v1beta1'),
  );
}

export type DiscoveryFormat = 'v2' | 'v2beta1' | 'legacy';

/** The first acceptable discovery form in the client's order (aggregated only when asked for). */
export function discoveryFormat(accept: string | undefined): DiscoveryFormat {
  for (const m of parseAccept(accept)) {
    if (m.params.as === 'APIGroupDiscoveryList' && m.params.g === 'apidiscovery.k8s.io') {
      if (m.params.v === 'v2') return 'v2';
      if (m.params.v === 'v2beta1') return 'v2beta1';
    }
  }
  return 'legacy';
}

export function discoveryContentType(format: 'v2' | 'v2beta1'): string {
  return `application/json;g=apidiscovery.k8s.io;v=${format};as=APIGroupDiscoveryList`;
}
