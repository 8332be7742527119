import { test } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalQuantity, compareQuantity, isNegative, isWholeQuantity, parseQuantity, QuantityError, QUANTITY_FORMAT_WRONG, QUANTITY_SUFFIX_ERROR } from './quantity.js';

test('quantities serialise in kube-apiserver canonical form', () => {
  const cases: [string | number, string][] = [
    ['0', '0'],
    ['000', '0'],
    ['-0', '0'],
    ['1', '1'],
    ['1000', '1k'],
    ['1000m', '1'],
    ['100m', '100m'],
    ['0.5', '500m'],
    ['1.5', '1500m'],
    [0.25, '250m'],
    [2, '2'],
    ['1024', '1024'],
    ['1024Mi', '1Gi'],
    ['1.5Gi', '1536Mi'],
    ['0.5Ki', '512'],
    ['5Ki', '5Ki'],
    ['1025Ki', '1025Ki'],
    ['1000Ki', '1000Ki'],
    ['1e3', '1e3'],
    ['1E', '1E'],
    ['1500', '1500'],
    ['15000', '15k'],
    ['1n', '1n'],
    ['0.1n', '1n'],
    ['1.0001n', '2n'],
    ['-1', '-1'],
    ['-1.5', '-1500m'],
    ['+1', '+1'],
    ['12Mi', '12Mi'],
    ['1G', '1G'],
    ['1000M', '1G'],
    ['10Gi', '10Gi'],
  ];
  for (const [input, want] of cases) assert.equal(canonicalQuantity(input), want, `canonical form of ${String(input)}`);
});

test('malformed quantities fail with upstream messages', () => {
  for (const bad of ['', 'abc', '1.2.3', '1 Gi', 'Gi1x']) {
    assert.throws(() => parseQuantity(bad), (e: unknown) => e instanceof QuantityError && e.message === QUANTITY_FORMAT_WRONG, bad);
  }
  for (const bad of ['1K', '1Ki5', '1iM', '1e']) {
    assert.throws(() => parseQuantity(bad), (e: unknown) => e instanceof QuantityError && e.message === QUANTITY_SUFFIX_ERROR, bad);
  }
  assert.throws(() => canonicalQuantity(true), QuantityError);
});

test('comparison, sign and wholeness are exact across formats', () => {
  assert.equal(compareQuantity(parseQuantity('1Gi'), parseQuantity('1073741824')), 0);
  assert.equal(compareQuantity(parseQuantity('1G'), parseQuantity('1Gi')), -1);
  assert.equal(compareQuantity(parseQuantity('500m'), parseQuantity('0.4')), 1);
  assert.equal(isNegative(parseQuantity('-1m')), true);
  assert.equal(isNegative(parseQuantity('0')), false);
  assert.equal(isWholeQuantity(parseQuantity('2')), true);
  assert.equal(isWholeQuantity(parseQuantity('1k')), true);
  assert.equal(isWholeQuantity(parseQuantity('1500m')), false);
});
