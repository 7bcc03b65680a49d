import { rootField } from './xdm-fields.js';

/** The XDM behavior a time-series class extends (ExperienceEvent's); a resolved schema lists it in `meta:extends`. */
const TIME_SERIES = 'https://ns.adobe.com/xdm/data/time-series';
/** The field a time-series record is placed in time by (XDM requires it of every time-series class). */
const TIMESTAMP = 'timestamp';

export function isTimeSeries(schema: Record<string, unknown>): boolean {
  const extended = schema['meta:extends'];
  return Array.isArray(extended) && extended.includes(TIME_SERIES);
}

/**
 * The top-level date-time column a time-series schema's rows are split by day of (their dataset's Iceberg table is
 * partitioned by it), or null for any other schema.
 */
export function dayPartitionColumn(schema: Record<string, unknown>): string | null {
  if (!isTimeSeries(schema)) return null;
  return rootField(schema).properties.get(TIMESTAMP)?.kind === 'date-time' ? TIMESTAMP : null;
}
