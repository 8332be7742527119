import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  isCIdentifier,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isInRange,
  isQualifiedName,
  isValidCIDR,
  isValidIP,
  isValidLabelValue,
  isValidPathSegmentName,
  isValidPercent,
  isValidPortName,
  isValidPortNum,
  nameIsDNS1035Label,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
  validateAnnotations,
  validateLabels,
  validateObjectMeta,
  validateObjectMetaName,
  validateObjectMetaUpdate,
} from './validation.js';
import { fieldErrorString } from './field-errors.js';
import type { FieldError } from './field-errors.js';
import type { ObjectMeta } from './meta.js';

const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const DNS1035_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const NAME_PART_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";

test('is* string checks return upstream messages', () => {
  const cases: Array<[string, (v: string) => string[], string, string[]]> = [
    ['dns1123 label ok', isDNS1123Label, 'my-name', []],
    ['dns1123 label digits', isDNS1123Label, '123-abc', []],
    ['dns1123 label upper', isDNS1123Label, 'My-Name', [LABEL_MSG]],
    ['dns1123 label empty', isDNS1123Label, '', [LABEL_MSG]],
    ['dns1123 label dots', isDNS1123Label, 'a.b', ['must not contain dots']],
    ['dns1123 label trailing dash', isDNS1123Label, 'a-', [LABEL_MSG]],
    ['dns1123 label too long', isDNS1123Label, 'a'.repeat(64), ['must be no more than 63 characters']],
    ['dns1123 subdomain ok', isDNS1123Subdomain, 'a.b-c.d', []],
    ['dns1123 subdomain bad', isDNS1123Subdomain, 'a_b', [SUBDOMAIN_MSG]],
    ['dns1123 subdomain double dot', isDNS1123Subdomain, 'a..b', [SUBDOMAIN_MSG]],
    ['dns1123 subdomain too long', isDNS1123Subdomain, 'a'.repeat(254), ['must be no more than 253 characters']],
    ['dns1035 ok', isDNS1035Label, 'my-svc', []],
    ['dns1035 digit first', isDNS1035Label, '1svc', [DNS1035_MSG]],
    ['dns1035 too long', isDNS1035Label, `a${'1'.repeat(63)}`, ['must be no more than 63 characters']],
    ['qualified ok', isQualifiedName, 'app.kubernetes.io/name', []],
    ['qualified upper ok', isQualifiedName, 'MyName', []],
    ['qualified bad name', isQualifiedName, 'app:monolith', [NAME_PART_MSG]],
    ['qualified empty name', isQualifiedName, 'example.com/', ['name part must be non-empty', NAME_PART_MSG]],
    ['qualified empty prefix', isQualifiedName, '/a', ['prefix part must be non-empty']],
    ['qualified bad prefix', isQualifiedName, 'app.kubernetes_io/name', [`prefix part ${SUBDOMAIN_MSG}`]],
    ['qualified long name', isQualifiedName, 'a'.repeat(64), ['name part must be no more than 63 characters']],
    [
      'qualified two slashes',
      isQualifiedName,
      'a/b/c',
      [
        "a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
      ],
    ],
    ['label value empty', isValidLabelValue, '', []],
    ['label value ok', isValidLabelValue, 'my_value.1', []],
    ['label value bad', isValidLabelValue, 'a b', [LABEL_VALUE_MSG]],
    ['label value long', isValidLabelValue, 'a'.repeat(64), ['must be no more than 63 characters']],
    ['port name ok', isValidPortName, 'http-2', []],
    [
      'port name bad',
      isValidPortName,
      '-HTTP--',
      [
        'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
        'must contain at least one letter (a-z)',
        'must not contain consecutive hyphens',
        'must not begin or end with a hyphen',
      ],
    ],
    ['port name digits', isValidPortName, '8080', ['must contain at least one letter (a-z)']],
    ['port name long', isValidPortName, 'abcdefghijklmnop', ['must be no more than 15 characters']],
    ['percent ok', isValidPercent, '50%', []],
    [
      'percent bad',
      isValidPercent,
      '50',
      ["a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')"],
    ],
    ['ip v4', isValidIP, '10.0.0.1', []],
    ['ip v4 leading zero (sloppy)', isValidIP, '010.0.0.1', []],
    ['ip v6', isValidIP, '2001:db8::ffff', []],
    ['ip mapped', isValidIP, '::ffff:1.2.3.4', []],
    ['ip bad', isValidIP, '1.2.3.256', ['must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)']],
    ['ip zone', isValidIP, 'fe80::1%eth0', ['must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)']],
    ['ip empty', isValidIP, '', ['must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)']],
    ['cidr ok', isValidCIDR, '10.0.0.0/8', []],
    ['cidr v6', isValidCIDR, '2001:db8::/64', []],
    ['cidr bad', isValidCIDR, '10.0.0.0/33', ['must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)']],
    ['c identifier', isCIdentifier, '_ok1', []],
    [
      'c identifier bad',
      isCIdentifier,
      '1x',
      [
        "a valid C identifier must start with alphabetic character or '_', followed by a string of alphanumeric characters or '_' (e.g. 'my_name',  or 'MY_NAME',  or 'MyName', regex used for validation is '[A-Za-z_][A-Za-z0-9_]*')",
      ],
    ],
    ['path segment dot', isValidPathSegmentName, '..', ["may not be '..'"]],
    ['path segment slash', isValidPathSegmentName, 'a/b%c', ["may not contain '/'", "may not contain '%'"]],
  ];
  for (const [name, fn, value, want] of cases) assert.deepEqual(fn(value), want, name);
});

