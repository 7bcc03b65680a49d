import type { Readable } from 'node:stream';
import type { LakeFile } from '../../lake/lake.js';
import { type CatalogService, batchIdOfDataSetFile, dataSetFileId } from '../catalog/index.js';
import { invalid, notFound } from '../errors.js';
import type { Scope } from '../scope.js';

/**
 * Data Access (`/data/foundation/export`): the files of successful batches, and each batch's meta files
 * (row errors, input files). Answers in Data Access's own shape: `{data, _page, _links}`.
 */

/** Where the answers point: the scheme and host the client called, e.g. "http://localhost:8080". */
export interface LinkBase {
  origin: string;
}

/** Paging as the query string gives it: either may be present and undefined. */
export interface Page {
  start?: string | number | undefined;
  limit?: string | number | undefined;
}

/** Data Access shows at most 100 entries a page, and 100 by default. */
const PAGE_MAX = 100;
const BASE_PATH = '/data/foundation/export';
/** Row errors in the sample file (`row_errors_sample.json`), which a UI shows in full. */
const SAMPLE_SIZE = 100;

export interface Listing<T> {
  data: T[];
  _page: { limit: number; count: number };
  _links: { next?: { href: string }; page: { href: string; templated: boolean } };
}

export interface FileEntry {
  name: string;
  /** A string, as Data Access gives it. */
  length: string;
  _links: { self: { href: string } };
}

export interface DataSetFileEntry {
  dataSetFileId: string;
  dataSetViewId: string;
  version: string;
  created: string;
  updated: string;
  isValid: boolean;
  records: number;
  size: number;
  _links: { self: { href: string } };
}

/** A meta file's content, ready to send. */
export interface MetaContent {
  contentType: string;
  body: string;
}

function pageOf(page: Page): { start: number; limit: number } {
  const read = (name: string, raw: string | number | undefined, fallback: number, min: number) => {
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < min) throw invalid(`${name} must be an integer ≥ ${min}, got "${raw}"`);
    return value;
  };
  return { start: read('start', page.start, 0, 0), limit: Math.min(read('limit', page.limit, PAGE_MAX, 1), PAGE_MAX) };
}

/** Slices one page out of a full list and adds Data Access's paging links. */
function paginate<T>(all: T[], page: Page, href: string): Listing<T> {
  const { start, limit } = pageOf(page);
  const data = all.slice(start, start + limit);
  const sep = href.includes('?') ? '&' : '?';
  return {
    data,
    _page: { limit, count: data.length },
    _links: {
      ...(start + limit < all.length ? { next: { href: `${href}${sep}start=${start + limit}&limit=${limit}` } } : {}),
      page: { href: `${href}${sep}start={start}&limit={limit}`, templated: true },
    },
  };
}

/** Reads the first rows of a dataset (the Query Service's engine); absent, dataset previews are not offered. */
export type DatasetPreviewer = (
  scope: Scope,
  datasetId: string,
  limit: number,
) => Promise<{ columns: Array<{ name: string; type: string }>; rows: Array<Record<string, unknown>> }>;

/** Rows a dataset preview shows, as Data Access's. */
const PREVIEW_ROWS = 100;

export class DataAccessService {
  constructor(
    readonly catalog: CatalogService,
    private readonly previewer?: DatasetPreviewer,
  ) {}

  /** `GET /datasets/{datasetId}/preview`: the first 100 rows of the dataset's successful batches. */
  async datasetPreview(
    scope: Scope,
    datasetId: string,
  ): Promise<{ data: Array<Record<string, unknown>>; columns: Array<{ name: string; type: string }> }> {
    await this.catalog.getDataset(scope, datasetId);
    if (!this.previewer) throw notFound('dataset previews are not available');
    const { columns, rows } = await this.previewer(scope, datasetId, PREVIEW_ROWS);
    return { data: rows, columns };
  }

  /** `GET /batches/{batchId}/files`: the batch's dataSetFile (one per successful batch; none otherwise). */
  async batchFiles(scope: Scope, batchId: string, base: LinkBase, page: Page = {}): Promise<Listing<DataSetFileEntry>> {
    const { batch, files } = await this.catalog.batchFiles(scope, batchId);
    const dataset = await this.catalog.getDataset(scope, batch.datasetId).catch(() => null);
    const entries: DataSetFileEntry[] =
      batch.status === 'success'
        ? [
            {
              dataSetFileId: dataSetFileId(batch.id),
              dataSetViewId: dataset?.viewId ?? batch.datasetId,
              version: '1.0.0',
              created: String(batch.completed ?? batch.updated),
              updated: String(batch.updated),
              isValid: true,
              records: batch.recordCount ?? 0,
              size: files.reduce((sum, f) => sum + f.size, 0),
              _links: { self: { href: `${base.origin}${BASE_PATH}/files/${dataSetFileId(batch.id)}` } },
            },
          ]
        : [];
    return paginate(entries, page, `${base.origin}${BASE_PATH}/batches/${batchId}/files`);
  }

