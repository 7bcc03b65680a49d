import { ListObjectsV2Command, type _Object, type S3Client } from '@aws-sdk/client-s3';
import { isAddressableName } from '../files/path.js';
import { s3Error } from './s3-errors.js';

/**
 * Folder semantics derived from flat key listings. We never ask S3 for CommonPrefixes: s3rver
 * (our test peer) gets delimiter listings wrong below the top level, and deriving folders from
 * keys works the same on every S3-compatible store.
 */

export type Child = { type: 'folder'; name: string } | { type: 'file'; name: string; object: _Object };

/** Counts keys seen under a prefix: none at all means the folder does not exist. */
export interface ScanProgress {
  keys: number;
}

// Sorts after every key that starts with the same prefix (S3 orders keys by UTF-8 bytes; this is
// the highest code point). Used to jump past a sub-folder's keys.
const MAX_CHAR = '\u{10FFFF}';

/**
 * The direct children of `prefix` ("" or ending with "/"), in key order, each folder once.
 *
 * A sub-folder's keys are contiguous in key order, so once a page ends inside a sub-folder the
 * rest of that sub-folder is skipped with StartAfter rather than paged through: listing a folder
 * costs about one request per page of direct children plus one per big sub-folder, not one per
 * page of every key below it.
 */
export async function* listChildren(
  client: S3Client,
  bucket: string,
  prefix: string,
  progress: ScanProgress,
  pageSize?: number,
): AsyncGenerator<Child> {
  let continuationToken: string | undefined;
  let startAfter: string | undefined;
  let lastFolder: string | undefined;
  for (;;) {
    const page = await send(client, bucket, {
      Prefix: prefix,
      ContinuationToken: continuationToken,
      StartAfter: continuationToken ? undefined : startAfter,
      MaxKeys: pageSize,
    });
    const contents = page.Contents ?? [];
    for (const object of contents) {
      progress.keys++;
      const rest = object.Key!.slice(prefix.length);
      if (rest === '') continue; // the folder's own marker object ("a/b/")
      const slash = rest.indexOf('/');
      if (slash === -1) {
        if (isAddressableName(rest)) yield { type: 'file', name: rest, object };
      } else {
        const name = rest.slice(0, slash);
        if (name !== lastFolder && isAddressableName(name)) yield { type: 'folder', name };
        lastFolder = name;
      }
    }
    if (!page.IsTruncated) return;
    const lastKey = contents.at(-1)?.Key;
    const inFolder = lastFolder !== undefined && lastKey?.startsWith(`${prefix}${lastFolder}/`);
    if (inFolder) {
      startAfter = `${prefix}${lastFolder}/${MAX_CHAR}`;
      continuationToken = undefined;
    } else {
      continuationToken = page.NextContinuationToken;
    }
  }
}

/** Every object under `prefix`, depth first in key order, except folder markers. */
export async function* listObjects(
  client: S3Client,
  bucket: string,
  prefix: string,
  progress: ScanProgress,
  pageSize?: number,
): AsyncGenerator<_Object> {
  let continuationToken: string | undefined;
  do {
    const page = await send(client, bucket, { Prefix: prefix, ContinuationToken: continuationToken, MaxKeys: pageSize });
    for (const object of page.Contents ?? []) {
      progress.keys++;
      if (!object.Key!.endsWith('/')) yield object;
    }
    continuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (continuationToken);
}

/** Whether any key lies under `prefix`: the only sense in which an S3 folder exists. */
export async function hasKeysUnder(client: S3Client, bucket: string, prefix: string): Promise<boolean> {
  const page = await send(client, bucket, { Prefix: prefix, MaxKeys: 1 });
  return (page.Contents?.length ?? 0) > 0;
}

async function send(
  client: S3Client,
  bucket: string,
  input: { Prefix: string; ContinuationToken?: string | undefined; StartAfter?: string | undefined; MaxKeys?: number | undefined },
) {
  try {
    return await client.send(new ListObjectsV2Command({ Bucket: bucket, ...input }));
  } catch (error) {
    throw s3Error(error, `Listing s3://${bucket}/${input.Prefix}`);
  }
}