test('numeric checks', () => {
  const cases: Array<[string[], string[]]> = [
    [isValidPortNum(80), []],
    [isValidPortNum(65535), []],
    [isValidPortNum(0), ['must be between 1 and 65535, inclusive']],
    [isValidPortNum(65536), ['must be between 1 and 65535, inclusive']],
    [isInRange(5, 1, 10), []],
    [isInRange(11, 1, 10), ['must be between 1 and 10, inclusive']],
  ];
  for (const [got, want] of cases) assert.deepEqual(got, want);
});

test('name validators mask a generateName trailing dash', () => {
  const cases: Array<[string, string[], string[]]> = [
    ['subdomain prefix', nameIsDNSSubdomain('web-', true), []],
    ['subdomain name', nameIsDNSSubdomain('web-', false), [SUBDOMAIN_MSG]],
    ['label prefix', nameIsDNSLabel('ns-', true), []],
    ['label name', nameIsDNSLabel('ns-', false), [LABEL_MSG]],
    ['dns1035 prefix', nameIsDNS1035Label('svc-', true), []],
    ['dns1035 bad prefix', nameIsDNS1035Label('1svc-', true), [DNS1035_MSG]],
  ];
  for (const [name, got, want] of cases) assert.deepEqual(got, want, name);
});

const strings = (errs: FieldError[]): string[] => errs.map(fieldErrorString);

test('validateLabels and validateAnnotations', () => {
  assert.deepEqual(strings(validateLabels({ app: 'web', 'example.com/tier': '' }, 'metadata.labels')), []);
  assert.deepEqual(strings(validateLabels({ 'app:x': 'a b' }, 'metadata.labels')), [
    `metadata.labels: Invalid value: "app:x": ${NAME_PART_MSG}`,
    `metadata.labels: Invalid value: "a b": ${LABEL_VALUE_MSG}`,
  ]);
  assert.deepEqual(strings(validateLabels(undefined, 'spec.selector')), []);
  // annotation keys are checked case-insensitively and values are free-form
  assert.deepEqual(strings(validateAnnotations({ 'Example.COM/Note': 'any thing: at all' }, 'metadata.annotations')), []);
  assert.deepEqual(strings(validateAnnotations({ 'a b': 'x' }, 'metadata.annotations')), [
    `metadata.annotations: Invalid value: "a b": ${NAME_PART_MSG}`,
  ]);
  assert.deepEqual(strings(validateAnnotations({ big: 'x'.repeat(256 * 1024) }, 'metadata.annotations')), [
    'metadata.annotations: Too long: may not be more than 262144 bytes',
  ]);
  assert.deepEqual(strings(validateAnnotations({ a: 'x'.repeat(256 * 1024 - 1) }, 'metadata.annotations')), []);
});

