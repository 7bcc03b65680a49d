/** One record read from a source file, or the reason it could not be read. */
export interface SourceRecord {
  /** Data rows count from 1 within the file (a header line is not a data row). */
  row: number;
  values: Record<string, unknown> | null;
  error?: { code: string; message: string };
}

/** Records come in batches so the stages after the reader pay per batch, not per row. */
export type RecordBatches = AsyncIterable<SourceRecord[]>;

export const BATCH_SIZE = 2048;
