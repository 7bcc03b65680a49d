import { ZonedDateTime } from '@js-joda/core';
import { describe, expect, it } from 'vitest';
import { toDate } from './datetime.js';
import { fn, failure } from './testing.js';

/** A function's date result as java.time prints it (ISO-8601 with offset and zone). */
const iso = (value: unknown) => (value instanceof ZonedDateTime ? value.toString() : value);

describe('toDate', () => {
  it('reads ISO text with or without time, zone, "T"; epoch milliseconds as numbers or long digit strings', () => {
    expect(toDate('f', '2024-05-06').toString()).toBe('2024-05-06T00:00Z');
    expect(toDate('f', ' 2024-05-06 07:08:09.5 ').toString()).toBe('2024-05-06T07:08:09.500Z');
    expect(toDate('f', '2024-05-06 07:08+02:00').toString()).toBe('2024-05-06T07:08+02:00');
    // An offset the zone does not have then keeps the instant, as java.time does.
    expect(toDate('f', '2024-05-06T07:08:09+01:00[Europe/Paris]').toString()).toBe('2024-05-06T08:08:09+02:00[Europe/Paris]');
    expect(toDate('f', 1_700_000_000_123).toString()).toBe('2023-11-14T22:13:20.123Z');
    expect(toDate('f', '-864000000').toString()).toBe('1969-12-22T00:00Z');
  });

  it('refuses short digit strings, other shapes and non-text', () => {
    expect(() => toDate('f', '12345678')).toThrow('f: cannot read "12345678" as a date');
    expect(() => toDate('f', '2024-02-30')).toThrow('f: cannot read "2024-02-30" as a date');
    expect(() => toDate('f', true)).toThrow('f: cannot read boolean as a date');
  });
});

describe('date', () => {
  it('reads text with a Java pattern; missing time is midnight, missing zone UTC', () => {
    expect(iso(fn('date')('06/05/2024', 'dd/MM/yyyy'))).toBe('2024-05-06T00:00Z');
    expect(iso(fn('date')('2024-05-06 13:14', 'yyyy-MM-dd HH:mm'))).toBe('2024-05-06T13:14Z');
    expect(iso(fn('date')('Mon, 6 May 2024 13:14:15 +0200', 'EEE, d MMM yyyy HH:mm:ss Z'))).toBe('2024-05-06T13:14:15+02:00');
  });

  it('gives the default (or null) for text that does not fit, and for null', () => {
    expect(fn('date')('not a date')).toBeNull();
    expect(fn('date')('2024-13-01', 'yyyy-MM-dd')).toBeNull();
    expect(iso(fn('date')('bad', 'yyyy', '2000-01-01'))).toBe('2000-01-01T00:00Z');
    expect(iso(fn('date')(null, null, '2000-01-01'))).toBe('2000-01-01T00:00Z');
    expect(fn('date')(null)).toBeNull();
  });

  it('fails an invalid pattern', () => {
    expect(failure('date', '2024', 'yyyy{')).toMatch(/^date: invalid date pattern "yyyy\{": /);
  });
});

describe('format and dformat', () => {
  it('format prints with a Java pattern in US English', () => {
    expect(fn('format')('2024-05-06T07:08:09Z', 'EEEE d MMMM yyyy, hh:mm a')).toBe('Monday 6 May 2024, 07:08 AM');
    expect(fn('format')('2024-12-30', "YYYY-'W'ww")).toBe('2025-W01');
    expect(fn('format')(null, 'yyyy')).toBeNull();
  });

  it('dformat prints epoch milliseconds in UTC', () => {
    expect(fn('dformat')(0, 'yyyy-MM-dd HH:mm:ss.SSS')).toBe('1970-01-01 00:00:00.000');
    expect(fn('dformat')('1700000000999', 'HH:mm:ss.SSS')).toBe('22:13:20.999');
    expect(failure('dformat', 'soon', 'yyyy')).toBe('dformat: epochMillis must be a number, got "soon"');
  });

  it('prints the offset the date carries', () => {
    expect(fn('format')('2024-05-06T00:00:00+05:30', 'XXX')).toBe('+05:30');
  });
});

describe('date_part and set_date_part', () => {
  const D = '2024-12-30T15:04:05.678Z'; // a Monday, in ISO week 1 of 2025

  it('reads each component by long or short name, in any case', () => {
    const parts = ['year', 'QQ', 'month', 'dayofyear', 'day', 'week', 'weekday', 'hour', 'hh12', 'minute', 'second', 'millisecond'];
    expect(parts.map((p) => fn('date_part')(p, D))).toEqual([2024, 4, 12, 365, 30, 1, 1, 15, 3, 4, 5, 678]);
    expect(fn('date_part')('year', null)).toBeNull();
    expect(failure('date_part', 'decade', D)).toBe('date_part: unknown date component "decade"');
  });

  it('sets a component, refusing a value out of its range', () => {
    expect(iso(fn('set_date_part')('month', 2, '2024-01-31'))).toBe('2024-02-29T00:00Z');
    expect(iso(fn('set_date_part')('hour', '23', D))).toBe('2024-12-30T23:04:05.678Z');
    expect(failure('set_date_part', 'month', 13, D)).toMatch(/^set_date_part: /);
  });
});

describe('make_date_time and zones', () => {
  it('builds a date-time from parts, defaulting time to 0 and the zone to UTC', () => {
    expect(iso(fn('make_date_time')(2024, 2, 29))).toBe('2024-02-29T00:00Z');
    expect(iso(fn('make_timestamp')(2024, 5, 6, 7, 8, 9, 1_000_000, 'America/New_York'))).toBe('2024-05-06T07:08:09.001-04:00[America/New_York]');
    expect(iso(fn('make_date_time')(2024, 5, 6, null, null, null, null, '+05:30'))).toBe('2024-05-06T00:00+05:30');
    expect(fn('make_date_time')(2024, null, 6)).toBeNull();
    expect(failure('make_date_time', 2023, 2, 29)).toMatch(/^make_date_time: /);
    expect(failure('make_date_time', 2024, 1, 1, 0, 0, 0, 0, 'Mars/Olympus')).toMatch(/unknown time zone "Mars\/Olympus"$/);
  });

  it('names the function once in an unknown-zone message', () => {
    expect(failure('make_date_time', 2024, 1, 1, 0, 0, 0, 0, 'Mars/Olympus')).toBe('make_date_time: unknown time zone "Mars/Olympus"');
  });

  it('moves a date to UTC or another zone, keeping the instant', () => {
    expect(iso(fn('zone_date_to_utc')('2024-05-06T07:08:09+02:00'))).toBe('2024-05-06T05:08:09Z');
    expect(iso(fn('zone_date_to_zone')('2024-01-15T12:00:00Z', 'Europe/Paris'))).toBe('2024-01-15T13:00+01:00[Europe/Paris]');
    expect(iso(fn('zone_date_to_zone')('2024-01-15T12:00:00Z', 'UTC'))).toBe('2024-01-15T12:00Z');
    expect(fn('zone_date_to_utc')(null)).toBeNull();
  });
});

describe('now and timestamp', () => {
  it('give the current time, as a UTC date and as epoch milliseconds', () => {
    const before = Date.now();
    const now = fn('now')() as ZonedDateTime;
    const stamp = fn('timestamp')() as number;
    const after = Date.now();
    expect(now.zone().id()).toBe('Z');
    expect(now.toInstant().toEpochMilli()).toBeGreaterThanOrEqual(before);
    expect(stamp).toBeLessThanOrEqual(after);
    expect(stamp).toBeGreaterThanOrEqual(before);
  });
});
