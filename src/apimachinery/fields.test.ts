import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeFieldValue, fieldSelectorFromSet, parseFieldSelector, unknownFieldSelector, unsupportedField } from './fields.js';
import { StatusError } from './status.js';

test('parseFieldSelector: terms, operators, escaping and order', () => {
  const cases: Array<{ in: string; reqs: Array<[string, string, string]>; str: string }> = [
    { in: '', reqs: [], str: '' },
    { in: ',,', reqs: [], str: '' },
    { in: 'metadata.name=web', reqs: [['metadata.name', '=', 'web']], str: 'metadata.name=web' },
    { in: 'metadata.name==web', reqs: [['metadata.name', '=', 'web']], str: 'metadata.name=web' },
    { in: 'status.phase!=Running', reqs: [['status.phase', '!=', 'Running']], str: 'status.phase!=Running' },
    { in: 'involvedObject.namespace=', reqs: [['involvedObject.namespace', '=', '']], str: 'involvedObject.namespace=' },
    // terms are sorted as raw strings, as upstream
    {
      in: 'spec.nodeName=n1,metadata.namespace=default',
      reqs: [
        ['metadata.namespace', '=', 'default'],
        ['spec.nodeName', '=', 'n1'],
      ],
      str: 'metadata.namespace=default,spec.nodeName=n1',
    },
    { in: 'a=x\\,y', reqs: [['a', '=', 'x,y']], str: 'a=x\\,y' },
    { in: 'a=x\\=y', reqs: [['a', '=', 'x=y']], str: 'a=x\\=y' },
    { in: 'a=x\\\\y', reqs: [['a', '=', 'x\\y']], str: 'a=x\\\\y' },
    // the first operator splits; no escaping on the left-hand side
    { in: 'a!=!b', reqs: [['a', '!=', '!b']], str: 'a!=!b' },
    { in: ' a = b ', reqs: [[' a ', '=', ' b ']], str: ' a = b ' },
  ];
  for (const c of cases) {
    const sel = parseFieldSelector(c.in);
    assert.deepEqual(
      sel.requirements.map((r) => [r.field, r.operator, r.value]),
      c.reqs,
      c.in,
    );
    assert.equal(sel.toString(), c.str, c.in);
    assert.equal(sel.isEmpty(), c.reqs.length === 0, c.in);
  }
});

test('parseFieldSelector: bad input is a 400 with upstream wording', () => {
  const cases: Array<[string, string]> = [
    ['metadata.name', "invalid selector: 'metadata.name'; can't understand 'metadata.name'"],
    ['a=b,c', "invalid selector: 'a=b,c'; can't understand 'c'"],
    ['a=b=c', 'invalid field selector: unescapedRune character in value: 61'],
    ['a=b\\,c,d=e,f', "invalid selector: 'a=b\\,c,d=e,f'; can't understand 'f'"],
    ['a=b\\', 'invalid field selector: invalid escape sequence: \\'],
    ['a=b\\n', 'invalid field selector: invalid escape sequence: \\n'],
  ];
  for (const [input, message] of cases) {
    assert.throws(
      () => parseFieldSelector(input),
      (err: unknown) => err instanceof StatusError && err.code === 400 && err.reason === 'BadRequest' && err.status.message === message,
      input,
    );
  }
});

test('FieldSelector.matches treats an absent field as the empty string', () => {
  const obj: Record<string, string> = { 'metadata.name': 'web', 'status.phase': 'Running' };
  const get = (f: string): string | undefined => obj[f];
  const cases: Array<[string, boolean]> = [
    ['', true],
    ['metadata.name=web', true],
    ['metadata.name=db', false],
    ['metadata.name!=db', true],
    ['metadata.name!=web', false],
    ['spec.nodeName=', true],
    ['spec.nodeName!=', false],
    ['spec.nodeName!=n1', true],
    ['metadata.name=web,status.phase=Running', true],
    ['metadata.name=web,status.phase=Pending', false],
  ];
  for (const [sel, want] of cases) assert.equal(parseFieldSelector(sel).matches(get), want, sel);
});

test('FieldSelector.fields and singleValue', () => {
  const sel = parseFieldSelector('metadata.name=web,metadata.namespace!=kube-system,metadata.name==web');
  assert.deepEqual(sel.fields(), ['metadata.name', 'metadata.namespace']);
  assert.equal(sel.singleValue('metadata.name'), 'web');
  assert.equal(sel.singleValue('metadata.namespace'), undefined);
  assert.equal(sel.singleValue('spec.nodeName'), undefined);
  assert.equal(parseFieldSelector('involvedObject.name=').singleValue('involvedObject.name'), '');
});

test('fieldSelectorFromSet and escapeFieldValue', () => {
  const sel = fieldSelectorFromSet({ 'metadata.name': 'a,b' });
  assert.equal(sel.singleValue('metadata.name'), 'a,b');
  assert.equal(sel.toString(), 'metadata.name=a\\,b');
  assert.equal(parseFieldSelector(sel.toString()).singleValue('metadata.name'), 'a,b');
  assert.equal(escapeFieldValue('x\\=,'), 'x\\\\\\=\\,');
});

test('unsupportedField and unknownFieldSelector are 400s with upstream text', () => {
  const cases: Array<[StatusError, string]> = [
    [unsupportedField('spec.foo'), 'field label not supported: spec.foo'],
    [unknownFieldSelector('spec.foo'), '"spec.foo" is not a known field selector: only "metadata.name", "metadata.namespace"'],
  ];
  for (const [err, message] of cases) {
    assert.equal(err.code, 400);
    assert.equal(err.reason, 'BadRequest');
    assert.equal(err.status.message, message);
  }
});
