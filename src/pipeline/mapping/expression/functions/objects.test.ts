import { describe, expect, it } from 'vitest';
import { getMember } from './objects.js';
import { fn, failure } from './testing.js';

describe('is_empty', () => {
  it('is true for null, "", [] and {}, false for anything else (whitespace and 0 included)', () => {
    expect([null, undefined, '', [], {}].map((v) => fn('is_empty')(v))).toEqual([true, true, true, true, true]);
    expect([' ', 0, false, [null], { a: null }].map((v) => fn('is_empty')(v))).toEqual([false, false, false, false, false]);
  });
});

describe('building objects', () => {
  it('to_object pairs keys with values; a key must be there', () => {
    expect(fn('to_object')('a', 1, 'b', undefined, 2, 'two')).toEqual({ a: 1, b: null, 2: 'two' });
    expect(fn('to_object')()).toEqual({});
    expect(failure('to_object', 'a')).toBe('to_object: expects key, value pairs');
    expect(failure('to_object', null, 1)).toBe('to_object: a key must not be null');
  });

  it('arrays_to_object zips arrays into objects, leaving a key out where its array is short', () => {
    expect(fn('arrays_to_objects')('sku', ['a', 'b', 'c'], 'price', [1, null])).toEqual([
      { sku: 'a', price: 1 },
      { sku: 'b', price: null },
      { sku: 'c' },
    ]);
    expect(fn('arrays_to_object')('k', null)).toEqual([]);
    expect(fn('arrays_to_object')()).toBeNull();
    expect(failure('arrays_to_object', 'k')).toBe('arrays_to_object: expects key, array pairs');
    expect(failure('arrays_to_object', 'k', 'v')).toBe('arrays_to_object: values must be an array, got "v"');
  });

  it('str_to_object reads trimmed key/value pairs, skipping parts without a delimiter or a key', () => {
    expect(fn('str_to_object')(' a : 1 , b:2:3, junk, :x ,c:')).toEqual({ a: '1', b: '2:3', c: '' });
    expect(fn('str_to_object')('a=1;b=2', '=', ';')).toEqual({ a: '1', b: '2' });
    expect(fn('str_to_object')('')).toEqual({});
    expect(failure('str_to_object', 'a=1', '', ';')).toBe('str_to_object: delimiters must not be empty');
  });

  it('add_to_map merges left to right, later keys winning, skipping nulls', () => {
    expect(fn('add_to_map')({ a: 1, b: 1 }, null, { b: 2 })).toEqual({ a: 1, b: 2 });
    expect(failure('add_to_map', { a: 1 }, [1])).toBe('add_to_map: maps must be an object, got an array');
  });
});

describe('reading objects', () => {
  const doc = { a: { b: { c: null } }, list: [1], 'x.y': 1 };

  it('contains_key follows dotted paths; a key set to null is contained', () => {
    expect(['a', 'a.b', 'a.b.c', 'a.x', 'list.0', 'x.y'].map((k) => fn('is_set')(doc, k))).toEqual([true, true, true, false, false, false]);
    expect(fn('contains_key')(null, 'a')).toBe(false);
  });

  it('get_keys and get_values', () => {
    expect(fn('get_keys')({ b: 1, a: 2 })).toEqual(['b', 'a']);
    expect(fn('get_keys')(null)).toBeNull();
    expect(fn('get_values')('a:1, b:2', 'b', ':')).toBe('2');
    expect(fn('get_values')('a=1|b=2', 'c', '=', '|')).toBeNull();
    expect(failure('get_keys', 'a')).toBe('get_keys: input must be an object, got "a"');
  });

  it('map_get_values keeps the keys asked for that exist; map_has_keys tells whether any exists', () => {
    expect(fn('map_get_values')({ a: 1, b: 2, c: 3 }, ['c', 'a', 'z'])).toEqual({ c: 3, a: 1 });
    expect(fn('map_get_values')({ a: 1 }, 'a')).toEqual({ a: 1 });
    expect([fn('map_has_keys')({ a: 1 }, ['z', 'a']), fn('map_has_keys')({ a: 1 }, ['z']), fn('map_has_keys')(null, ['a'])]).toEqual([
      true,
      false,
      false,
    ]);
  });

  it('getMember reads members and items; out of range or missing is null; scalars have none', () => {
    expect([
      getMember({ a: 1 }, 'a'),
      getMember({ a: 1 }, 'b'),
      getMember(['x', 'y'], 1),
      getMember(['x'], '0'),
      getMember(['x'], 5),
      getMember(['x'], 'a'),
    ]).toEqual([1, null, 'y', 'x', null, null]);
    expect(getMember(null, 'a')).toBeNull();
    expect(() => getMember('text', 0)).toThrow('get: only objects and arrays have members');
  });

  it('nullify gives null', () => {
    expect(fn('nullify')()).toBeNull();
  });

  it('does not see Object.prototype members as keys', () => {
    expect([fn('contains_key')({}, 'constructor'), fn('map_has_keys')({}, ['toString']), getMember({}, 'constructor')]).toEqual([false, false, null]);
  });
});
