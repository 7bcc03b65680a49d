import type { IngestResult } from '../../pipeline/index.js';

/** The batch error of an import that fails because some of its files could not be read. */
export const UNREADABLE_FILES = 'TRIB-IMPORT-1002';

export interface FileVerdict {
  /**
   * Failed records as the batch reports them: the failed rows, plus one for each unreadable file none of
   * whose rows were counted (how many rows such a file holds is unknown; it is at least one).
   */
  failedRecordCount: number;
  /** Set when the unreadable files fail the batch: its first error, saying which files and why it failed whole. */
  refusal: { code: string; description: string } | null;
}

/**
 * Judges an import's unreadable files. Without partial ingestion (threshold 0) any unreadable file fails the
 * batch; with it, unreadable files count as failed input against the threshold, as failed rows do.
 */
export function judgeUnreadableFiles(result: IngestResult, thresholdPercent: number): FileVerdict {
  const unreadable = result.files.filter((f) => f.error);
  const failedRecordCount = result.failedRecordCount + unreadable.filter((f) => f.failedRecordCount === 0).length;
  if (unreadable.length === 0) return { failedRecordCount, refusal: null };
  const total = result.outputRecordCount + failedRecordCount;
  const failedPercent = (failedRecordCount * 100) / total;
  if (failedPercent <= thresholdPercent) return { failedRecordCount, refusal: null };
  const names = unreadable.map((f) => f.path).join(', ');
  const share =
    thresholdPercent > 0
      ? `; ${failedPercent.toFixed(2).replace(/\.?0+$/, '')}% of the input failed, above the ${thresholdPercent}% partial ingestion allows`
      : '';
  return {
    failedRecordCount,
    refusal: {
      code: UNREADABLE_FILES,
      description: `${unreadable.length} of ${result.files.length} file(s) could not be read (${names})${share}; nothing was ingested`,
    },
  };
}
