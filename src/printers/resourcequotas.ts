/**
 * core/v1 ResourceQuota columns, as kube-apiserver's printResourceQuota: Name, Age, Request,
 * Limit. Request and Limit list `resource: used/hard` for every status.hard entry, sorted by
 * name; entries named `limits.*` go to Limit, the rest to Request.
 */
import type { KObject } from '../apimachinery/meta.js';
import { translateTimestampSince } from './duration.js';
import { ageColumn, column, nameColumn } from './table.js';
import type { Printer } from './table.js';

interface ResourceQuotaLike extends KObject {
  status?: { hard?: Record<string, unknown>; used?: Record<string, unknown> };
}

/** Quantity.String() of a stored value (stored quantities are canonical); a missing one is zero. */
function quantityText(v: unknown): string {
  return v === undefined || v === null ? '0' : String(v);
}

export const resourceQuotaPrinter: Printer<KObject> = {
  columns: [
    nameColumn(),
    ageColumn(),
    column('Request', 'string', 'Request represents a minimum amount of cpu/memory that a container may consume.'),
    column('Limit', 'string', 'Limits control the maximum amount of cpu/memory that a container may use independent of contention on the node.'),
  ],
  row(obj, now) {
    const quota = obj as ResourceQuotaLike;
    const hard = quota.status?.hard ?? {};
    const used = quota.status?.used ?? {};
    const requests: string[] = [];
    const limits: string[] = [];
    for (const name of Object.keys(hard).sort()) {
      const pieces = name.split('.');
      const target = pieces.length > 1 && pieces[0] === 'limits' ? limits : requests;
      target.push(`${name}: ${quantityText(used[name])}/${quantityText(hard[name])}`);
    }
    return [quota.metadata.name ?? '', translateTimestampSince(quota.metadata.creationTimestamp, now), requests.join(', '), limits.join(', ')];
  },
};
