/**
 * Partial ingestion: a batch may land while the share of failed records stays at or under a
 * threshold, and fails whole above it. The threshold comes from the dataset's (or batch's) Catalog
 * tag `acp_partialIngestionPercent` — tag values are lists of strings, e.g. `["10"]`.
 */
export const PARTIAL_INGESTION_TAG = 'acp_partialIngestionPercent';

/** The threshold (0–100) a tag set asks for, or undefined when it names none (or an unusable one). */
export function partialIngestionPercent(tags: Record<string, unknown> | undefined | null): number | undefined {
  const raw = tags?.[PARTIAL_INGESTION_TAG];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined || value === null || value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 && n <= 100 ? n : undefined;
}

export interface PartialIngestionVerdict {
  thresholdPercent: number;
  /** Failed records as a share of the records read, in percent. */
  failedPercent: number;
  /** True when the failed share is above the threshold: the whole batch must fail. */
  exceeded: boolean;
}

export function judgePartialIngestion(thresholdPercent: number, inputRecords: number, failedRecords: number): PartialIngestionVerdict {
  const failedPercent = inputRecords === 0 ? 0 : (failedRecords / inputRecords) * 100;
  return { thresholdPercent, failedPercent, exceeded: failedPercent > thresholdPercent };
}
