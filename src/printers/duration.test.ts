import { test } from 'node:test';
import assert from 'node:assert/strict';
import { humanDuration, parseTimestamp, translateTimestampSince } from './duration.js';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;

test('humanDuration follows kube HumanDuration across every boundary', () => {
  const cases: [number, string][] = [
    [-2001, '<invalid>'],
    [-2 * S, '<invalid>'],
    [-1999, '0s'],
    [-1 * S, '0s'],
    [-999, '0s'],
    [0, '0s'],
    [999, '0s'],
    [1500, '1s'],
    [2 * M - 1, '119s'],
    [2 * M, '2m'],
    [2 * M + S, '2m1s'],
    [5 * M + 3 * S, '5m3s'],
    [10 * M - 1, '9m59s'],
    [10 * M, '10m'],
    [10 * M + 59 * S, '10m'],
    [120 * M, '120m'],
    [3 * H - 1, '179m'],
    [3 * H, '3h'],
    [3 * H + M, '3h1m'],
    [8 * H - 1, '7h59m'],
    [8 * H, '8h'],
    [8 * H + 30 * M, '8h'],
    [48 * H - 1, '47h'],
    [48 * H, '2d'],
    [2 * D + 7 * H, '2d7h'],
    [8 * D - 1, '7d23h'],
    [8 * D, '8d'],
    [8 * D + 5 * H, '8d'],
    [730 * D - 1, '729d'],
    [730 * D, '2y'],
    [731 * D, '2y1d'],
    [2920 * D - 1, '7y364d'],
    [2920 * D, '8y'],
    [3000 * D, '8y'],
  ];
  for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, `humanDuration(${ms})`);
});

test('translateTimestampSince', () => {
  const now = Date.parse('2025-01-01T12:00:00Z');
  const cases: [string | undefined | null, string][] = [
    [undefined, '<unknown>'],
    [null, '<unknown>'],
    ['', '<unknown>'],
    ['not a time', '<unknown>'],
    ['0001-01-01T00:00:00Z', '<unknown>'],
    ['2025-01-01T11:58:00Z', '2m'],
    ['2025-01-01T11:59:59.500000Z', '0s'],
    ['2025-01-01T12:00:05Z', '<invalid>'],
    ['2024-12-30T05:00:00Z', '2d7h'],
  ];
  for (const [ts, want] of cases) assert.equal(translateTimestampSince(ts, now), want, `since(${ts})`);
});

test('parseTimestamp treats Go zero time and garbage as unset', () => {
  assert.equal(parseTimestamp('0001-01-01T00:00:00Z'), undefined);
  assert.equal(parseTimestamp('x'), undefined);
  assert.equal(parseTimestamp('2025-01-01T00:00:00Z'), Date.UTC(2025, 0, 1));
});
