import { DeleteObjectCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { LakeError } from '../errors.js';
import type { StoredTableFile, TableFiles } from './commit.js';

/**
 * A table's files in an S3-compatible bucket, recorded as s3:// URIs (what Spark, Trino and PyIceberg open with
 * their S3 file IO). `root` is the table's key prefix; every file is written once under a new name, so a write is
 * one PUT, never an overwrite of what a reader may be reading.
 */
export function s3TableFiles(client: S3Client, bucket: string, root: string): TableFiles {
  const base = `s3://${bucket}/`;
  const keyOf = (uri: string) => {
    if (!uri.startsWith(base)) throw new LakeError('bad_name', `not a location of this lake's bucket: ${uri}`);
    return uri.slice(base.length);
  };
  return {
    async write(relative, bytes) {
      const key = `${root}/${relative}`;
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, ContentLength: bytes.length }));
      return base + key;
    },
    async read(uri) {
      const key = keyOf(uri);
      try {
        const result = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
        return Buffer.from(await result.Body!.transformToByteArray());
      } catch (error) {
        const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
        if (e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404) throw new LakeError('not_found', `no table file at ${uri}`);
        throw error;
      }
    },
    async list() {
      // Flat listing page by page (1,000 keys each): the table's batches and its metadata/ alike.
      const found: StoredTableFile[] = [];
      let token: string | undefined;
      do {
        const page = await client.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: `${root}/`, ...(token ? { ContinuationToken: token } : {}) }),
        );
        for (const object of page.Contents ?? []) {
          if (!object.Key) continue;
          // Without a date the object counts as just written: never old enough to be taken for an orphan.
          found.push({ uri: base + object.Key, size: object.Size ?? 0, modifiedMs: object.LastModified?.getTime() ?? Date.now() });
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token);
      return found;
    },
    async delete(uri) {
      const key = keyOf(uri);
      if (!key.startsWith(`${root}/`)) throw new LakeError('bad_name', `not a file of this table: ${uri}`);
      // S3 answers a DELETE of a missing key with success, so a second removal is harmless.
      await client.send(new DeleteObjectCommand({ Bucket: bucket, Key: key }));
    },
  };
}
