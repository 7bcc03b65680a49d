/**
 * The most bytes one record (a line, or a JSON object of a multi-line document) may take by default. A
 * longer one cannot be split from the file without holding it whole; the file then fails as a whole
 * (FILE-5009) rather than losing rows quietly. DuckDB's CSV reader buffers about twice this per thread.
 */
export const DEFAULT_MAX_RECORD_BYTES = 8 * 1024 * 1024;

/** The most columns a delimited file may have: DuckDB's reader runs out of its memory limit past a few thousand. */
export const MAX_COLUMNS = 2048;
