import type { Scope } from '../scope.js';
import { invalid } from '../errors.js';
import type { SourceFormat } from '../../pipeline/contracts.js';
import { connectorFailure, type ConnectionsService } from './connections.service.js';
import type { PipelinePort } from './ports.js';

export interface ExploreQuery {
  objectType?: string;
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

/** `GET /connections/{id}/explore`: browse a storage and preview a file, as AEP's explore does. */
export class Explorer {
  constructor(
    private readonly connections: ConnectionsService,
    private readonly pipeline: PipelinePort,
  ) {}

  async explore(scope: Scope, connectionId: string, query: ExploreQuery): Promise<unknown> {
    // The spec's enum is upper-case, the docs' lower-case.
    const objectType = (query.objectType ?? 'root').toLowerCase();
    const { storage } = await this.connections.open(scope, connectionId);
    try {
      switch (objectType) {
        case 'root':
        case 'folder': {
          const folder = objectType === 'root' ? '/' : (query.object ?? '/');
          const entries = await storage.list(folder);
          return entries.map((e) => ({
            type: e.type,
            name: e.name,
            path: e.path,
            canPreview: e.type === 'file' && PREVIEWABLE.test(e.name),
            canFetchSchema: e.type === 'file' && PREVIEWABLE.test(e.name),
          }));
        }
        case 'file': {
          if (!query.object) throw invalid('object (the file path) is required when objectType is file');
          const entry = await storage.stat(query.object);
          if (!entry || entry.type !== 'file') throw invalid(`${query.object} is not a file`);
          const format = fileFormat(query, entry.name);
          const preview = await this.pipeline.previewFile({ path: entry.path, size: entry.size ?? 0, open: () => storage.read(entry.path) }, format, 100);
          const columns = preview.columns;
          if (query.preview !== undefined && String(query.preview) !== 'true') return columns;
          return { format: format.format, schema: { columns }, data: preview.rows };
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
}

function fileFormat(query: ExploreQuery, name: string): SourceFormat {
  const given = (query.fileType ?? query.FileType)?.toLowerCase();
  const guessed = /\.parquet$/i.test(name) ? 'parquet' : /\.(json|jsonl|ndjson)(\.|$)/i.test(name) ? 'json' : 'delimited';
  const format = (given ?? guessed) as SourceFormat['format'];
  if (!['delimited', 'json', 'parquet'].includes(format)) throw invalid('fileType must be delimited, json or parquet');
  const result: SourceFormat = { format };
  if (query.columnDelimiter) result.columnDelimiter = query.columnDelimiter;
  const compression = query.compressionType ?? query.CompressionType;
  if (compression && compression.toLowerCase() !== 'none') result.compressionType = compression as SourceFormat['compressionType'];
  else if (/\.(gz|gzip)$/i.test(name)) result.compressionType = 'gzip';
  if (query.encoding) result.encoding = query.encoding.toUpperCase();
  return result;
}
