import { describe, expect, it } from 'vitest';
import { CoercionError, coerce } from './coerce.js';
import type { XdmField } from './xdm-fields.js';

const STRING: XdmField = { kind: 'string' };
const NUMBER: XdmField = { kind: 'number' };
const BOOLEAN: XdmField = { kind: 'boolean' };
const DATE: XdmField = { kind: 'date' };
const DATE_TIME: XdmField = { kind: 'date-time' };
const int = (width: 'byte' | 'short' | 'int' | 'long'): XdmField => ({ kind: 'integer', width });

function refusal(value: unknown, field: XdmField, path = 'f'): { path: string; message: string } {
  try {
    coerce(value, field, path);
  } catch (error) {
    if (!(error instanceof CoercionError)) throw error;
    return { path: error.path, message: error.message };
  }
  throw new Error(`coerced ${JSON.stringify(value)}`);
}

describe('coerce: no value', () => {
  it('leaves null and undefined out whatever the type; an empty string only for non-string fields', () => {
    for (const field of [STRING, NUMBER, BOOLEAN, DATE, DATE_TIME, int('int')]) {
      expect(coerce(null, field, 'f')).toBeUndefined();
      expect(coerce(undefined, field, 'f')).toBeUndefined();
    }
    expect([NUMBER, BOOLEAN, DATE, DATE_TIME, int('long')].map((field) => coerce('  ', field, 'f'))).toEqual([
      undefined,
      undefined,
      undefined,
      undefined,
      undefined,
    ]);
    expect(coerce('', STRING, 'f')).toBe('');
  });

  it('passes a value through untouched when the field is unknown or of any type', () => {
    const value = { a: [1] };
    expect(coerce(value, undefined, 'f')).toBe(value);
    expect(coerce(value, { kind: 'any' }, 'f')).toBe(value);
  });
});

describe('coerce: scalars', () => {
  it('turns numbers and booleans into text, and refuses objects and arrays', () => {
    expect([coerce(1.5, STRING, 'f'), coerce(false, STRING, 'f'), coerce(10n, STRING, 'f'), coerce('é😀', STRING, 'f')]).toEqual([
      '1.5',
      'false',
      '10',
      'é😀',
    ]);
    expect(refusal({}, STRING, 'person.name')).toEqual({ path: 'person.name', message: 'cannot convert an object to string for "person.name"' });
    expect(refusal([1], STRING).message).toBe('cannot convert an array to string for "f"');
  });

  it('reads integers within the width’s range, with a zero fraction allowed, and refuses the rest', () => {
    expect(coerce(' 127 ', int('byte'), 'f')).toBe(127);
    expect(coerce('-128', int('byte'), 'f')).toBe(-128);
    expect(coerce('+42.000', int('short'), 'f')).toBe(42);
    expect(coerce(2_147_483_647, int('int'), 'f')).toBe(2_147_483_647);
    expect(coerce(String(Number.MAX_SAFE_INTEGER), int('long'), 'f')).toBe(Number.MAX_SAFE_INTEGER);
    expect(coerce(5n, int('long'), 'f')).toBe(5);
    expect(refusal('128', int('byte')).message).toBe('cannot convert "128" to an integer (byte) for "f"');
    expect(refusal(32_768, int('short')).message).toBe('cannot convert 32768 to an integer (short) for "f"');
    expect(refusal('2147483648', int('int')).message).toBe('cannot convert "2147483648" to an integer (int) for "f"');
    expect(refusal('9007199254740992', int('long')).message).toBe('cannot convert "9007199254740992" to an integer (long) for "f"');
    expect(refusal('1.5', int('long')).message).toBe('cannot convert "1.5" to an integer (long) for "f"');
    expect(refusal(1.5, int('long')).message).toBe('cannot convert 1.5 to an integer (long) for "f"');
    expect(refusal('1e3', int('long')).message).toBe('cannot convert "1e3" to an integer (long) for "f"');
    expect(refusal(true, int('int')).message).toBe('cannot convert true to an integer (int) for "f"');
  });

  it('reads numbers in decimal and exponent notation, and refuses words', () => {
    expect(['3.25', ' -.5 ', '1e-3', '+7.', '2E+2'].map((v) => coerce(v, NUMBER, 'f'))).toEqual([3.25, -0.5, 0.001, 7, 200]);
    expect(coerce(12n, NUMBER, 'f')).toBe(12);
    for (const bad of ['NaN', 'Infinity', '1,5', '0x10', '1e'])
      expect(refusal(bad, NUMBER).message).toBe(`cannot convert "${bad}" to a number for "f"`);
    expect(refusal(false, NUMBER).message).toBe('cannot convert false to a number for "f"');
  });

  it('reads "true"/"false" in any case as booleans, and nothing else', () => {
    expect([coerce(' TRUE ', BOOLEAN, 'f'), coerce('False', BOOLEAN, 'f'), coerce(true, BOOLEAN, 'f')]).toEqual([true, false, true]);
    for (const bad of ['yes', '1', 't']) expect(refusal(bad, BOOLEAN).message).toBe(`cannot convert "${bad}" to a boolean for "f"`);
    expect(refusal(1, BOOLEAN).message).toBe('cannot convert 1 to a boolean for "f"');
  });

  it('shortens a long refused text to 60 characters in the message', () => {
    expect(refusal('x'.repeat(61), NUMBER).message).toBe(`cannot convert "${'x'.repeat(60)}…" to a number for "f"`);
    expect(refusal('x'.repeat(60), NUMBER).message).toBe(`cannot convert "${'x'.repeat(60)}" to a number for "f"`);
  });
});

