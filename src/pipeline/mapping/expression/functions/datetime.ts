import {
  ChronoField,
  DateTimeFormatter,
  Instant,
  IsoFields,
  LocalDate,
  LocalDateTime,
  TemporalQueries,
  ZonedDateTime,
  ZoneId,
  ZoneOffset,
} from '@js-joda/core';
import '@js-joda/timezone';
import '@js-joda/locale_en-us';
import { Locale } from '@js-joda/locale';
import { MappingError } from '../ast.js';
import { fnError, integer, isDate, number, p, text, type FunctionDef } from './define.js';

/**
 * Date and time functions. Values are java.time-like ZonedDateTime objects (js-joda), patterns are
 * Java DateTimeFormatter patterns, zones are IANA names or offsets. A date without a zone is UTC.
 */

const CATEGORY = 'Date / Time';
const formatters = new Map<string, DateTimeFormatter>();

function formatter(fn: string, pattern: string): DateTimeFormatter {
  let f = formatters.get(pattern);
  if (!f) {
    try {
      f = DateTimeFormatter.ofPattern(pattern).withLocale(Locale.US);
    } catch (error) {
      throw fnError(fn, `invalid date pattern ${JSON.stringify(pattern)}: ${(error as Error).message}`);
    }
    if (formatters.size > 1000) formatters.clear();
    formatters.set(pattern, f);
  }
  return f;
}

export function zone(fn: string, value: unknown): ZoneId {
  const name = text(fn, value, 'zone');
  try {
    return ZoneId.of(name === 'UTC' || name === 'Z' ? 'Z' : name);
  } catch {
    throw fnError(fn, `unknown time zone ${JSON.stringify(name)}`);
  }
}

const ISO_SPACE = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?)(.*)$/;

/** A date from text in one of the ISO-8601 shapes; null when the text is none of them. */
function parseIso(input: string): ZonedDateTime | null {
  const textValue = input.trim();
  const attempts: Array<() => ZonedDateTime> = [
    () => ZonedDateTime.parse(textValue),
    () => ZonedDateTime.parse(textValue.replace(ISO_SPACE, '$1T$2$3')),
    () => LocalDateTime.parse(textValue.replace(ISO_SPACE, '$1T$2')).atZone(ZoneOffset.UTC),
    () => LocalDate.parse(textValue).atStartOfDay(ZoneOffset.UTC),
  ];
  for (const attempt of attempts) {
    try {
      return attempt();
    } catch {
      // next shape
    }
  }
  return null;
}

/** A date from a date, an epoch-milliseconds number, or ISO text; throws for anything else. */
export function toDate(fn: string, value: unknown): ZonedDateTime {
  if (isDate(value)) return value;
  if (typeof value === 'number') return ZonedDateTime.ofInstant(Instant.ofEpochMilli(Math.trunc(value)), ZoneOffset.UTC);
  if (typeof value === 'string') {
    if (/^-?\d{9,}$/.test(value.trim())) return ZonedDateTime.ofInstant(Instant.ofEpochMilli(Number(value.trim())), ZoneOffset.UTC);
    const parsed = parseIso(value);
    if (parsed) return parsed;
  }
  throw fnError(fn, `cannot read ${typeof value === 'string' ? JSON.stringify(value) : typeof value} as a date`);
}

/** Parses text with a Java pattern; missing parts default (time to midnight, zone to UTC). */
function parseWith(fn: string, input: string, pattern: string): ZonedDateTime | null {
  const f = formatter(fn, pattern);
  try {
    const parsed = f.parse(input);
    const date = parsed.query(TemporalQueries.localDate());
    if (!date) return null;
    const time = parsed.query(TemporalQueries.localTime());
    const zoneId = parsed.query(TemporalQueries.zone()) ?? ZoneOffset.UTC;
    return time ? ZonedDateTime.of(date, time, zoneId) : date.atStartOfDay(zoneId);
  } catch {
    return null;
  }
}

