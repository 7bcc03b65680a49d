/**
 * Partial ingestion: a batch may land while the share of failed input stays at or under a threshold,
 * and fails whole above it. The threshold comes from the dataset's (or batch's) Catalog tag
 * `acp_partialIngestionPercent` — tag values are lists of strings, e.g. `["10"]` — or a flow's option.
 * This is the one place the rule is written: Catalog applies it when a batch is finished, for flow
 * runs and for the Batch Ingestion API alike.
 */
export const PARTIAL_INGESTION_TAG = 'acp_partialIngestionPercent';

/** The one error code of a batch refused by the rule. */
export const PARTIAL_INGESTION_EXCEEDED = 'TRIB-BATCH-1004';

/** The threshold (0–100) a tag set asks for, or undefined when it names none (or an unusable one). */
export function partialIngestionPercent(tags: Record<string, unknown> | undefined | null): number | undefined {
  const raw = tags?.[PARTIAL_INGESTION_TAG];
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (value === undefined || value === null || value === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 && n <= 100 ? n : undefined;
}

export interface PartialIngestionInput {
  /** Undefined: no threshold, any failures are accepted while something lands. */
  thresholdPercent: number | undefined;
  outputRecords: number;
  failedRecords: number;
  /** The files that failed whole, and how many of their records were counted as failed (often none). */
  failedFiles?: ReadonlyArray<{ path: string; failedRecordCount: number }>;
  /** Files in the batch, for the message. */
  fileCount?: number;
}

export interface PartialIngestionVerdict {
  thresholdPercent: number | undefined;
  /**
   * Failed records as the batch reports them: the failed rows, plus one for each file that failed whole
   * with none of its rows counted (how many rows such a file holds is unknown; it is at least one).
   */
  failedRecordCount: number;
  /** Failed input as a share of all input, in percent. */
  failedPercent: number;
  /** True when the failed share is above the threshold: the whole batch must fail. */
  exceeded: boolean;
  /** The batch error saying why, when exceeded. */
  refusal: { code: string; description: string } | null;
}

const percentText = (n: number) => n.toFixed(2).replace(/\.?0+$/, '');

export function judgePartialIngestion(input: PartialIngestionInput): PartialIngestionVerdict {
  const failedFiles = input.failedFiles ?? [];
  const failedRecordCount = input.failedRecords + failedFiles.filter((f) => f.failedRecordCount === 0).length;
  const total = input.outputRecords + failedRecordCount;
  const failedPercent = total === 0 ? 0 : (failedRecordCount * 100) / total;
  const threshold = input.thresholdPercent;
  const exceeded = threshold !== undefined && failedRecordCount > 0 && failedPercent > threshold;
  const verdict = { thresholdPercent: threshold, failedRecordCount, failedPercent, exceeded };
  if (!exceeded) return { ...verdict, refusal: null };
  const files =
    failedFiles.length > 0
      ? `${failedFiles.length}${input.fileCount !== undefined ? ` of ${input.fileCount}` : ''} file(s) could not be read (${failedFiles.map((f) => f.path).join(', ')}); `
      : '';
  const allowed = threshold === 0 ? 'partial ingestion is off (0% allowed)' : `above the ${threshold}% partial ingestion allows`;
  return {
    ...verdict,
    refusal: {
      code: PARTIAL_INGESTION_EXCEEDED,
      description: `${files}${percentText(failedPercent)}% of the input failed (${failedRecordCount} of ${total} records), ${allowed}; nothing was ingested`,
    },
  };
}
