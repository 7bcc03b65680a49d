import type { Readable } from 'node:stream';
import type { TableFormat } from './table-format.js';

/** Where a batch lives in the lake. Every path the lake builds comes from these ids alone. */
export interface BatchLocation {
  orgId: string;
  sandboxId: string;
  datasetId: string;
  batchId: string;
}

export interface LakeFile {
  /** Name relative to the batch, e.g. "part-00000.parquet". */
  name: string;
  size: number;
}

/**
 * Local copies of committed files, for a reader such as DuckDB: they stay on disk until `release()` (a bounded
 * cache may remove them afterwards). Release them when the read is over, also when it fails.
 */
export interface LocalFiles {
  readonly paths: string[];
  release(): void;
}

/**
 * A batch being written. Writers (DuckDB) put files under `dir`, a local folder; nothing there is
 * visible to readers until `commit`, which moves the files into the lake in one step.
 */
export interface BatchStaging {
  readonly dir: string;
  commit(): Promise<LakeFile[]>;
  discard(): Promise<void>;
}

/** A data file of a dataset's table, by its path relative to the table's root ("{batchId}/{name}", "compacted/{name}"). */
export interface TableFileRef {
  path: string;
  size: number;
}

/**
 * Files written for a dataset's table outside any batch (compaction's): written under `dir`, a local folder, and
 * published by `commit` under the table's compacted folder. Nothing lists them but the table's metadata, so a
 * published file is read only once a snapshot that adds it is current.
 */
export interface TableStaging {
  readonly dir: string;
  /** Publishes every file under `dir`; answers them with their paths relative to the table's root. */
  commit(): Promise<LakeFile[]>;
  discard(): Promise<void>;
}

/** The Parquet data lake: datasets → batches → files; each dataset also an Iceberg table over its batch files (`table`). */
export interface Lake extends TableFormat {
  stage(location: BatchLocation): Promise<BatchStaging>;
  /**
   * A local folder holding what a client uploads into a batch before it is completed (Batch Ingestion).
   * It sits with the staging areas and goes with them: `abandonStaging(batchId)` removes it.
   */
  uploadArea(location: BatchLocation): Promise<string>;
  /** Files of a committed batch; empty when the batch was never committed. */
  listFiles(location: BatchLocation): Promise<LakeFile[]>;
  /** A committed file's bytes, optionally a byte range (inclusive end). */
  readFile(location: BatchLocation, name: string, range?: { start: number; end: number }): Promise<Readable>;
  /**
   * Local copies of every committed Parquet file of a dataset (for DuckDB queries), or of the given batches only
   * (the Catalog passes its successful batches, so a batch committed by a process that died before recording it is never read).
   */
  datasetFiles(location: Omit<BatchLocation, 'batchId'>, batchIds?: string[]): Promise<LocalFiles>;
  /**
   * Local copies of data files of a dataset's table, by their paths under the table's root, in the order asked (the
   * S3 lake downloads them into its read cache). What the current snapshot lists, compacted files included.
   */
  tableFiles(location: Omit<BatchLocation, 'batchId'>, files: TableFileRef[]): Promise<LocalFiles>;
  /** A staging area for data files of the dataset's table that belong to no batch (compaction). */
  stageTableFiles(location: Omit<BatchLocation, 'batchId'>): Promise<TableStaging>;
  /** Removes published table files no snapshot ever listed (a compaction that lost its commit), by relative path. */
  removeTableFiles(location: Omit<BatchLocation, 'batchId'>, paths: string[]): Promise<void>;
  /** Removes a batch's files (REVERT, failed commit cleanup). Readers see all of the batch or none of it. */
  removeBatch(location: BatchLocation): Promise<void>;
  /** Removes every staging area left for a batch id (start-up recovery after a crash). */
  abandonStaging(batchId: string): Promise<void>;
  /**
   * Removes table staging areas (compaction's) last changed more than `olderThanMs` ago: what a process that
   * died while compacting left (its published files, never committed, are orphans for table upkeep).
   */
  abandonTableStaging(olderThanMs: number): Promise<void>;
  /** Removes a dataset's committed batches (dataset deletion). */
  removeDataset(location: Omit<BatchLocation, 'batchId'>): Promise<void>;
}
