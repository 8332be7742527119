/**
 * Discovery documents, legacy (APIVersions, APIGroupList, APIResourceList) and aggregated
 * (apidiscovery.k8s.io v2 / v2beta1), all derived from the resource definitions.
 */
import type { ResourceDefinition } from '../registry/resource-definition.js';
import type { ServedResource } from './openapi.js';

export const STANDARD_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

interface GroupVersion {
  group: string;
  version: string;
  defs: ResourceDefinition[];
}

function verbsOf(def: ResourceDefinition): string[] {
  return def.verbs ?? STANDARD_VERBS;
}

function subresourcesOf(def: ResourceDefinition): { name: string; verbs: string[]; kind: string; group: string; version: string }[] {
  const out = [];
  if (def.statusStrategy) out.push({ name: 'status', verbs: ['get', 'patch', 'update'], kind: def.kind, group: def.group, version: def.version });
  for (const s of def.customSubresources ?? []) {
    out.push({ name: s.name, verbs: [...s.verbs], kind: s.kind ?? def.kind, group: s.group ?? def.group, version: s.version ?? def.version });
  }
  return out;
}

/** The resource as the OpenAPI builders describe it. */
export function servedResourceOf(def: ResourceDefinition): ServedResource {
  return {
    group: def.group,
    version: def.version,
    kind: def.kind,
    plural: def.plural,
    namespaced: def.namespaced,
    verbs: verbsOf(def),
    subresources: subresourcesOf(def).map((s) => s.name),
  };
}

export class Discovery {
  readonly #gvs: GroupVersion[] = [];

  constructor(defs: readonly ResourceDefinition[]) {
    for (const def of defs) {
      let gv = this.#gvs.find((g) => g.group === def.group && g.version === def.version);
      if (!gv) {
        gv = { group: def.group, version: def.version, defs: [] };
        this.#gvs.push(gv);
      }
      gv.defs.push(def);
    }
  }

  /** Named groups (not core), in the order they were first defined. */
  groups(): string[] {
    return [...new Set(this.#gvs.filter((g) => g.group !== '').map((g) => g.group))];
  }

  hasGroupVersion(group: string, version: string): boolean {
    return this.#gvs.some((g) => g.group === group && g.version === version);
  }

  apiVersions(serverAddress: string): object {
    return {
      kind: 'APIVersions',
      versions: this.#gvs.filter((g) => g.group === '').map((g) => g.version),
      serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
    };
  }

  #apiGroup(group: string): object {
    const versions = this.#gvs.filter((g) => g.group === group).map((g) => ({ groupVersion: `${group}/${g.version}`, version: g.version }));
    return { name: group, versions, preferredVersion: versions[0] };
  }

  apiGroupList(): object {
    return { kind: 'APIGroupList', apiVersion: 'v1', groups: this.groups().map((g) => this.#apiGroup(g)) };
  }

  apiGroup(group: string): object | undefined {
    if (!this.groups().includes(group)) return undefined;
    return { kind: 'APIGroup', apiVersion: 'v1', ...this.#apiGroup(group) };
  }

  apiResourceList(group: string, version: string): object | undefined {
    const gv = this.#gvs.find((g) => g.group === group && g.version === version);
    if (!gv) return undefined;
    const resources: object[] = [];
    for (const def of gv.defs) {
      const r: Record<string, unknown> = {
        name: def.plural,
        singularName: def.singular,
        namespaced: def.namespaced,
        kind: def.kind,
        verbs: verbsOf(def),
      };
      if (def.shortNames.length > 0) r.shortNames = def.shortNames;
      if (def.categories.length > 0) r.categories = def.categories;
      if (def.storageVersionHash) r.storageVersionHash = def.storageVersionHash;
      resources.push(r);
      for (const s of subresourcesOf(def)) {
        const sr: Record<string, unknown> = { name: `${def.plural}/${s.name}`, singularName: '', namespaced: def.namespaced, kind: s.kind, verbs: s.verbs };
        if (s.group !== def.group || s.version !== def.version) {
          sr.group = s.group;
          sr.version = s.version;
        }
        resources.push(sr);
      }
    }
    return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group === '' ? version : `${group}/${version}`, resources };
  }

  /** Aggregated discovery for /api (core) or /apis (named groups). */
  aggregated(core: boolean, format: 'v2' | 'v2beta1'): object {
    const groupNames = core ? [''] : this.groups();
    const items = groupNames.map((group) => {
      const versions = this.#gvs
        .filter((g) => g.group === group)
        .map((gv) => ({
          version: gv.version,
          resources: gv.defs.map((def) => {
            const r: Record<string, unknown> = {
              resource: def.plural,
              responseKind: { group: def.group, version: def.version, kind: def.kind },
              scope: def.namespaced ? 'Namespaced' : 'Cluster',
              singularResource: def.singular,
              verbs: verbsOf(def),
            };
            if (def.shortNames.length > 0) r.shortNames = def.shortNames;
            if (def.categories.length > 0) r.categories = def.categories;
            const subs = subresourcesOf(def);
            if (subs.length > 0) {
              r.subresources = subs.map((s) => ({
                subresource: s.name,
                responseKind: { group: s.group, version: s.version, kind: s.kind },
                verbs: s.verbs,
              }));
            }
            return r;
          }),
          freshness: 'Current',
        }));
      const metadata: Record<string, unknown> = { creationTimestamp: null };
      if (!core) metadata.name = group;
      return { metadata, versions };
    });
    return { kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${format}`, metadata: {}, items };
  }
}
