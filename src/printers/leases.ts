/** coordination.k8s.io/v1 Lease columns, as kube-apiserver's printLease: Name, Holder, Age. */
import type { KObject } from '../apimachinery/meta.js';
import { translateTimestampSince } from './duration.js';
import { ageColumn, column, nameColumn } from './table.js';
import type { Printer } from './table.js';

interface Lease extends KObject {
  spec?: { holderIdentity?: string };
}

export const leasePrinter: Printer<KObject> = {
  columns: [nameColumn(), column('Holder', 'string', 'The holder of the lease.'), ageColumn()],
  row(obj, now) {
    const lease = obj as Lease;
    return [lease.metadata.name ?? '', lease.spec?.holderIdentity ?? '', translateTimestampSince(lease.metadata.creationTimestamp, now)];
  },
};
