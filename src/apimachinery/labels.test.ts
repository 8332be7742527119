import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  labelSelectorFromLabelSelectorObject,
  parseLabelSelector,
  selectorFromSet,
  selectorFromValidatedSet,
} from './labels.js';
import type { LabelSelectorObject } from './labels.js';
import { StatusError } from './status.js';

const QNAME_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

test('parseLabelSelector: operators, spacing and canonical string', () => {
  const cases: Array<{ in: string; reqs: Array<[string, string, string[]]>; str: string }> = [
    { in: '', reqs: [], str: '' },
    { in: 'a=b', reqs: [['a', '=', ['b']]], str: 'a=b' },
    { in: 'a==b', reqs: [['a', '==', ['b']]], str: 'a==b' },
    { in: 'a!=b', reqs: [['a', '!=', ['b']]], str: 'a!=b' },
    { in: 'a=', reqs: [['a', '=', ['']]], str: 'a=' },
    { in: 'a in (x,y)', reqs: [['a', 'in', ['x', 'y']]], str: 'a in (x,y)' },
    { in: 'a notin (y,x,y)', reqs: [['a', 'notin', ['x', 'y']]], str: 'a notin (x,y)' },
    { in: 'a in ()', reqs: [['a', 'in', ['']]], str: 'a in ()' },
    { in: 'a', reqs: [['a', 'exists', []]], str: 'a' },
    { in: '!a', reqs: [['a', '!', []]], str: '!a' },
    { in: 'a>5', reqs: [['a', 'gt', ['5']]], str: 'a>5' },
    { in: 'a<5', reqs: [['a', 'lt', ['5']]], str: 'a<5' },
    // '+' in the query string arrives here already decoded to a space
    { in: 'environment in (production, qa)', reqs: [['environment', 'in', ['production', 'qa']]], str: 'environment in (production,qa)' },
    { in: '  a = b ,\tc!=d  ', reqs: [['a', '=', ['b']], ['c', '!=', ['d']]], str: 'a=b,c!=d' },
    // requirements are sorted by key
    { in: 'z=1,a=2,m', reqs: [['a', '=', ['2']], ['m', 'exists', []], ['z', '=', ['1']]], str: 'a=2,m,z=1' },
    // upstream's own example
    {
      in: 'x in (foo,,baz),y,z notin ()',
      reqs: [['x', 'in', ['', 'baz', 'foo']], ['y', 'exists', []], ['z', 'notin', ['']]],
      str: 'x in (,baz,foo),y,z notin ()',
    },
    // keywords are identifiers where a key or value is expected
    { in: 'in in (in,notin)', reqs: [['in', 'in', ['in', 'notin']]], str: 'in in (in,notin)' },
    { in: 'example.com/app=web', reqs: [['example.com/app', '=', ['web']]], str: 'example.com/app=web' },
    { in: 'a in (x),!b', reqs: [['a', 'in', ['x']], ['b', '!', []]], str: 'a in (x),!b' },
  ];
  for (const c of cases) {
    const sel = parseLabelSelector(c.in);
    assert.deepEqual(
      sel.requirements.map((r) => [r.key, r.operator, [...r.values]]),
      c.reqs,
      c.in,
    );
    assert.equal(sel.toString(), c.str, c.in);
    assert.equal(sel.isEmpty(), c.reqs.length === 0, c.in);
  }
});

