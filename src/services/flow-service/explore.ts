import { Readable } from 'node:stream';
import type { Scope } from '../scope.js';
import { invalid } from '../errors.js';
import type { SourceFormat } from '../../pipeline/contracts.js';
import { compareEntries, type FileStorage, type StorageEntry } from '../../connectors/index.js';
import { connectorFailure, type ConnectionsService } from './connections.service.js';
import type { PipelinePort } from './ports.js';

export interface ExploreQuery {
  objectType?: string;
  /** Tributary's addition for huge folders: at most this many entries, then a continuation token. */
  limit?: string;
  continuationToken?: string;
  object?: string;
  preview?: string;
  fileType?: string;
  FileType?: string;
  columnDelimiter?: string;
  compressionType?: string;
  CompressionType?: string;
  encoding?: string;
}

/** Files offered for preview: the formats the pipeline reads. */
const PREVIEWABLE = /\.(csv|tsv|txt|psv|json|jsonl|ndjson|parquet)(\.(gz|gzip|bz2|zip|tar|tgz))?$/i;

/** A folder listing answers at most this many entries unless `limit` asks for fewer. */
export const MAX_EXPLORE_ENTRIES = 10_000;

export interface ExplorePage {
  entries: Array<Record<string, unknown>>;
  /** Set when the folder has more entries: pass it back as `continuationToken`. */
  continuationToken?: string;
}

export type ExploreResult = { kind: 'listing'; page: ExplorePage } | { kind: 'file'; body: unknown };

/** `GET /connections/{id}/explore`: browse a storage and preview a file, as AEP's explore does. */
export class Explorer {
  constructor(
    private readonly connections: ConnectionsService,
    private readonly pipeline: PipelinePort,
  ) {}

  async explore(scope: Scope, connectionId: string, query: ExploreQuery): Promise<ExploreResult> {
    // The spec's enum is upper-case, the docs' lower-case.
    const objectType = (query.objectType ?? 'root').toLowerCase();
    if (this.connections.isStreaming(await this.connections.connectionSpecId(scope, connectionId))) {
      return this.exploreStreams(scope, connectionId, objectType, query);
    }
    const { storage } = await this.connections.open(scope, connectionId);
    try {
      switch (objectType) {
        case 'root':
        case 'folder':
          return { kind: 'listing', page: await folderPage(storage, objectType === 'root' ? '/' : (query.object ?? '/'), query) };
        case 'file': {
          if (!query.object) throw invalid('object (the file path) is required when objectType is file');
          const entry = await storage.stat(query.object);
          if (!entry || entry.type !== 'file') throw invalid(`${query.object} is not a file`);
          const format = fileFormat(query, entry.name);
          const preview = await this.pipeline.previewFile(
            { path: entry.path, size: entry.size ?? 0, open: () => storage.read(entry.path) },
            format,
            100,
          );
          const columns = preview.columns;
          if (query.preview !== undefined && String(query.preview) !== 'true') return { kind: 'file', body: columns };
          return {
            kind: 'file',
            // Tributary additions: `properties` says which column delimiter the rows were read with, and whether it was
            // detected; `invalidRows` lists the records read that cannot become rows (row number, code, reason).
            body: {
              format: format.format,
              schema: { columns },
              data: preview.rows,
              ...(preview.delimiter ? { properties: preview.delimiter } : {}),
              ...(preview.invalidRows.length ? { invalidRows: preview.invalidRows } : {}),
            },
          };
        }
        default:
          throw invalid(`objectType must be root, folder or file; got "${query.objectType}"`);
      }
    } catch (error) {
      throw connectorFailure(error);
    } finally {
      await storage.close();
    }
  }

