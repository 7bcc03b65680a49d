import type { StorageEntry } from '../sdk.js';
import { baseName } from '../files/path.js';
import { bareEtag } from './client-options.js';

/** A file of the Data Lake or File service as an entry: both report size, time and ETag alike. */
export function azureFileEntry(
  path: string,
  item: { contentLength?: number | undefined; lastModified?: Date | undefined; etag?: string | undefined },
): StorageEntry {
  const tag = bareEtag(item.etag);
  return {
    type: 'file',
    name: baseName(path),
    path,
    ...(item.contentLength !== undefined ? { size: item.contentLength } : {}),
    ...(item.lastModified ? { modifiedAt: item.lastModified.getTime() } : {}),
    ...(tag ? { etag: tag } : {}),
  };
}