test('parseLabelSelector: bad input is a 400 with upstream wording', () => {
  const cases: Array<[string, string]> = [
    ['a b', "unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt"],
    ['a=b c', "found 'c', expected: ',' or 'end of string'"],
    ['a=b,', "found '', expected: identifier after ','"],
    [',a', "found ',', expected: !, identifier, or 'end of string'"],
    ['a in x', "unable to parse requirement: found 'x' expected: '('"],
    ['a in (x', "unable to parse requirement: found '', expected: ',' or ')'"],
    ['a in (x y)', "unable to parse requirement: found 'y', expected: ',' or ')'"],
    ['a=(b', "unable to parse requirement: found '(', expected: identifier"],
    ['!a=b', "found '=', expected: ',' or 'end of string'"],
    ['!=a', "found '!=', expected: !, identifier, or 'end of string'"],
    ['!', "unable to parse requirement: found '', expected: identifier"],
    ['app:monolith', `unable to parse requirement: <nil>: Invalid value: "app:monolith": ${QNAME_MSG}`],
    ['&foo', `unable to parse requirement: <nil>: Invalid value: "&foo": ${QNAME_MSG}`],
    [
      'a/b/c ?=? def',
      `unable to parse requirement: <nil>: Invalid value: "a/b/c": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`,
    ],
    [
      `good-key=${'z'.repeat(64)}`,
      `unable to parse requirement: values[0][good-key]: Invalid value: "${'z'.repeat(64)}": must be no more than 63 characters`,
    ],
    [
      'a=-x',
      `unable to parse requirement: values[0][a]: Invalid value: "-x": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
    ],
    ['a>b', `unable to parse requirement: values[0]: Invalid value: "b": for 'Gt', 'Lt' operators, the value must be an integer`],
    ['a=>1', "unable to parse requirement: found '>', expected: identifier"],
  ];
  for (const [input, message] of cases) {
    assert.throws(
      () => parseLabelSelector(input),
      (err: unknown) => {
        assert.ok(err instanceof StatusError, input);
        assert.equal(err.code, 400, input);
        assert.equal(err.reason, 'BadRequest', input);
        assert.equal(err.status.message, message, input);
        return true;
      },
    );
  }
});

test('LabelSelector.matches for every operator', () => {
  const cases: Array<[string, Record<string, string> | undefined, boolean]> = [
    ['', undefined, true],
    ['', { a: 'b' }, true],
    ['a=b', { a: 'b' }, true],
    ['a=b', { a: 'c' }, false],
    ['a=b', {}, false],
    ['a==b', { a: 'b', x: 'y' }, true],
    ['a=', { a: '' }, true],
    ['a=', {}, false],
    ['a!=b', {}, true],
    ['a!=b', { a: 'c' }, true],
    ['a!=b', { a: 'b' }, false],
    ['a in (x,y)', { a: 'y' }, true],
    ['a in (x,y)', { a: 'z' }, false],
    ['a in (x,y)', undefined, false],
    ['a notin (x)', {}, true],
    ['a notin (x)', { a: 'y' }, true],
    ['a notin (x)', { a: 'x' }, false],
    ['a', { a: '' }, true],
    ['a', { b: '' }, false],
    ['!a', {}, true],
    ['!a', { a: '1' }, false],
    ['a>5', { a: '6' }, true],
    ['a>5', { a: '5' }, false],
    ['a>5', { a: 'six' }, false],
    ['a>5', {}, false],
    ['a<5', { a: '-3' }, true],
    ['a<5', { a: '7' }, false],
    ['a=b,c', { a: 'b', c: '' }, true],
    ['a=b,c', { a: 'b' }, false],
    ['toString', {}, false],
  ];
  for (const [sel, labels, want] of cases) {
    assert.equal(parseLabelSelector(sel).matches(labels), want, `${sel} vs ${JSON.stringify(labels)}`);
  }
});

test('LabelSelector.requiresExactMatch', () => {
  const sel = parseLabelSelector('a=1,b in (2),c in (3,4),d!=5,e');
  assert.equal(sel.requiresExactMatch('a'), '1');
  assert.equal(sel.requiresExactMatch('b'), '2');
  assert.equal(sel.requiresExactMatch('c'), undefined);
  assert.equal(sel.requiresExactMatch('d'), undefined);
  assert.equal(sel.requiresExactMatch('e'), undefined);
  assert.equal(sel.requiresExactMatch('zz'), undefined);
});

test('selectorFromSet is an equality AND; the caller decides what empty means', () => {
  const sel = selectorFromSet({ b: '2', a: '1' });
  assert.equal(sel.toString(), 'a=1,b=2');
  assert.equal(sel.matches({ a: '1', b: '2', c: '3' }), true);
  assert.equal(sel.matches({ a: '1' }), false);
  const empty = selectorFromValidatedSet({});
  assert.equal(empty.isEmpty(), true);
  assert.equal(empty.matches({ any: 'thing' }), true);
  assert.equal(selectorFromSet(undefined).isEmpty(), true);
});

test('labelSelectorFromLabelSelectorObject', () => {
  const cases: Array<{ sel: LabelSelectorObject | null | undefined; labels: Record<string, string>; want: boolean; str?: string }> = [
    { sel: null, labels: {}, want: false, str: '' },
    { sel: undefined, labels: { a: 'b' }, want: false },
    { sel: {}, labels: { a: 'b' }, want: true, str: '' },
    { sel: { matchLabels: { app: 'web' } }, labels: { app: 'web' }, want: true, str: 'app=web' },
    { sel: { matchLabels: { app: 'web' } }, labels: { app: 'db' }, want: false },
    {
      sel: {
        matchLabels: { app: 'web' },
        matchExpressions: [
          { key: 'tier', operator: 'In', values: ['fe', 'be'] },
          { key: 'env', operator: 'NotIn', values: ['dev'] },
          { key: 'track', operator: 'Exists' },
          { key: 'legacy', operator: 'DoesNotExist' },
        ],
      },
      labels: { app: 'web', tier: 'fe', env: 'prod', track: 'x' },
      want: true,
      str: 'app=web,env notin (dev),!legacy,tier in (be,fe),track',
    },
    {
      sel: { matchExpressions: [{ key: 'legacy', operator: 'DoesNotExist' }] },
      labels: { legacy: 'y' },
      want: false,
    },
  ];
  for (const c of cases) {
    const s = labelSelectorFromLabelSelectorObject(c.sel);
    assert.equal(s.matches(c.labels), c.want, JSON.stringify(c.sel));
    if (c.str !== undefined) assert.equal(s.toString(), c.str);
  }
});

test('labelSelectorFromLabelSelectorObject rejects bad operators, arities and keys', () => {
  const cases: Array<[LabelSelectorObject, string]> = [
    [{ matchExpressions: [{ key: 'a', operator: 'Foo' }] }, '"Foo" is not a valid label selector operator'],
    [
      { matchExpressions: [{ key: 'a', operator: 'In', values: [] }] },
      "values: Invalid value: []: for 'in', 'notin' operators, values set can't be empty",
    ],
    [
      { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] },
      'values: Invalid value: ["x"]: values set must be empty for exists and does not exist',
    ],
    [{ matchLabels: { 'a b': 'c' } }, `key: Invalid value: "a b": ${QNAME_MSG}`],
  ];
  for (const [sel, message] of cases) {
    assert.throws(
      () => labelSelectorFromLabelSelectorObject(sel),
      (err: unknown) => err instanceof StatusError && err.code === 400 && err.status.message === message,
      message,
    );
  }
});
