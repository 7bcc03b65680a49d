import { ZonedDateTime } from '@js-joda/core';
import { describe, expect, it } from 'vitest';
import { compareValues, truthy } from './logic.js';
import { fn, failure } from './testing.js';

describe('truthy', () => {
  it('takes booleans, their text in any case, numbers, and null as false', () => {
    expect([true, ' TRUE ', 'False', 1, -0.5, 0, null, undefined].map(truthy)).toEqual([true, true, false, true, true, false, false, false]);
    expect(() => truthy('yes')).toThrow('iif: the condition must be a boolean, got "yes"');
    expect(() => truthy('')).toThrow('iif: the condition must be a boolean, got ""');
  });
});

describe('compareValues', () => {
  it('orders numbers and numeric text by value, dates by instant, other text by code unit', () => {
    expect([compareValues(2, '10'), compareValues('10', '9'), compareValues(' 1 ', 1), compareValues('a', 'b'), compareValues('Z', 'a')]).toEqual([
      -1, 1, 0, -1, -1,
    ]);
    const paris = ZonedDateTime.parse('2024-01-01T01:30+01:00');
    const utc = ZonedDateTime.parse('2024-01-01T01:00Z');
    expect([compareValues(paris, utc), compareValues(utc, paris)]).toEqual([-1, 1]);
    // The same instant in two offsets is not 0: ZonedDateTime.compareTo (as in Java) breaks the tie
    // on the local time, although the doc comment says "dates by instant".
    expect(compareValues(ZonedDateTime.parse('2024-01-01T01:00+01:00'), ZonedDateTime.parse('2024-01-01T00:00Z'))).toBe(1);
    // An empty string is text, not zero.
    expect(compareValues('', 0)).toBe(-1);
  });
});

describe('decode', () => {
  it('returns the result paired with the first matching search value, else the default, else null', () => {
    expect(fn('decode')('pa', 'ca', 'California', 'pa', 'Pennsylvania', 'N/A')).toBe('Pennsylvania');
    expect(fn('decode')('ny', 'ca', 'California', 'N/A')).toBe('N/A');
    expect(fn('decode')('ny', 'ca', 'California')).toBeNull();
    expect(fn('decode')(null, 'x', 1, null, 2)).toBe(2);
    expect(fn('decode')(1, '1', 'one')).toBe('one');
    expect(fn('decode')('PA', 'pa', 'lower', 'upper')).toBe('upper');
  });
});

describe('iif, min and max', () => {
  it('iif picks a branch by truthiness, null for a missing branch', () => {
    expect([fn('iif')('true', 'a', 'b'), fn('iif')(0, 'a', 'b'), fn('iif')(null, 'a'), fn('iif')(true, undefined, 'b')]).toEqual([
      'a',
      'b',
      null,
      null,
    ]);
  });

  it('min and max skip nulls, take an array or loose values, and compare numeric text as numbers', () => {
    expect(fn('max')(3, null, '10', 2)).toBe('10');
    expect(fn('min')([3, 1.5, 2])).toBe(1.5);
    expect(fn('min')('b', 'a', 'c')).toBe('a');
    expect(fn('max')(null, null)).toBeNull();
    expect(fn('max')()).toBeNull();
  });
});

describe('number conversions', () => {
  it('cut fractions toward zero for integers, keep them for decimals, and read booleans as 0 or 1', () => {
    expect([fn('to_bigint')('1000000.34'), fn('to_integer')('-2.9'), fn('to_decimal')('20.5'), fn('to_float')(' 1e2 ')]).toEqual([
      1_000_000, -2, 20.5, 100,
    ]);
    expect([fn('to_integer')(true), fn('to_bigint')(false), fn('to_integer')(null)]).toEqual([1, 0, null]);
  });

  it('keep to_integer within 32 bits and refuse text that is no number', () => {
    expect(fn('to_integer')('2147483647.9')).toBe(2_147_483_647);
    expect(failure('to_integer', 2_147_483_648)).toBe('to_integer: 2147483648 is outside the 32-bit integer range');
    expect(failure('to_decimal', '12abc')).toBe('to_decimal: input must be a number, got "12abc"');
  });
});

describe('json_to_object, uuid and fpid_to_ecid', () => {
  it('json_to_object parses JSON text of any kind and names a syntax error', () => {
    expect(fn('json_to_object')('{"a":[1,{"b":null}],"é":"😀"}')).toEqual({ a: [1, { b: null }], é: '😀' });
    expect(fn('json_to_object')('[1]')).toEqual([1]);
    expect(fn('json_to_object')(null)).toBeNull();
    expect(failure('json_to_object', '{a:1}')).toMatch(/^json_to_object: invalid JSON: /);
  });

  it('uuid gives a new version-4 UUID each call', () => {
    const a = fn('guid')() as string;
    expect(a).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(fn('uuid')()).not.toBe(a);
  });

  it('fpid_to_ecid derives the same 38-digit id from the same FPID, and another from another', () => {
    const a = fn('fpid_to_ecid')('f9a2b1c3-0000-4000-8000-000000000001') as string;
    expect(a).toMatch(/^\d{38}$/);
    expect(fn('fpid_to_ecid')('f9a2b1c3-0000-4000-8000-000000000001')).toBe(a);
    expect(fn('fpid_to_ecid')('f9a2b1c3-0000-4000-8000-000000000002')).not.toBe(a);
    expect(fn('fpid_to_ecid')(null)).toBeNull();
  });
});