test('validateObjectMetaName', () => {
  const cases: Array<[string | undefined, string | undefined, string[]]> = [
    ['web', undefined, []],
    [undefined, undefined, ['metadata.name: Required value: name or generateName is required']],
    ['', 'web-', ['metadata.name: Required value: name or generateName is required']],
    ['Web', undefined, [`metadata.name: Invalid value: "Web": ${SUBDOMAIN_MSG}`]],
    ['web-abcde', 'Web-', [`metadata.generateName: Invalid value: "Web-": ${SUBDOMAIN_MSG}`]],
  ];
  for (const [name, gen, want] of cases) {
    assert.deepEqual(strings(validateObjectMetaName(name, gen, nameIsDNSSubdomain)), want, `${name}/${gen}`);
  }
});

test('validateObjectMeta', () => {
  const cases: Array<{ name: string; meta: ObjectMeta; namespaced: boolean; want: string[] }> = [
    { name: 'valid namespaced', meta: { name: 'web', namespace: 'default', labels: { a: 'b' } }, namespaced: true, want: [] },
    { name: 'valid cluster-scoped', meta: { name: 'node-1' }, namespaced: false, want: [] },
    {
      name: 'missing everything',
      meta: {},
      namespaced: true,
      want: ['metadata.name: Required value: name or generateName is required', 'metadata.namespace: Required value'],
    },
    { name: 'bad namespace', meta: { name: 'web', namespace: 'Bad_NS' }, namespaced: true, want: [`metadata.namespace: Invalid value: "Bad_NS": ${LABEL_MSG}`] },
    {
      name: 'namespace on cluster-scoped',
      meta: { name: 'n', namespace: 'default' },
      namespaced: false,
      want: ['metadata.namespace: Forbidden: not allowed on this type'],
    },
    {
      name: 'negative generation',
      meta: { name: 'n', generation: -1 },
      namespaced: false,
      want: ['metadata.generation: Invalid value: -1: must be greater than or equal to 0'],
    },
    {
      name: 'labels and annotations',
      meta: { name: 'n', labels: { 'bad key': 'v' }, annotations: { '/x': 'v' } },
      namespaced: false,
      want: [`metadata.labels: Invalid value: "bad key": ${NAME_PART_MSG}`, 'metadata.annotations: Invalid value: "/x": prefix part must be non-empty'],
    },
    {
      name: 'finalizers',
      meta: { name: 'n', finalizers: ['kubernetes.io/pv-protection', 'bad finalizer', 'orphan', 'foregroundDeletion'] },
      namespaced: false,
      want: [
        `metadata.finalizers: Invalid value: "bad finalizer": ${NAME_PART_MSG}`,
        'metadata.finalizers: Invalid value: ["kubernetes.io/pv-protection","bad finalizer","orphan","foregroundDeletion"]: finalizer orphan and foregroundDeletion cannot be both set',
      ],
    },
    {
      name: 'owner references',
      meta: {
        name: 'n',
        ownerReferences: [
          { apiVersion: '', kind: '', name: '', uid: '' },
          { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'a', uid: '1', controller: true },
          { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'b', uid: '2', controller: true },
        ],
      },
      namespaced: false,
      want: [
        'metadata.ownerReferences.apiVersion: Invalid value: "": version must not be empty',
        'metadata.ownerReferences.kind: Invalid value: "": must not be empty',
        'metadata.ownerReferences.name: Invalid value: "": must not be empty',
        'metadata.ownerReferences.uid: Invalid value: "": must not be empty',
      ],
    },
    {
      name: 'managed fields',
      meta: { name: 'n', managedFields: [{ manager: 'kubectl', operation: 'Apply', fieldsType: 'FieldsV1' }, { manager: 'x' }] },
      namespaced: false,
      want: ['metadata.managedFields[1].operation: Invalid value: "": must be `Apply` or `Update`'],
    },
  ];
  for (const c of cases) {
    const got = strings(validateObjectMeta(c.meta, { namespaced: c.namespaced, nameFn: nameIsDNSSubdomain }));
    if (c.name === 'owner references') {
      assert.deepEqual(got.slice(0, 4), c.want, c.name);
      assert.match(got[4]!, /^metadata\.ownerReferences: Invalid value: .*Only one reference can have Controller set to true\. Found "true" in references for ReplicaSet\/a and ReplicaSet\/b$/);
      assert.equal(got.length, 5);
    } else {
      assert.deepEqual(got, c.want, c.name);
    }
  }
});

