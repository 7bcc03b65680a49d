import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launch, portLine } from './launch.js';

export interface S3rverHandle {
  /** e.g. http://127.0.0.1:43121 — use with forcePathStyle. */
  endpoint: string;
  accessKeyId: string;
  secretAccessKey: string;
  /** A client of this server (path style, its key pair); the caller destroys it. */
  client(): S3Client;
  /** Makes these buckets. */
  createBuckets(...names: string[]): Promise<void>;
  stop(): Promise<void>;
}

const RUNNER = fileURLToPath(new URL('./s3rver-runner.cjs', import.meta.url));

/**
 * A real s3rver on a free port with an empty temp directory, as a child process.
 * s3rver knows one key pair, S3RVER/S3RVER: an unknown access key is refused
 * (InvalidAccessKeyId), but SigV4 signatures are not verified, so a wrong secret passes.
 */
export async function startS3rver(): Promise<S3rverHandle> {
  const directory = mkdtempSync(join(tmpdir(), 'tributary-s3rver-'));
  const server = await launch(process.execPath, ['--openssl-legacy-provider', RUNNER, directory], {
    what: 's3rver',
    stdin: 'pipe',
    timeoutMs: 20_000,
    // The runner prints {"port": …} once listening.
    ready: portLine('s3rver'),
    cleanup: () => rmSync(directory, { recursive: true, force: true }),
  });
  const endpoint = `http://127.0.0.1:${server.ready}`;
  const credentials = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' };
  const client = () => new S3Client({ endpoint, forcePathStyle: true, region: 'us-east-1', credentials });
  return {
    endpoint,
    ...credentials,
    client,
    async createBuckets(...names) {
      const made = client();
      try {
        for (const name of names) await made.send(new CreateBucketCommand({ Bucket: name }));
      } finally {
        made.destroy();
      }
    },
    stop: server.stop,
  };
}

/** The bucket `s3LakeEnv` puts the lake in. */
export const LAKE_BUCKET = 'lake';

/** The settings of a platform whose lake is `s3://lake/tributary` on this server (the bucket made with createBuckets). */
export const s3LakeEnv = (s3: S3rverHandle): Record<string, string> => ({
  TRIBUTARY_LAKE: `s3://${LAKE_BUCKET}/tributary`,
  TRIBUTARY_LAKE_S3_ENDPOINT: s3.endpoint,
  AWS_ACCESS_KEY_ID: s3.accessKeyId,
  AWS_SECRET_ACCESS_KEY: s3.secretAccessKey,
});
