import { describe, expect, it } from 'vitest';
import { ServiceError } from '../errors.js';
import { booleanish, firstRunAt, nextRunAfter, parseSchedule, periodSeconds, renderSchedule, type Schedule } from './schedule.js';

function rejection(raw: unknown): { kind: string; message: string } {
  try {
    parseSchedule(raw);
  } catch (error) {
    if (!(error instanceof ServiceError)) throw error;
    return { kind: error.kind, message: error.message };
  }
  throw new Error('parseSchedule accepted it');
}

const HOURLY = parseSchedule({ frequency: 'hour', interval: 2, startTime: 1_000 });

describe('parseSchedule', () => {
  it('reads no schedule, or an empty one, as a single run with no start time', () => {
    expect(parseSchedule(undefined)).toEqual({ frequency: 'once', startTime: null });
    expect(parseSchedule(null)).toEqual({ frequency: 'once', startTime: null });
    expect(parseSchedule({})).toEqual({ frequency: 'once', startTime: null });
  });

  it('accepts the numbers and booleans AEP bodies send as strings, and any case of the frequency', () => {
    expect(parseSchedule({ frequency: 'MINUTE', interval: ' 15 ', startTime: '1589398646', backfill: 'false' })).toEqual({
      frequency: 'minute',
      startTime: 1_589_398_646,
      interval: 15,
      backfill: false,
      endTime: null,
    });
    expect(parseSchedule({ frequency: 'once', startTime: '0' })).toEqual({ frequency: 'once', startTime: 0 });
  });

  it('defaults backfill to true and keeps an end time after the start', () => {
    expect(parseSchedule({ frequency: 'week', interval: 1, startTime: 10, endTime: 11 })).toEqual({
      frequency: 'week',
      startTime: 10,
      interval: 1,
      backfill: true,
      endTime: 11,
    });
  });

  it('treats an empty string like an absent value', () => {
    expect(parseSchedule({ frequency: 'day', interval: 1, startTime: 5, endTime: '' })).toMatchObject({ endTime: null });
  });

  it('refuses minute schedules under 15 minutes, and other periods under 1', () => {
    expect(rejection({ frequency: 'minute', interval: 14, startTime: 1 })).toEqual({
      kind: 'invalid',
      message: 'scheduleParams.interval must be at least 15 when frequency is minute',
    });
    expect(parseSchedule({ frequency: 'minute', interval: 15, startTime: 1 })).toMatchObject({ interval: 15 });
    expect(rejection({ frequency: 'hour', interval: 0, startTime: 1 }).message).toBe(
      'scheduleParams.interval must be at least 1 when frequency is hour',
    );
  });

  it('names what is wrong with a bad schedule', () => {
    expect(rejection('daily').message).toBe('scheduleParams must be an object');
    expect(rejection([]).message).toBe('scheduleParams must be an object');
    expect(rejection({ frequency: 'month', interval: 1, startTime: 1 }).message).toBe(
      'scheduleParams.frequency must be one of once, minute, hour, day, week; got "month"',
    );
    expect(rejection({ frequency: 'day', startTime: 1 }).message).toBe('scheduleParams.interval is required when frequency is day');
    expect(rejection({ frequency: 'day', interval: 1 }).message).toBe('scheduleParams.startTime (epoch seconds) is required for a periodic schedule');
    expect(rejection({ startTime: -1 }).message).toBe('scheduleParams.startTime must be epoch seconds');
    expect(rejection({ startTime: '1.5' }).message).toBe('scheduleParams.startTime must be an integer, got "1.5"');
    expect(rejection({ startTime: 2 ** 53 }).message).toBe(`scheduleParams.startTime must be an integer, got ${2 ** 53}`);
    expect(rejection({ frequency: 'day', interval: 1, startTime: 10, endTime: 10 }).message).toBe('scheduleParams.endTime must be after startTime');
    expect(rejection({ frequency: 'day', interval: 1, startTime: 10, backfill: 'yes' }).message).toBe(
      'scheduleParams.backfill must be true or false, got "yes"',
    );
  });
});

describe('booleanish', () => {
  it('takes booleans and their spellings, falls back on absence, refuses the rest', () => {
    expect([booleanish(true, 'x', false), booleanish('true', 'x', false), booleanish('false', 'x', true), booleanish(null, 'x', true)]).toEqual([
      true,
      true,
      false,
      true,
    ]);
    expect(() => booleanish('TRUE', 'flag', false)).toThrow('flag must be true or false, got "TRUE"');
    expect(() => booleanish(1, 'flag', false)).toThrow('flag must be true or false, got 1');
  });
});

describe('renderSchedule', () => {
  it('shows startTime as a number, interval as a string (as the spec does) and leaves out what was not given', () => {
    expect(renderSchedule(parseSchedule({ frequency: 'hour', interval: 2, startTime: '1000' }))).toEqual({
      startTime: 1000,
      frequency: 'hour',
      interval: '2',
      backfill: true,
    });
    expect(renderSchedule({ frequency: 'once', startTime: null })).toEqual({ frequency: 'once' });
    expect(renderSchedule({ frequency: 'once', startTime: 7 })).toEqual({ frequency: 'once', startTime: 7 });
    expect(renderSchedule(parseSchedule({ frequency: 'day', interval: 1, startTime: 1, endTime: 2 }))).toMatchObject({ endTime: 2 });
  });
});

describe('schedule arithmetic', () => {
  it('computes the period in seconds from unit and interval', () => {
    const periodic = (frequency: 'minute' | 'hour' | 'day' | 'week', interval: number) =>
      periodSeconds({ frequency, interval, startTime: 0, backfill: true, endTime: null });
    expect([periodic('minute', 15), periodic('hour', 2), periodic('day', 1), periodic('week', 3)]).toEqual([900, 7200, 86_400, 1_814_400]);
  });

  it('runs the first time at the start time, or at once when it has passed or is absent', () => {
    expect(firstRunAt(HOURLY, 0)).toBe(1_000_000);
    expect(firstRunAt(HOURLY, 5_000_000)).toBe(5_000_000);
    expect(firstRunAt({ frequency: 'once', startTime: null }, 42)).toBe(42);
  });

  it('finds the next slot strictly after a time, on the start + k·period grid', () => {
    // Start 1,000 s, period 7,200 s.
    expect(nextRunAfter(HOURLY, 0)).toBe(1_000_000);
    expect(nextRunAfter(HOURLY, 999_999)).toBe(1_000_000);
    expect(nextRunAfter(HOURLY, 1_000_000)).toBe(8_200_000);
    expect(nextRunAfter(HOURLY, 8_199_999)).toBe(8_200_000);
    expect(nextRunAfter(HOURLY, 8_200_000)).toBe(15_400_000);
    // Missed slots collapse: far in the future, the next slot is the one after now, not the first missed one.
    expect(nextRunAfter(HOURLY, 1_000_000 + 7_200_000 * 100 + 1)).toBe(1_000_000 + 7_200_000 * 101);
  });

  it('stops at the end time (a slot exactly at the end still runs) and never repeats a single run', () => {
    const ending: Schedule = { frequency: 'hour', interval: 2, startTime: 1_000, backfill: true, endTime: 8_200 };
    expect(nextRunAfter(ending, 1_000_000)).toBe(8_200_000);
    expect(nextRunAfter(ending, 8_200_000)).toBeNull();
    expect(nextRunAfter({ frequency: 'once', startTime: 1 }, 0)).toBeNull();
  });
});
