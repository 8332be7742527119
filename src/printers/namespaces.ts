/** Namespace columns, as kube-apiserver's printNamespace. */
import type { KObject } from '../apimachinery/meta.js';
import { translateTimestampSince } from './duration.js';
import { ageColumn, column, nameColumn } from './table.js';
import type { Printer } from './table.js';

interface Namespace extends KObject {
  status?: { phase?: string };
}

export const namespacePrinter: Printer<KObject> = {
  columns: [nameColumn(), column('Status', 'string', 'The lifecycle phase of the namespace: Active or Terminating.'), ageColumn()],
  row(obj, now) {
    const ns = obj as Namespace;
    return [ns.metadata.name ?? '', ns.status?.phase ?? '', translateTimestampSince(ns.metadata.creationTimestamp, now)];
  },
};