  /**
   * A streaming connection: its root lists the streams (Kinesis) or hubs (Event Hubs); `objectType=stream`
   * (or `file`) with `object` a stream previews its most recent retained records, with the columns inferred
   * from them as a JSON file's are.
   */
  private async exploreStreams(scope: Scope, connectionId: string, objectType: string, query: ExploreQuery): Promise<ExploreResult> {
    const { stream } = await this.connections.openStream(scope, connectionId);
    try {
      if (objectType === 'root') {
        const names = await stream.listStreams();
        return {
          kind: 'listing',
          page: { entries: names.sort().map((name) => ({ type: 'stream', name, path: name, canPreview: true, canFetchSchema: true })) },
        };
      }
      if (objectType !== 'stream' && objectType !== 'file')
        throw invalid(`objectType must be root or stream for a streaming connection; got "${query.objectType}"`);
      if (!query.object) throw invalid('object (the stream name) is required when objectType is stream');
      const name = query.object.replace(/^\//, '');
      // Partitions are read side by side, each waiting a moment for its first records: Event Hubs hands a receiver
      // its events only after it attaches, so a read that waits for nothing can miss what the partition holds.
      const partitions = await stream.partitions(name);
      const reads = await Promise.all(
        partitions.map((partition) => stream.read(name, partition.id, { start: 'earliest' }, { maxRecords: PREVIEW_READ, waitMs: PREVIEW_WAIT_MS })),
      );
      const records = reads.flatMap((read) => read.records);
      const recent = records.sort((a, b) => a.arrivedAt - b.arrivedAt).slice(-PREVIEW_ROWS);
      const text = Buffer.from(recent.map((r) => r.data.toString('utf8').replace(/\r?\n/g, ' ')).join('\n'));
      const preview = await this.pipeline.previewFile(
        { path: `/${name}`, size: text.length, open: async () => Readable.from([text]) },
        { format: 'json' },
        PREVIEW_ROWS,
      );
      if (query.preview !== undefined && String(query.preview) !== 'true') return { kind: 'file', body: preview.columns };
      return {
        kind: 'file',
        body: {
          format: 'json',
          schema: { columns: preview.columns },
          data: preview.rows,
          ...(preview.invalidRows.length ? { invalidRows: preview.invalidRows } : {}),
        },
      };
    } catch (error) {
      throw connectorFailure(error);
    } finally {
      await stream.close();
    }
  }
}

/** Records a stream preview reads at most per partition, and shows at most. */
const PREVIEW_READ = 1000;
const PREVIEW_ROWS = 100;
/** How long a preview's read of one partition waits for its first record (an empty partition costs this much). */
const PREVIEW_WAIT_MS = 1000;

/** One page of a folder: read from the storage's stream of children, so a huge folder is never held whole. */
async function folderPage(storage: FileStorage, folder: string, query: ExploreQuery): Promise<ExplorePage> {
  const limit = query.limit === undefined ? MAX_EXPLORE_ENTRIES : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_EXPLORE_ENTRIES)
    throw invalid(`limit must be an integer from 1 to ${MAX_EXPLORE_ENTRIES}`);
  let offset = 0;
  if (query.continuationToken) {
    const decoded = Buffer.from(query.continuationToken, 'base64url').toString();
    if (!/^\d{1,12}$/.test(decoded)) throw invalid('continuationToken is not valid');
    offset = Number(decoded);
  }
  const children: AsyncIterable<StorageEntry> = storage.streamChildren ? storage.streamChildren(folder) : await storage.list(folder).then(toAsync);
  const entries: StorageEntry[] = [];
  let index = 0;
  let more = false;
  for await (const entry of children) {
    if (index++ < offset) continue;
    if (entries.length === limit) {
      more = true;
      break;
    }
    entries.push(entry);
  }
  // A folder that fits in one page is answered sorted (folders first, then by name), as `list` does;
  // the pages of a bigger one come in the storage's own order, which is what lets them stream.
  if (!more && offset === 0) entries.sort(compareEntries);
  return {
    entries: entries.map((e) => ({
      type: e.type,
      name: e.name,
      path: e.path,
      canPreview: e.type === 'file' && PREVIEWABLE.test(e.name),
      canFetchSchema: e.type === 'file' && PREVIEWABLE.test(e.name),
    })),
    ...(more ? { continuationToken: Buffer.from(String(offset + limit)).toString('base64url') } : {}),
  };
}

async function* toAsync<T>(items: T[]): AsyncIterable<T> {
  yield* items;
}

function fileFormat(query: ExploreQuery, name: string): SourceFormat {
  const given = (query.fileType ?? query.FileType)?.toLowerCase();
  const guessed = /\.parquet$/i.test(name) ? 'parquet' : /\.(json|jsonl|ndjson)(\.|$)/i.test(name) ? 'json' : 'delimited';
  const format = (given ?? guessed) as SourceFormat['format'];
  if (!['delimited', 'json', 'parquet'].includes(format)) throw invalid('fileType must be delimited, json or parquet');
  const result: SourceFormat = { format };
  if (query.columnDelimiter) result.columnDelimiter = query.columnDelimiter;
  const compression = query.compressionType ?? query.CompressionType;
  if (compression && compression.toLowerCase() !== 'none') result.compressionType = compression as NonNullable<SourceFormat['compressionType']>;
  else if (/\.(gz|gzip)$/i.test(name)) result.compressionType = 'gzip';
  if (query.encoding) result.encoding = query.encoding.toUpperCase();
  return result;
}
