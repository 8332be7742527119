/**
 * What a resource URL names, as kube's RequestInfoFactory parses it:
 * /api/v1[/watch]/[namespaces/<ns>/]<resource>[/<name>[/<subresource>]] and the /apis/<group>/<version>/… twin.
 */
export interface RequestInfo {
  group: string;
  version: string;
  namespace?: string;
  resource: string;
  name?: string;
  subresource?: string;
  /** The legacy /watch/ path prefix was used. */
  watchPath: boolean;
}

const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

/** Parses a resource path; undefined when it is not one (discovery and other paths). */
export function parseRequestInfo(pathname: string): RequestInfo | undefined {
  const parts = pathname.split('/').filter((p) => p !== '').map(decodeURIComponent);
  let rest: string[];
  let group: string;
  let version: string;
  if (parts[0] === 'api' && parts.length >= 3) {
    group = '';
    version = parts[1]!;
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 4) {
    group = parts[1]!;
    version = parts[2]!;
    rest = parts.slice(3);
  } else {
    return undefined;
  }
  let watchPath = false;
  if (rest[0] === 'watch') {
    watchPath = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  // /namespaces/<ns>/<resource>… is a namespaced request; /namespaces[/<name>[/<sub>]] is the namespace resource itself
  // as upstream's RequestInfoFactory: status and finalize are the namespace's own subresources
  if (rest[0] === 'namespaces' && rest.length >= 3 && !(rest.length === 3 && NAMESPACE_SUBRESOURCES.has(rest[2]!))) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  if (rest.length === 0 || rest.length > 3) return undefined;
  const info: RequestInfo = { group, version, resource: rest[0]!, watchPath };
  if (namespace !== undefined) info.namespace = namespace;
  if (rest[1] !== undefined) info.name = rest[1];
  if (rest[2] !== undefined) info.subresource = rest[2];
  return info;
}
