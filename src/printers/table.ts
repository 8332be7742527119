/** meta.k8s.io/v1 Table: column declarations, the Printer contract and the Table builder. */
import type { KObject, ListMeta, ObjectMeta } from '../apimachinery/meta.js';

/** One column of a Table, as metav1.TableColumnDefinition (every field is always serialised). */
export interface ColumnDefinition {
  name: string;
  type: 'string' | 'integer' | 'number' | 'boolean' | 'date';
  /** `name` on the Name column lets kubectl print `kind/name`; otherwise usually empty. */
  format: string;
  description: string;
  /** 0 = always shown; 1 = shown by kubectl only with `-o wide`. */
  priority: number;
}

/** metav1.TableRowCondition; kubectl 1.27–1.33 ignore these, kube-apiserver sets them on finished pods. */
export interface TableRowCondition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason?: string;
  message?: string;
}

/**
 * How one resource prints. `row` returns exactly one cell per column, always including the
 * priority-1 ones: kube-apiserver prints server-side tables in wide mode and kubectl hides
 * those columns itself. `row` is pure and must not mutate `obj`.
 */
export interface Printer<T> {
  columns: ColumnDefinition[];
  row(obj: T, now: number): unknown[];
  /** Optional per-row conditions (pods mark Succeeded/Failed rows as Completed). */
  conditions?(obj: T): TableRowCondition[] | undefined;
}

export interface TableRow {
  cells: unknown[];
  conditions?: TableRowCondition[];
  object?: unknown;
}

export interface PartialObjectMetadata {
  kind: 'PartialObjectMetadata';
  apiVersion: string;
  metadata: ObjectMeta;
}

export interface Table {
  kind: 'Table';
  apiVersion: string;
  metadata: ListMeta;
  /** null in watch events after the first, as kube-apiserver sends them. */
  columnDefinitions: ColumnDefinition[] | null;
  rows: TableRow[];
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export interface BuildTableOptions {
  /** Milliseconds since the epoch; every age cell is computed against it. */
  now: number;
  /** What `rows[].object` carries; default `Metadata` (a PartialObjectMetadata). */
  includeObject?: IncludeObject;
  resourceVersion?: string;
  continue?: string;
  remainingItemCount?: number;
  /** false → `columnDefinitions: null` (watch events after the first). Default true. */
  withColumns?: boolean;
  /** The Table's group/version; default `meta.k8s.io/v1` (v1beta1 for clients that only accept it). */
  apiVersion?: 'meta.k8s.io/v1' | 'meta.k8s.io/v1beta1';
}

/**
 * Prints `objects` as one Table. The rows reference the given objects' metadata (or the objects
 * themselves for `includeObject=Object`): serialise the result, don't mutate it.
 */
export function buildTable<T extends KObject>(printer: Printer<T>, objects: T[], opts: BuildTableOptions): Table {
  const apiVersion = opts.apiVersion ?? 'meta.k8s.io/v1';
  const include = opts.includeObject ?? 'Metadata';
  const metadata: ListMeta = {};
  // ListMeta fields are omitempty in Go
  if (opts.resourceVersion) metadata.resourceVersion = opts.resourceVersion;
  if (opts.continue) metadata.continue = opts.continue;
  if (opts.remainingItemCount !== undefined && opts.remainingItemCount !== null) {
    metadata.remainingItemCount = opts.remainingItemCount;
  }
  const rows = objects.map((obj): TableRow => {
    const row: TableRow = { cells: printer.row(obj, opts.now) };
    const conditions = printer.conditions?.(obj);
    if (conditions && conditions.length > 0) row.conditions = conditions;
    if (include === 'Object') row.object = obj;
    else if (include === 'Metadata') row.object = asPartialObjectMetadata(obj, apiVersion);
    return row;
  });
  return {
    kind: 'Table',
    apiVersion,
    metadata,
    columnDefinitions: opts.withColumns === false ? null : printer.columns,
    rows,
  };
}

export function asPartialObjectMetadata(obj: KObject, apiVersion = 'meta.k8s.io/v1'): PartialObjectMetadata {
  return { kind: 'PartialObjectMetadata', apiVersion, metadata: obj.metadata };
}

/** Declares a column; `format` and `priority` default to '' and 0. */
export function column(
  name: string,
  type: ColumnDefinition['type'],
  description: string,
  opts: { format?: string; priority?: number } = {},
): ColumnDefinition {
  return { name, type, format: opts.format ?? '', description, priority: opts.priority ?? 0 };
}

/** The Name column every printer starts with (metadata.name, `format: name`). */
export function nameColumn(priority = 0): ColumnDefinition {
  return column(
    'Name',
    'string',
    'Name must be unique within a namespace. It identifies the object to clients and cannot be changed after creation.',
    { format: 'name', priority },
  );
}

const CREATION_TIMESTAMP_DESCRIPTION =
  'CreationTimestamp is the server time at which the object was created, in UTC RFC 3339 form. Clients may not set it.';

/** The Age column: human duration since metadata.creationTimestamp. */
export function ageColumn(): ColumnDefinition {
  return column('Age', 'string', CREATION_TIMESTAMP_DESCRIPTION);
}

/** Go's time.Time{}.UTC().Format(time.RFC3339), which the default convertor prints for an unset timestamp. */
const GO_ZERO_RFC3339 = '0001-01-01T00:00:00Z';

/** creationTimestamp as Go's time.RFC3339 in UTC: whole seconds, `Z` suffix. */
export function formatRFC3339(ts: string | undefined | null): string {
  if (!ts) return GO_ZERO_RFC3339;
  const ms = Date.parse(ts);
  if (Number.isNaN(ms)) return GO_ZERO_RFC3339;
  return new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
}

/**
 * For resources without a printer, as k8s.io/apiserver's DefaultTableConvertor:
 * Name and Created At (a date column holding the RFC 3339 creation time).
 */
export const defaultPrinter: Printer<KObject> = {
  columns: [nameColumn(), column('Created At', 'date', CREATION_TIMESTAMP_DESCRIPTION)],
  row: (obj) => [obj.metadata.name ?? '', formatRFC3339(obj.metadata.creationTimestamp)],
};
