/** core/v1 LimitRange columns, as kube-apiserver's printLimitRange: Name, Created At (a date cell). */
import type { KObject } from '../apimachinery/meta.js';
import { column, nameColumn } from './table.js';
import type { Printer } from './table.js';

const CREATION_TIMESTAMP_DESCRIPTION =
  'CreationTimestamp is the server time at which the object was created, in UTC RFC 3339 form. Clients may not set it.';

export const limitRangePrinter: Printer<KObject> = {
  columns: [nameColumn(), column('Created At', 'date', CREATION_TIMESTAMP_DESCRIPTION)],
  row(obj) {
    // metav1.Time serialises as RFC 3339; a zero time as null
    return [obj.metadata.name ?? '', obj.metadata.creationTimestamp ?? null];
  },
};