test('validateObjectMeta rejects an Event as owner', () => {
  const got = strings(
    validateObjectMeta(
      { name: 'n', ownerReferences: [{ apiVersion: 'v1', kind: 'Event', name: 'e', uid: 'u' }] },
      { namespaced: false, nameFn: nameIsDNSSubdomain },
    ),
  );
  assert.equal(got.length, 1);
  assert.match(got[0]!, /^metadata\.ownerReferences: Invalid value: .*: \/v1, Kind=Event is disallowed from being an owner$/);
});

test('validateObjectMetaUpdate', () => {
  const prev: ObjectMeta = {
    name: 'web',
    namespace: 'default',
    uid: 'u1',
    resourceVersion: '5',
    generation: 2,
    creationTimestamp: '2024-01-01T00:00:00Z',
  };
  const cases: Array<{ name: string; next: ObjectMeta; prev?: ObjectMeta; want: string[] }> = [
    { name: 'unchanged', next: { ...prev }, want: [] },
    { name: 'labels may change', next: { ...prev, labels: { a: 'b' } }, want: [] },
    {
      name: 'immutables',
      next: { ...prev, name: 'web2', namespace: 'other', uid: 'u2', creationTimestamp: '2025-01-01T00:00:00Z' },
      want: [
        'metadata.name: Invalid value: "web2": field is immutable',
        'metadata.namespace: Invalid value: "other": field is immutable',
        'metadata.uid: Invalid value: "u2": field is immutable',
        'metadata.creationTimestamp: Invalid value: "2025-01-01T00:00:00Z": field is immutable',
      ],
    },
    {
      name: 'missing resourceVersion and decremented generation',
      next: { ...prev, resourceVersion: undefined, generation: 1 },
      want: [
        'metadata.resourceVersion: Invalid value: "": must be specified for an update',
        'metadata.generation: Invalid value: 1: must not be decremented',
      ],
    },
    {
      name: 'deletionTimestamp and grace period are immutable',
      next: { ...prev, deletionTimestamp: '2025-01-01T00:00:00Z', deletionGracePeriodSeconds: 30 },
      want: [
        'metadata.deletionTimestamp: Invalid value: "2025-01-01T00:00:00Z": field is immutable',
        'metadata.deletionGracePeriodSeconds: Invalid value: 30: field is immutable',
      ],
    },
    {
      name: 'no new finalizers while deleting',
      prev: { ...prev, deletionTimestamp: 'T', finalizers: ['a'] },
      next: { ...prev, deletionTimestamp: 'T', finalizers: ['a', 'c', 'b'] },
      want: [
        'metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"b", "c"}',
      ],
    },
    {
      name: 'bad labels on update',
      next: { ...prev, labels: { k: '-v' } },
      want: [`metadata.labels: Invalid value: "-v": ${LABEL_VALUE_MSG}`],
    },
  ];
  for (const c of cases) assert.deepEqual(strings(validateObjectMetaUpdate(c.next, c.prev ?? prev)), c.want, c.name);
});