const PARTS: Record<string, ChronoField | 'quarter' | 'week' | 'hour12'> = {
  year: ChronoField.YEAR,
  yyyy: ChronoField.YEAR,
  yy: ChronoField.YEAR,
  quarter: 'quarter',
  qq: 'quarter',
  q: 'quarter',
  month: ChronoField.MONTH_OF_YEAR,
  mm: ChronoField.MONTH_OF_YEAR,
  m: ChronoField.MONTH_OF_YEAR,
  dayofyear: ChronoField.DAY_OF_YEAR,
  dy: ChronoField.DAY_OF_YEAR,
  y: ChronoField.DAY_OF_YEAR,
  day: ChronoField.DAY_OF_MONTH,
  dd: ChronoField.DAY_OF_MONTH,
  d: ChronoField.DAY_OF_MONTH,
  week: 'week',
  ww: 'week',
  w: 'week',
  weekday: ChronoField.DAY_OF_WEEK,
  dw: ChronoField.DAY_OF_WEEK,
  hour: ChronoField.HOUR_OF_DAY,
  hh24: ChronoField.HOUR_OF_DAY,
  hh: ChronoField.HOUR_OF_DAY,
  hh12: 'hour12',
  minute: ChronoField.MINUTE_OF_HOUR,
  mi: ChronoField.MINUTE_OF_HOUR,
  n: ChronoField.MINUTE_OF_HOUR,
  second: ChronoField.SECOND_OF_MINUTE,
  ss: ChronoField.SECOND_OF_MINUTE,
  s: ChronoField.SECOND_OF_MINUTE,
  millisecond: ChronoField.MILLI_OF_SECOND,
  sss: ChronoField.MILLI_OF_SECOND,
};

function part(fn: string, value: unknown): ChronoField | 'quarter' | 'week' | 'hour12' {
  const name = text(fn, value, 'component');
  const found = PARTS[name.toLowerCase()];
  if (!found) throw fnError(fn, `unknown date component ${JSON.stringify(name)}`);
  return found;
}

const nullIn = (value: unknown) => value === null || value === undefined;