describe('coerce: dates', () => {
  it('reads extended, basic and epoch-millisecond dates, keeping the written day whatever the offset', () => {
    expect(coerce('2024-02-29', DATE, 'f')).toBe('2024-02-29');
    expect(coerce('20240229', DATE, 'f')).toBe('2024-02-29');
    expect(coerce('2024-03-01T23:30:00-05:00', DATE, 'f')).toBe('2024-03-01');
    expect(coerce(86_400_000, DATE, 'f')).toBe('1970-01-02');
    expect(coerce('-1', DATE, 'f')).toBe('1969-12-31');
  });

  it('refuses impossible calendar dates and other shapes', () => {
    for (const bad of ['2023-02-29', '2024-13-01', '2024-04-31', '20230229', '2024-1-1', '01/02/2024']) {
      expect(refusal(bad, DATE).message).toBe(`cannot convert "${bad}" to a date for "f"`);
    }
    expect(refusal(1.5, DATE).message).toBe('cannot convert 1.5 to a date for "f"');
    expect(refusal(true, DATE).message).toBe('cannot convert true to a date for "f"');
  });

  it('reads date-times to UTC ISO text, with every offset spelling and a space for "T"', () => {
    expect(coerce('2024-05-06T07:08:09Z', DATE_TIME, 'f')).toBe('2024-05-06T07:08:09.000Z');
    expect(coerce('2024-05-06 07:08', DATE_TIME, 'f')).toBe('2024-05-06T07:08:00.000Z');
    expect(coerce('2024-05-06', DATE_TIME, 'f')).toBe('2024-05-06T00:00:00.000Z');
    expect(coerce('2024-05-06T01:00:00+02', DATE_TIME, 'f')).toBe('2024-05-05T23:00:00.000Z');
    expect(coerce('2024-05-06T01:00:00+0530', DATE_TIME, 'f')).toBe('2024-05-05T19:30:00.000Z');
    expect(coerce('2024-12-31T23:00:00-01:30', DATE_TIME, 'f')).toBe('2025-01-01T00:30:00.000Z');
    expect(coerce('2024-05-06t07:08:09z', DATE_TIME, 'f')).toBe('2024-05-06T07:08:09.000Z');
    expect(coerce(0, DATE_TIME, 'f')).toBe('1970-01-01T00:00:00.000Z');
    expect(coerce('1700000000000', DATE_TIME, 'f')).toBe('2023-11-14T22:13:20.000Z');
  });

  it('keeps fractions down to the microsecond (comma or dot) and drops what is finer', () => {
    expect(coerce('2024-05-06T07:08:09.5Z', DATE_TIME, 'f')).toBe('2024-05-06T07:08:09.500Z');
    expect(coerce('2024-05-06T07:08:09,123456Z', DATE_TIME, 'f')).toBe('2024-05-06T07:08:09.123456Z');
    expect(coerce('2024-05-06T07:08:09.123450000Z', DATE_TIME, 'f')).toBe('2024-05-06T07:08:09.12345Z');
    expect(coerce('2024-05-06T07:08:09.123000999Z', DATE_TIME, 'f')).toBe('2024-05-06T07:08:09.123Z');
  });

  it('counts every year as the proleptic Gregorian calendar does, the years 0–99 and the edges of 0–9999 too', () => {
    // Date.UTC would read 0024 as 1924, whose leap years differ (0 and 400 are leap years, 1900 is not).
    expect(coerce('0024-03-01T00:00:00Z', DATE_TIME, 'f')).toBe('0024-03-01T00:00:00.000Z');
    expect(coerce('0000-02-29', DATE, 'f')).toBe('0000-02-29');
    expect(coerce('0000-02-29T12:00:00+13:00', DATE_TIME, 'f')).toBe('0000-02-28T23:00:00.000Z');
    expect(refusal('1900-02-29', DATE).message).toBe('cannot convert "1900-02-29" to a date for "f"');
    expect(coerce('0000-01-01T00:30:00+01:00', DATE_TIME, 'f')).toBe('-000001-12-31T23:30:00.000Z');
    expect(coerce('9999-12-31T23:30:00-01:00', DATE_TIME, 'f')).toBe('+010000-01-01T00:30:00.000Z');
    // Against the Date object, set by setUTCFullYear (which takes every year as written), over many instants.
    for (let i = 0; i < 2000; i++) {
      const [y, mo, d, h, mi, s, ms] = [(i * 7919) % 10_000, (i % 12) + 1, (i % 28) + 1, i % 24, (i * 7) % 60, (i * 13) % 60, (i * 37) % 1000];
      const offset = ((i % 37) - 18) * 60 + (i % 2) * 30;
      const at = new Date(0);
      at.setUTCFullYear(y, mo - 1, d);
      at.setUTCHours(h, mi - offset, s, ms);
      const two = (n: number) => String(Math.abs(n)).padStart(2, '0');
      const zone = `${offset < 0 ? '-' : '+'}${two(Math.trunc(offset / 60))}:${two(offset % 60)}`;
      const text = `${String(y).padStart(4, '0')}-${two(mo)}-${two(d)}T${two(h)}:${two(mi)}:${two(s)}.${String(ms).padStart(3, '0')}${zone}`;
      expect(coerce(text, DATE_TIME, 'f'), text).toBe(at.toISOString());
    }
  });

  it('refuses out-of-range times and offsets', () => {
    for (const bad of ['2024-05-06T24:00:00Z', '2024-05-06T23:60Z', '2024-05-06T23:59:60Z', '2024-05-06T00:00+19:00', '2024-05-06T00:00+01:60']) {
      expect(refusal(bad, DATE_TIME).message).toBe(`cannot convert "${bad}" to a date-time for "f"`);
    }
    expect(refusal(8.64e15 + 1, DATE_TIME).message).toBe('cannot convert 8640000000000001 to a date-time for "f"');
  });
});