  /** `GET /files/{dataSetFileId}` without `path`: the Parquet files that make up the dataSetFile. */
  async fileListing(scope: Scope, fileId: string, base: LinkBase, page: Page = {}): Promise<Listing<FileEntry>> {
    const { files } = await this.committed(scope, fileId);
    const self = `${base.origin}${BASE_PATH}/files/${fileId}`;
    const entries = files.map((f) => ({
      name: f.name,
      length: String(f.size),
      _links: { self: { href: `${self}?path=${encodeURIComponent(f.name)}` } },
    }));
    return paginate(entries, page, self);
  }

  /** The size of one file of a dataSetFile, so the caller can resolve a Range header before reading. */
  async fileInfo(scope: Scope, fileId: string, name: string): Promise<LakeFile> {
    const { files } = await this.committed(scope, fileId);
    const file = files.find((f) => f.name === name);
    if (!file) throw notFound(`file "${name}" not found in dataSetFile ${fileId}`);
    return file;
  }

  /** `GET /files/{dataSetFileId}?path=`: the bytes of one file, or of a byte range of it (inclusive end). */
  async openFile(scope: Scope, fileId: string, name: string, range?: { start: number; end: number }): Promise<{ file: LakeFile; stream: Readable }> {
    const batchId = batchIdOfDataSetFile(fileId);
    if (!batchId) throw notFound(`dataSetFile "${fileId}" not found`);
    return this.catalog.openBatchFile(scope, batchId, name, range);
  }

  /** `GET /batches/{batchId}/failed`: Tributary keeps no copy of failed input files, so the list is empty. */
  async failedFiles(scope: Scope, batchId: string, base: LinkBase, page: Page = {}): Promise<Listing<FileEntry>> {
    await this.catalog.getBatch(scope, batchId);
    return paginate([], page, `${base.origin}${BASE_PATH}/batches/${batchId}/failed`);
  }

  /** `GET /batches/{batchId}/meta`: the meta files a batch has (row errors, input files, the row error sample). */
  async metaListing(scope: Scope, batchId: string, base: LinkBase, page: Page = {}): Promise<Listing<FileEntry>> {
    const self = `${base.origin}${BASE_PATH}/batches/${batchId}/meta`;
    const entries: FileEntry[] = [];
    for (const name of ['row_errors', 'input_files', 'row_errors_sample.json']) {
      const content = await this.metaFile(scope, batchId, name);
      entries.push({ name, length: String(Buffer.byteLength(content.body)), _links: { self: { href: `${self}?path=${name}` } } });
    }
    return paginate(entries, page, self);
  }

  /**
   * `GET /batches/{batchId}/meta?path=`: `row_errors` and `input_files` as JSON lines (one object a line),
   * `row_errors_sample.json` (also spelled `row_error_samples.json` in the spec) as one JSON array.
   */
  async metaFile(scope: Scope, batchId: string, path: string): Promise<MetaContent> {
    const lines = (items: unknown[]) => ({ contentType: 'application/json', body: items.map((i) => `${JSON.stringify(i)}\n`).join('') });
    switch (path.replace(/\/+$/, '')) {
      case 'row_errors':
        return lines((await this.catalog.batchRowErrors(scope, batchId)).rowErrors);
      case 'input_files':
        return lines(await this.catalog.batchInputFiles(scope, batchId));
      case 'row_errors_sample.json':
      case 'row_error_samples.json': {
        const { rowErrors } = await this.catalog.batchRowErrors(scope, batchId, { start: 0, limit: SAMPLE_SIZE });
        return { contentType: 'application/json', body: JSON.stringify(rowErrors) };
      }
      default:
        await this.catalog.getBatch(scope, batchId);
        throw notFound(`batch ${batchId} has no meta file "${path}"; there are row_errors, input_files and row_errors_sample.json`);
    }
  }

  private async committed(scope: Scope, fileId: string): Promise<{ files: LakeFile[] }> {
    const batchId = batchIdOfDataSetFile(fileId);
    if (!batchId) throw notFound(`dataSetFile "${fileId}" not found`);
    const { batch, files } = await this.catalog.batchFiles(scope, batchId).catch((error) => {
      throw error?.kind === 'not_found' ? notFound(`dataSetFile "${fileId}" not found`) : error;
    });
    if (batch.status !== 'success') throw notFound(`dataSetFile "${fileId}" not found`);
    return { files };
  }
}
