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
  return { endpoint: `http://127.0.0.1:${server.ready}`, accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER', stop: server.stop };
}
