import { describe, expect, it } from 'vitest';
import { parseCadence } from './cron.js';

const at = (iso: string) => new Date(iso);

describe('a schedule cadence', () => {
  it('gives the first slot after a moment, not before the start nor past the end', () => {
    const everyMinute = parseCadence('* * * * *');
    const start = at('2026-01-01T00:00:00Z');
    expect(everyMinute.nextAfter(at('2026-01-01T00:10:30Z'), start, null)).toEqual(at('2026-01-01T00:11:00Z'));
    // A slot on the start itself is the first one; none before it.
    expect(everyMinute.nextAfter(at('2025-12-31T00:00:00Z'), start, null)).toEqual(start);
    expect(everyMinute.nextAfter(at('2026-01-01T00:10:30Z'), start, at('2026-01-01T00:10:45Z'))).toBeNull();
    expect(parseCadence('30 * * * *').nextAfter(at('2026-01-01T00:30:00Z'), start, null)).toEqual(at('2026-01-01T01:30:00Z'));
  });

  it('reads the shorthands, @once as the start date only, and Quartz-style question marks', () => {
    const start = at('2026-03-01T12:00:00Z');
    expect(parseCadence('@daily').nextAfter(at('2026-03-05T10:00:00Z'), start, null)).toEqual(at('2026-03-06T00:00:00Z'));
    expect(parseCadence('@once').nextAfter(at('2026-02-01T00:00:00Z'), start, null)).toEqual(start);
    expect(parseCadence('@once').nextAfter(start, start, null)).toBeNull();
    expect(parseCadence('0 0 ? * MON').nextAfter(at('2026-03-04T00:00:00Z'), start, null)).toEqual(at('2026-03-09T00:00:00Z'));
  });

  it('refuses what is not a cadence, with the code of a bad cron', () => {
    for (const bad of ['', '61 * * * *', 'every day', 42]) expect(() => parseCadence(bad)).toThrow(expect.objectContaining({ code: 'QS-1004' }));
  });
});
