import type { TableFiles } from './iceberg/commit.js';
import type { BatchLocation } from './lake.js';

/**
 * The table-format seam: where a dataset's Apache Iceberg table lives in the lake. The table's root is the
 * dataset's folder (local) or key prefix (S3), so its committed batch files sit under it, and its metadata files
 * (manifests, manifest lists, metadata JSON) under `metadata/`. The Catalog decides what each snapshot holds; the
 * lake only says where the files are and reads and writes them.
 */
export type DatasetLocation = Omit<BatchLocation, 'batchId'>;

/**
 * The folder under a table's root that compaction writes its files into. It is no batch id (those are generated,
 * src/services/catalog/ids.ts), so a compacted file is never taken for a batch's own file, which Data Access serves.
 */
export const COMPACTED_FOLDER = 'compacted';

export interface LakeTable {
  /** The table's root, as an absolute URI (file:// or s3://), the `location` of its metadata. */
  readonly location: string;
  /** Reads and writes the table's metadata files. */
  readonly files: TableFiles;
  /** The URI a manifest records for a committed file of a batch. */
  dataFileUri(batchId: string, name: string): string;
  /** The URI of a file compaction wrote (`name` inside the compacted folder). */
  compactedFileUri(name: string): string;
  /** The batch and file name a data file URI of this table points at, or null for a URI outside its batches. */
  batchFileOf(uri: string): { batchId: string; name: string } | null;
  /** A data file URI of this table as a path relative to its root ("{batchId}/{name}", "compacted/{name}"), or null. */
  relativePathOf(uri: string): string | null;
}

export interface TableFormat {
  table(location: DatasetLocation): LakeTable;
}

/**
 * Data file URIs under a table root: `{root}/{batchId}/{name}` for a batch's files and `{root}/compacted/{name}` for
 * compaction's, the one layout both lakes share. Ids are plain path segments (src/lake/ids.ts) and names are written
 * as they are: an s3:// location is an object key verbatim.
 */
export function batchFileUris(root: string): Pick<LakeTable, 'dataFileUri' | 'compactedFileUri' | 'batchFileOf' | 'relativePathOf'> {
  const base = root.endsWith('/') ? root : `${root}/`;
  const relativePathOf = (uri: string) => {
    if (!uri.startsWith(base)) return null;
    const relative = uri.slice(base.length);
    const [first, ...rest] = relative.split('/');
    if (!first || rest.length === 0 || first === 'metadata') return null;
    return relative;
  };
  return {
    dataFileUri: (batchId, name) => `${base}${batchId}/${name}`,
    compactedFileUri: (name) => `${base}${COMPACTED_FOLDER}/${name}`,
    relativePathOf,
    batchFileOf: (uri) => {
      const relative = relativePathOf(uri);
      if (relative === null) return null;
      const [batchId, ...rest] = relative.split('/');
      if (batchId === COMPACTED_FOLDER) return null;
      return { batchId: batchId!, name: rest.join('/') };
    },
  };
}