export const DATETIME_FUNCTIONS: FunctionDef[] = [
  {
    name: 'now',
    category: CATEGORY,
    description: 'The current date and time, in UTC.',
    syntax: 'ZonedDateTime now()',
    returns: 'The current time.',
    returnType: 'java.time.ZonedDateTime',
    example: 'now()',
    result: '"2021-10-26T10:10:24Z"',
    params: [],
    volatile: true,
    impl: () => ZonedDateTime.now(ZoneOffset.UTC),
  },
  {
    name: 'timestamp',
    category: CATEGORY,
    description: 'The current time as milliseconds since the Unix epoch.',
    syntax: 'long timestamp()',
    returns: 'Epoch milliseconds.',
    returnType: 'java.lang.Long',
    example: 'timestamp()',
    result: '1571850624571',
    params: [],
    volatile: true,
    impl: () => Date.now(),
  },
  {
    name: 'format',
    category: CATEGORY,
    description: 'Formats a date with a Java DateTimeFormatter pattern.',
    syntax: 'String format(ZonedDateTime, String)',
    returns: 'The formatted date, or null for a null date.',
    returnType: 'java.lang.String',
    example: 'format(date("2019-10-23T11:24:35Z"), "yyyy-MM-dd HH:mm:ss")',
    result: '"2019-10-23 11:24:35"',
    params: [p('date', 'date', 'The date.'), p('format', 'string', 'A DateTimeFormatter pattern.')],
    impl: (args) => {
      if (nullIn(args[0])) return null;
      const f = formatter('format', text('format', args[1], 'format'));
      try {
        return toDate('format', args[0]).format(f);
      } catch (error) {
        throw fnError('format', (error as Error).message);
      }
    },
  },
  {
    name: 'dformat',
    category: CATEGORY,
    description: 'Formats epoch milliseconds (UTC) with a Java DateTimeFormatter pattern.',
    syntax: 'String dformat(long, String)',
    returns: 'The formatted date, or null for a null input.',
    returnType: 'java.lang.String',
    example: `dformat(1571829875000, "yyyy-MM-dd'T'HH:mm:ss.SSSX")`,
    result: '"2019-10-23T11:24:35.000Z"',
    params: [p('epochMillis', 'integer', 'Milliseconds since the Unix epoch.'), p('format', 'string', 'A DateTimeFormatter pattern.')],
    impl: (args) => {
      if (nullIn(args[0])) return null;
      const ms = number('dformat', args[0], 'epochMillis');
      const f = formatter('dformat', text('dformat', args[1], 'format'));
      try {
        return ZonedDateTime.ofInstant(Instant.ofEpochMilli(Math.trunc(ms)), ZoneOffset.UTC).format(f);
      } catch (error) {
        throw fnError('dformat', (error as Error).message);
      }
    },
  },
  {
    name: 'date',
    category: CATEGORY,
    description:
      'Reads a date from a string: ISO-8601 when no pattern is given, else with a Java DateTimeFormatter pattern. A string that does not fit gives the default (third argument) or null.',
    syntax: 'ZonedDateTime date(String, String, ZonedDateTime)',
    returns: 'The date, or the default date (null when none) if the string cannot be read.',
    returnType: 'java.time.ZonedDateTime',
    example: 'date("2019-10-23 11:24", "yyyy-MM-dd HH:mm", now())',
    result: '"2019-10-23T11:24:00Z"',
    params: [
      p('date', 'string', 'The text of the date.'),
      p('format', 'string', 'A DateTimeFormatter pattern.', { optional: true }),
      p('default', 'date', 'Returned when the text cannot be read.', { optional: true }),
    ],
    impl: (args) => {
      const fallback = nullIn(args[2]) ? null : toDate('date', args[2]);
      if (nullIn(args[0])) return fallback;
      if (isDate(args[0]) || typeof args[0] === 'number') return toDate('date', args[0]);
      const input = text('date', args[0], 'date');
      const parsed = nullIn(args[1]) ? parseIso(input) : parseWith('date', input, text('date', args[1], 'format'));
      return parsed ?? fallback;
    },
  },
  {
    name: 'date_part',
    category: CATEGORY,
    description:
      'One component of a date: year, quarter, month, dayofyear, day, week, weekday, hour, minute, second or millisecond (and their short forms yyyy, qq, mm, dy, dd, ww, dw, hh, mi, ss, SSS).',
    syntax: 'int date_part(String, ZonedDateTime)',
    returns: 'The component as an integer, or null for a null date.',
    returnType: 'java.lang.Integer',
    example: 'date_part("MM", date("2019-10-17 11:55:12"))',
    result: '10',
    params: [p('component', 'string', 'Which part of the date.'), p('date', 'date', 'The date.')],
    impl: (args) => {
      if (nullIn(args[1])) return null;
      const which = part('date_part', args[0]);
      const date = toDate('date_part', args[1]);
      if (which === 'quarter') return date.get(IsoFields.QUARTER_OF_YEAR);
      if (which === 'week') return date.get(IsoFields.WEEK_OF_WEEK_BASED_YEAR);
      if (which === 'hour12') return date.get(ChronoField.CLOCK_HOUR_OF_AMPM);
      return date.get(which);
    },
  },
  {
    name: 'set_date_part',
    category: CATEGORY,
    description: 'A copy of a date with one component replaced (components as for date_part).',
    syntax: 'ZonedDateTime set_date_part(String, Integer, ZonedDateTime)',
    returns: 'The changed date, or null for a null date.',
    returnType: 'java.time.ZonedDateTime',
    example: 'set_date_part("m", 4, date("2016-11-09T11:44:44.797Z"))',
    result: '"2016-04-09T11:44:44.797Z"',
    params: [p('component', 'string', 'Which part to set.'), p('value', 'integer', 'Its new value.'), p('date', 'date', 'The date.')],
    impl: (args) => {
      if (nullIn(args[2])) return null;
      const which = part('set_date_part', args[0]);
      const value = integer('set_date_part', args[1], 'value');
      const date = toDate('set_date_part', args[2]);
      try {
        if (which === 'quarter') return date.with(IsoFields.QUARTER_OF_YEAR, value);
        if (which === 'week') return date.with(IsoFields.WEEK_OF_WEEK_BASED_YEAR, value);
        if (which === 'hour12') return date.with(ChronoField.CLOCK_HOUR_OF_AMPM, value);
        return date.with(which, value);
      } catch (error) {
        throw fnError('set_date_part', (error as Error).message);
      }
    },
  },
  {
    name: 'make_date_time',
    aliases: ['make_timestamp'],
    category: CATEGORY,
    description: 'A date built from its parts: year, month, day, hour, minute, second, nanosecond and time zone (default UTC).',
    syntax: 'ZonedDateTime make_date_time(Integer, Integer, Integer, Integer, Integer, Integer, Integer, String)',
    returns: 'The date.',
    returnType: 'java.time.ZonedDateTime',
    example: 'make_date_time(2019, 10, 17, 11, 55, 12, 999, "America/Los_Angeles")',
    result: '"2019-10-17T11:55:12.000000999-07:00"',
    params: [
      p('year', 'integer', 'Four digits.'),
      p('month', 'integer', '1 to 12.'),
      p('day', 'integer', '1 to 31.'),
      p('hour', 'integer', '0 to 23 (default 0).', { optional: true }),
      p('minute', 'integer', '0 to 59 (default 0).', { optional: true }),
      p('second', 'integer', '0 to 59 (default 0).', { optional: true }),
      p('nanosecond', 'integer', '0 to 999,999,999 (default 0).', { optional: true }),
      p('timezone', 'string', 'An IANA zone or an offset.', { optional: true }),
    ],
    impl: (args) => {
      const parts = args
        .slice(0, 7)
        .map((a, i) =>
          nullIn(a) ? (i < 3 ? null : 0) : integer('make_date_time', a, ['year', 'month', 'day', 'hour', 'minute', 'second', 'nanosecond'][i]),
        );
      if (parts.length < 3 || parts.some((v) => v === null)) return null;
      const [y, mo, d, h = 0, mi = 0, s = 0, ns = 0] = parts as number[];
      try {
        return ZonedDateTime.of(y!, mo!, d!, h, mi, s, ns, nullIn(args[7]) ? ZoneOffset.UTC : zone('make_date_time', args[7]));
      } catch (error) {
        // A zone the function itself refused already names it.
        if (error instanceof MappingError) throw error;
        throw fnError('make_date_time', (error as Error).message);
      }
    },
  },
  {
    name: 'zone_date_to_utc',
    category: CATEGORY,
    description: 'The same instant expressed in UTC.',
    syntax: 'ZonedDateTime zone_date_to_utc(ZonedDateTime)',
    returns: 'The date in UTC, or null for a null date.',
    returnType: 'java.time.ZonedDateTime',
    example: 'zone_date_to_utc(date("2019-10-17T11:55:12-08:00"))',
    result: '"2019-10-17T19:55:12Z"',
    params: [p('date', 'date', 'The date.')],
    impl: (args) => (nullIn(args[0]) ? null : toDate('zone_date_to_utc', args[0]).withZoneSameInstant(ZoneOffset.UTC)),
  },
  {
    name: 'zone_date_to_zone',
    category: CATEGORY,
    description: 'The same instant expressed in another time zone.',
    syntax: 'ZonedDateTime zone_date_to_zone(ZonedDateTime, String)',
    returns: 'The date in that zone, or null for a null date.',
    returnType: 'java.time.ZonedDateTime',
    example: 'zone_date_to_zone(date("2019-10-17T11:55:12Z"), "Europe/Paris")',
    result: '"2019-10-17T13:55:12+02:00"',
    params: [p('date', 'date', 'The date.'), p('zone', 'string', 'An IANA zone or an offset.')],
    impl: (args) => (nullIn(args[0]) ? null : toDate('zone_date_to_zone', args[0]).withZoneSameInstant(zone('zone_date_to_zone', args[1]))),
  },
];
