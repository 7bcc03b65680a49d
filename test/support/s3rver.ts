import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

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
  const child = spawn(process.execPath, ['--openssl-legacy-provider', RUNNER, directory], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const cleanup = () => rmSync(directory, { recursive: true, force: true });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`s3rver did not start in time: ${stderr}`)), 20_000);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`s3rver exited with ${code}: ${stderr}`));
      });
      createInterface({ input: child.stdout }).once('line', (line) => {
        clearTimeout(timer);
        try {
          resolve((JSON.parse(line) as { port: number }).port);
        } catch {
          reject(new Error(`unexpected s3rver output: ${line}`));
        }
      });
    });
    return {
      endpoint: `http://127.0.0.1:${port}`,
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
      async stop() {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill('SIGTERM');
          const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
          await exited;
          clearTimeout(timer);
        }
        cleanup();
      },
    };
  } catch (error) {
    child.kill('SIGKILL');
    cleanup();
    throw error;
  }
}
