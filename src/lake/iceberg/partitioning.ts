import type { IcebergStruct } from './schema.js';

/**
 * Iceberg partition specs (spec: "Partitioning") as Tributary writes them: an unpartitioned spec, or for
 * time-series datasets one field, the day of the top-level `timestamp`. A data file's partition is a record of
 * the spec's field values by name; the `day` transform's value is the count of days from 1970-01-01 (UTC), an int.
 */

export interface PartitionField {
  'source-id': number;
  'field-id': number;
  name: string;
  transform: string;
}

export interface PartitionSpec {
  'spec-id': number;
  fields: PartitionField[];
}

/** A data file's partition tuple, by partition field name; null where the source value was null. */
export type PartitionValues = Record<string, number | null>;

/** Partition field ids start here (spec); `last-partition-id` of an unpartitioned table is one below. */
export const FIRST_PARTITION_FIELD_ID = 1000;

/** The time-series partition: the top-level field it is computed from and the name of its partition field. */
export const TIMESTAMP_COLUMN = 'timestamp';
export const TIMESTAMP_DAY = 'timestamp_day';

export const UNPARTITIONED: readonly PartitionField[] = [];

/** The day-of-`timestamp` spec fields for a table schema, or none when the schema has no top-level timestamp. */
export function dayOfTimestampFields(struct: IcebergStruct): PartitionField[] {
  const source = struct.fields.find((f) => f.name === TIMESTAMP_COLUMN && f.type === 'timestamptz');
  if (!source) return [];
  return [{ 'source-id': source.id, 'field-id': FIRST_PARTITION_FIELD_ID, name: TIMESTAMP_DAY, transform: 'day' }];
}

/**
 * The Avro type of a partition field's value. `day` gives days from 1970-01-01: an int, annotated as a date the way
 * Iceberg's Java writer annotates it (its day transform's result type is `date`), so readers of either view agree.
 */
export function partitionValueAvroType(field: PartitionField): unknown {
  if (field.transform !== 'day') throw new Error(`partition transform ${field.transform} is not written by Tributary`);
  return ['null', { type: 'int', logicalType: 'date' }];
}

/** One `field_summary` of a manifest list entry: over the partition values of a manifest's files, for one field. */
export interface FieldSummary {
  containsNull: boolean;
  containsNan: boolean | null;
  lowerBound: Buffer | null;
  upperBound: Buffer | null;
}

/** An int's single-value binary serialisation (spec Appendix D): 4 bytes, little-endian. */
export function intBound(value: number): Buffer {
  const bytes = Buffer.alloc(4);
  bytes.writeInt32LE(value);
  return bytes;
}

/** The partition summaries of a manifest's files, one per spec field in spec order. */
export function partitionSummaries(fields: readonly PartitionField[], partitions: Array<PartitionValues | undefined>): FieldSummary[] {
  return fields.map((field) => {
    let lower: number | null = null;
    let upper: number | null = null;
    let containsNull = false;
    for (const partition of partitions) {
      const value = partition?.[field.name] ?? null;
      if (value === null) {
        containsNull = true;
        continue;
      }
      lower = lower === null ? value : Math.min(lower, value);
      upper = upper === null ? value : Math.max(upper, value);
    }
    // An int field has no NaN; the spec asks writers to leave contains_nan out for such types.
    return {
      containsNull,
      containsNan: null,
      lowerBound: lower === null ? null : intBound(lower),
      upperBound: upper === null ? null : intBound(upper),
    };
  });
}

/** The partition a spec gives a data file: each spec field's value (null when the file has none). */
export function partitionFor(fields: readonly PartitionField[], partition: PartitionValues | undefined): PartitionValues {
  return Object.fromEntries(fields.map((f) => [f.name, partition?.[f.name] ?? null]));
}