describe('coerce: objects, maps and arrays', () => {
  const PERSON: XdmField = {
    kind: 'object',
    properties: new Map<string, XdmField>([
      ['age', int('int')],
      ['name', STRING],
      ['tags', { kind: 'array', items: NUMBER }],
      ['scores', { kind: 'map', values: int('byte') }],
    ]),
  };

  it('converts known properties, keeps unknown ones as they are, and drops the ones with no value', () => {
    expect(coerce({ age: '42', name: 7, extra: 'x', tags: ['1', '2.5'], scores: { a: '1', b: '' } }, PERSON, 'person')).toEqual({
      age: 42,
      name: '7',
      extra: 'x',
      tags: [1, 2.5],
      scores: { a: 1 },
    });
    expect(coerce({ age: '' }, PERSON, 'person')).toEqual({});
  });

  it('keeps an array’s positions: an item with no value becomes null', () => {
    expect(coerce(['1', '', null], { kind: 'array', items: NUMBER }, 'xs')).toEqual([1, null, null]);
  });

  it('names the exact path of a value that cannot be converted', () => {
    expect(refusal({ tags: ['1', 'x'] }, PERSON, 'person')).toEqual({
      path: 'person.tags[1]',
      message: 'cannot convert "x" to a number for "person.tags[1]"',
    });
    expect(refusal({ scores: { k: '300' } }, PERSON, 'person').path).toBe('person.scores.k');
    expect(refusal({ age: 'old' }, PERSON, '').path).toBe('age');
  });

  it('never makes an array from a scalar, or an object from an array', () => {
    expect(refusal('1', { kind: 'array', items: NUMBER }, 'xs').message).toBe('cannot convert "1" to an array for "xs"');
    expect(refusal([], PERSON, 'p').message).toBe('cannot convert an array to an object for "p"');
    expect(refusal('x', { kind: 'map', values: STRING }, 'm').message).toBe('cannot convert "x" to a map for "m"');
  });
});
