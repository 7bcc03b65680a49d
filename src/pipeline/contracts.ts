import type { Readable } from 'node:stream';

/**
 * The pipeline's inputs and outputs. A run (Flow Service) or an upload (Batch Ingestion) hands
 * the pipeline source files, a format, a mapping and a target schema; the pipeline writes valid
 * rows as Parquet into a staging folder and reports every failed row.
 */

/** How the source files are encoded (a source connection's `data.format` and `data.properties`). */
export interface SourceFormat {
  format: 'delimited' | 'json' | 'parquet';
  /** Single character; default ",". */
  columnDelimiter?: string;
  /** Default "UTF-8"; "ISO-8859-1" allowed for delimited files. */
  encoding?: string;
  compressionType?: 'bzip2' | 'gzip' | 'deflate' | 'zipDeflate' | 'tarGzip' | 'tar';
  /** Delimited files: first line holds the column names (default true). */
  header?: boolean;
  isMultiLineJson?: boolean;
  /** Delimited files: the quote character (default `"`). */
  quoteChar?: string;
  /** Delimited files: the character escaping a quote inside quotes (default: the quote itself, as in RFC 4180). */
  escapeChar?: string;
}

export interface SourceFile {
  /** The path the connector gave, kept in row errors and run manifests. */
  path: string;
  size: number;
  open(): Promise<Readable>;
  /**
   * The file's path on the local disk when its storage has one (a local folder): a plain file is
   * then read where it lies, not copied first. Null or absent: the file is copied through `open`.
   */
  localPath?(): Promise<string | null>;
}

/** One mapping in the normalised form (both AEP request forms are turned into this). */
export interface FieldMapping {
  sourceType: 'ATTRIBUTE' | 'EXPRESSION' | 'STATIC';
  /** Column name, expression text or static value. */
  source: string;
  /** XDM path with dots, e.g. "person.name.firstName" or "_id". */
  destination: string;
  /** Identity mapping: the value also goes to identityMap[namespaceCode]. */
  identity?: { namespaceCode: string; primary?: boolean };
}

/** A row that did not make it, and why. Row numbers count data rows from 1 within the file. */
export interface RowError {
  file: string;
  row: number;
  /** e.g. "PARSE-1001", "MAPPER-2001", "TYPE-3001", "XDM-4001". */
  code: string;
  message: string;
  /** The XDM path or source column concerned, when there is one. */
  field?: string;
}

/** A resolved XDM schema (`xed-full`: one `properties` tree) and a check of one row against it. */
export interface TargetSchema {
  schema: Record<string, unknown>;
  /** Returns the violations of one mapped row; empty when valid. */
  validate(row: Record<string, unknown>): Array<{ path: string; message: string }>;
}

/** How far a compressed file may expand before it is refused as a decompression bomb (FILE-5008). */
export interface DecompressionLimits {
  /** Most plain bytes one file (or archive entry) may expand to. Default 16 GiB. */
  maxBytes?: number;
  /** Most plain bytes per compressed byte, judged once the output passes `ratioFloorBytes`. Default 100. */
  maxRatio?: number;
  /** Output below this size is never judged by ratio: small files of repeated values compress very well. Default 64 MiB. */
  ratioFloorBytes?: number;
}

export interface IngestRequest {
  files: SourceFile[];
  format: SourceFormat;
  /** Null ingests rows as they are (XDM-shaped JSON/Parquet). */
  mappings: FieldMapping[] | null;
  target: TargetSchema;
  /** Local folder of the batch's staging area; Parquet files are written here. */
  outputDir: string;
  /** Stops between files and between row batches when aborted (cancellation, shutdown); ingest then rejects with the abort reason. */
  signal?: AbortSignal;
  /** Most RowErrors kept in the result (default 10,000); past it only the counts grow. */
  maxRowErrors?: number;
  /** Limits on how far a compressed file may expand; defaults apply when unset. */
  decompressionLimits?: DecompressionLimits;
  /**
   * The most bytes one line of a delimited or JSON-lines file may take (default 8 MiB). A file with a longer
   * one cannot be split into rows and fails whole (FILE-5009).
   */
  maxRecordBytes?: number;
  /**
   * Remote (or compressed, or transcoded) delimited and JSON-lines files are copied locally in segments of about
   * this many plain bytes, cut at record ends, one on disk at a time (default 256 MiB): the scratch space a file
   * needs does not grow with it. Parquet and multi-line JSON are copied whole.
   */
  segmentBytes?: number;
  /** Folder for the pipeline's scratch files (default: the OS temp folder). */
  workDir?: string;
  /**
   * Limits of the columnar engine (defaults: memoryLimit "512MB", threads 2), the largest file
   * whose scratch copy is a DuckDB table rather than a Parquet file (default 128 MB), the size
   * of spooled JavaScript-path rows that becomes one Parquet part (default 32 MB), and the most flagged
   * rows a plan that reads its file once holds in memory before it reads the file twice instead (200,000).
   */
  engine?: { memoryLimit?: string; threads?: number; scratchTableBytes?: number; spoolBytes?: number; capturedRows?: number };
  /**
   * "auto" (default): delimited files whose mappings the engine can express run as one SQL plan
   * (rows it cannot vouch for go through JavaScript); "javascript": every row through JavaScript.
   * Both give the same rows and the same errors; the second exists to prove it.
   */
  engineMode?: 'auto' | 'javascript';
}

export interface FileOutcome {
  path: string;
  inputBytes: number;
  inputRecordCount: number;
  outputRecordCount: number;
  failedRecordCount: number;
  /** Set when the whole file failed (unreadable, bad compression); its rows count as failed. */
  error?: { code: string; message: string };
}

export interface IngestResult {
  files: FileOutcome[];
  inputRecordCount: number;
  outputRecordCount: number;
  failedRecordCount: number;
  inputBytes: number;
  /** Bytes of Parquet written into outputDir. */
  outputBytes: number;
  /** Every failed row (bounded by the pipeline: past a cap only counts grow). */
  rowErrors: RowError[];
  /** Wall time per stage (ms, summed over files): where a run's time went. */
  timings?: Record<string, number>;
}
