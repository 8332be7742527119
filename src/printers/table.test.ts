import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { KObject } from '../apimachinery/meta.js';
import { buildTable, defaultPrinter, formatRFC3339 } from './table.js';
import type { Printer } from './table.js';
import { endpointSlicePrinter } from './endpointslices.js';
import { endpointsPrinter } from './endpoints.js';
import { eventPrinter } from './events.js';
import { namespacePrinter } from './namespaces.js';
import { nodePrinter } from './nodes.js';
import { podPrinter } from './pods.js';
import { servicePrinter } from './services.js';

const now = Date.parse('2025-01-01T12:00:00Z');
const cm: KObject = {
  kind: 'ConfigMap',
  apiVersion: 'v1',
  metadata: {
    name: 'cfg',
    namespace: 'default',
    uid: 'u-1',
    resourceVersion: '1010',
    creationTimestamp: '2025-01-01T10:00:00.123456Z',
    labels: { app: 'web' },
  },
  data: { a: 'b' },
};

test('buildTable: default includeObject gives PartialObjectMetadata with the full metadata', () => {
  const t = buildTable(defaultPrinter, [cm], { now, resourceVersion: '1016' });
  assert.deepEqual(t, {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion: '1016' },
    columnDefinitions: defaultPrinter.columns,
    rows: [
      {
        cells: ['cfg', '2025-01-01T10:00:00Z'],
        object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: cm.metadata },
      },
    ],
  });
});

test('buildTable: includeObject modes', () => {
  const cases: { include: 'None' | 'Metadata' | 'Object'; object: unknown }[] = [
    { include: 'Metadata', object: { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: cm.metadata } },
    { include: 'Object', object: cm },
    { include: 'None', object: undefined },
  ];
  for (const c of cases) {
    const t = buildTable(defaultPrinter, [cm], { now, includeObject: c.include });
    assert.equal(t.rows.length, 1);
    assert.deepEqual(t.rows[0]!.object, c.object, c.include);
    assert.equal('object' in t.rows[0]!, c.include !== 'None', `${c.include}: object key presence`);
  }
});

test('buildTable: list metadata, empty lists, watch tables without columns, v1beta1', () => {
  const paged = buildTable(defaultPrinter, [cm, cm], { now, resourceVersion: '7', continue: 'tok', remainingItemCount: 3 });
  assert.deepEqual(paged.metadata, { resourceVersion: '7', continue: 'tok', remainingItemCount: 3 });
  assert.equal(paged.rows.length, 2);

  const empty = buildTable(defaultPrinter, [], { now, resourceVersion: '7', continue: '' });
  assert.deepEqual(empty.metadata, { resourceVersion: '7' });
  assert.deepEqual(empty.rows, []);
  assert.deepEqual(empty.columnDefinitions, defaultPrinter.columns);

  const later = buildTable(defaultPrinter, [cm], { now, withColumns: false });
  assert.equal(later.columnDefinitions, null);
  assert.match(JSON.stringify(later), /"columnDefinitions":null/);

  const beta = buildTable(defaultPrinter, [cm], { now, apiVersion: 'meta.k8s.io/v1beta1' });
  assert.equal(beta.apiVersion, 'meta.k8s.io/v1beta1');
  assert.deepEqual(beta.rows[0]!.object, { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1beta1', metadata: cm.metadata });
});

test('buildTable: printer row conditions are carried (finished pods)', () => {
  const pod: KObject = { kind: 'Pod', apiVersion: 'v1', metadata: { name: 'job-1' }, spec: { containers: [{ name: 'a' }] }, status: { phase: 'Succeeded' } };
  const t = buildTable(podPrinter, [pod], { now, includeObject: 'None' });
  assert.deepEqual(t.rows[0]!.conditions, [
    { type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' },
  ]);
  const running = buildTable(podPrinter, [{ ...pod, status: { phase: 'Running' } }], { now });
  assert.equal('conditions' in running.rows[0]!, false);
});

test('default printer: Name and Created At (date), Go RFC 3339 UTC', () => {
  assert.deepEqual(
    defaultPrinter.columns.map((c) => [c.name, c.type, c.format, c.priority]),
    [
      ['Name', 'string', 'name', 0],
      ['Created At', 'date', '', 0],
    ],
  );
  const cases: [string | undefined, string][] = [
    ['2025-01-01T10:00:00Z', '2025-01-01T10:00:00Z'],
    ['2025-01-01T10:00:00.999Z', '2025-01-01T10:00:00Z'],
    ['2025-01-01T12:00:00+02:00', '2025-01-01T10:00:00Z'],
    [undefined, '0001-01-01T00:00:00Z'],
  ];
  for (const [ts, want] of cases) assert.equal(formatRFC3339(ts), want);
});

test('every printer: one cell per column, Name column has format name, descriptions set', () => {
  const printers: [string, Printer<KObject>, string[]][] = [
    ['services', servicePrinter, ['Name', 'Type', 'Cluster-IP', 'External-IP', 'Port(s)', 'Age', 'Selector']],
    ['pods', podPrinter, ['Name', 'Ready', 'Status', 'Restarts', 'Age', 'IP', 'Node', 'Nominated Node', 'Readiness Gates']],
    ['endpoints', endpointsPrinter, ['Name', 'Endpoints', 'Age']],
    ['endpointslices', endpointSlicePrinter, ['Name', 'AddressType', 'Ports', 'Endpoints', 'Age']],
    ['namespaces', namespacePrinter, ['Name', 'Status', 'Age']],
    ['nodes', nodePrinter, ['Name', 'Status', 'Roles', 'Age', 'Version', 'Internal-IP', 'External-IP', 'OS-Image', 'Kernel-Version', 'Container-Runtime']],
    ['events', eventPrinter, ['Last Seen', 'Type', 'Reason', 'Object', 'Subobject', 'Source', 'Message', 'First Seen', 'Count', 'Name']],
    ['default', defaultPrinter, ['Name', 'Created At']],
  ];
  const bare: KObject = { metadata: { name: 'x' } };
  for (const [name, p, columns] of printers) {
    assert.deepEqual(p.columns.map((c) => c.name), columns, name);
    assert.equal(p.row(bare, now).length, p.columns.length, `${name}: cells`);
    for (const c of p.columns) {
      assert.equal(c.format, c.name === 'Name' ? 'name' : '', `${name}/${c.name} format`);
      assert.ok(c.description.length > 10, `${name}/${c.name} description`);
      assert.deepEqual(Object.keys(c), ['name', 'type', 'format', 'description', 'priority'], `${name}/${c.name} keys`);
    }
  }
});
