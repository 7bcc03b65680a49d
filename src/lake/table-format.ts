import type { TableFiles } from './iceberg/commit.js';
import type { BatchLocation } from './lake.js';

/**
 * The table-format seam: where a dataset's Apache Iceberg table lives in the lake. The table's root is the
 * dataset's folder (local) or key prefix (S3), so its committed batch files sit under it, and its metadata files
 * (manifests, manifest lists, metadata JSON) under `metadata/`. The Catalog decides what each snapshot holds; the
 * lake only says where the files are and reads and writes them.
 */
export type DatasetLocation = Omit<BatchLocation, 'batchId'>;

export interface LakeTable {
  /** The table's root, as an absolute URI (file:// or s3://), the `location` of its metadata. */
  readonly location: string;
  /** Reads and writes the table's metadata files. */
  readonly files: TableFiles;
  /** The URI a manifest records for a committed file of a batch. */
  dataFileUri(batchId: string, name: string): string;
  /** The batch and file name a data file URI of this table points at, or null for a URI outside its batches. */
  batchFileOf(uri: string): { batchId: string; name: string } | null;
}

export interface TableFormat {
  table(location: DatasetLocation): LakeTable;
}

/**
 * Batch file URIs under a table root: `{root}/{batchId}/{name}`, the one layout both lakes share. Ids are plain
 * path segments (src/lake/ids.ts) and names are written as they are: an s3:// location is an object key verbatim.
 */
export function batchFileUris(root: string): Pick<LakeTable, 'dataFileUri' | 'batchFileOf'> {
  const base = root.endsWith('/') ? root : `${root}/`;
  return {
    dataFileUri: (batchId, name) => `${base}${batchId}/${name}`,
    batchFileOf: (uri) => {
      if (!uri.startsWith(base)) return null;
      const [batchId, ...rest] = uri.slice(base.length).split('/');
      if (!batchId || rest.length === 0 || batchId === 'metadata') return null;
      return { batchId, name: rest.join('/') };
    },
  };
}
