import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { LakeError } from '../errors.js';
import type { TableFiles } from './commit.js';

/**
 * A table's files in an S3-compatible bucket, recorded as s3:// URIs (what Spark, Trino and PyIceberg open with
 * their S3 file IO). `root` is the table's key prefix; every file is written once under a new name, so a write is
 * one PUT, never an overwrite of what a reader may be reading.
 */
export function s3TableFiles(client: S3Client, bucket: string, root: string): TableFiles {
  const base = `s3://${bucket}/`;
  return {
    async write(relative, bytes) {
      const key = `${root}/${relative}`;
      await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: bytes, ContentLength: bytes.length }));
      return base + key;
    },
    async read(uri) {
      if (!uri.startsWith(base)) throw new LakeError('bad_name', `not a location of this lake's bucket: ${uri}`);
      try {
        const result = await client.send(new GetObjectCommand({ Bucket: bucket, Key: uri.slice(base.length) }));
        return Buffer.from(await result.Body!.transformToByteArray());
      } catch (error) {
        const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
        if (e?.name === 'NoSuchKey' || e?.$metadata?.httpStatusCode === 404) throw new LakeError('not_found', `no table file at ${uri}`);
        throw error;
      }
    },
  };
}
