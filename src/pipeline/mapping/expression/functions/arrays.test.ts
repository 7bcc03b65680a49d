import { describe, expect, it } from 'vitest';
import { fn, failure } from './testing.js';

describe('coalesce, first and last', () => {
  it('coalesce gives the first non-null value, from loose values or one array', () => {
    expect(fn('coalesce')(null, undefined, '', 'x')).toBe('');
    expect(fn('coalesce')([null, 0, 1])).toBe(0);
    expect(fn('coalesce')(null, null)).toBeNull();
    expect(fn('coalesce')()).toBeNull();
  });

  it('first and last take the ends, null when empty', () => {
    expect([fn('first')(['a', 'b']), fn('last')(['a', 'b']), fn('first')('x', 'y'), fn('last')([]), fn('first')()]).toEqual([
      'a',
      'b',
      'x',
      null,
      null,
    ]);
    // Two arrays are two values, not one list.
    expect(fn('first')([1], [2])).toEqual([1]);
  });
});

describe('building arrays', () => {
  it('add_to_array appends values, starting from nothing when the array is null', () => {
    expect(fn('add_to_array')(['a'], 'b', ['c'])).toEqual(['a', 'b', ['c']]);
    expect(fn('add_to_array')(null, 1)).toEqual([1]);
    expect(failure('add_to_array', 'a', 'b')).toBe('add_to_array: array must be an array, got "a"');
  });

  it('join_arrays flattens one level and skips null arguments', () => {
    expect(fn('join_arrays')(['a', 'b'], null, ['c', ['d']], 'e')).toEqual(['a', 'b', 'c', ['d'], 'e']);
    expect(fn('join_arrays')()).toEqual([]);
  });

  it('to_array keeps or drops nulls as asked', () => {
    expect(fn('to_array')(true, 'a', null, undefined)).toEqual(['a', null, null]);
    expect(fn('to_array')('false', 'a', null)).toEqual(['a']);
    expect(failure('to_array', 'yes', 'a')).toBe('to_array: includeNulls must be a boolean, got "yes"');
  });

  it('upsert_array_append and upsert_array_replace pass an array through', () => {
    expect(fn('upsert_array_append')([1, 2])).toEqual([1, 2]);
    expect(fn('upsert_array_replace')(null)).toBeNull();
    expect(failure('upsert_array_replace', { a: 1 })).toBe('upsert_array_replace: array must be an array, got an object');
  });
});

describe('size_of', () => {
  it('counts elements, characters (UTF-16 units) or keys; a scalar is 1 and null is 0', () => {
    expect([
      fn('size_of')([1, null]),
      fn('size_of')('héllo'),
      fn('size_of')({ a: 1, b: 2 }),
      fn('size_of')(7),
      fn('size_of')(null),
      fn('size_of')(''),
    ]).toEqual([2, 5, 2, 1, 0, 0]);
    expect(fn('size_of')('😀')).toBe(2);
  });
});
