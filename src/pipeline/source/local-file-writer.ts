import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { finished } from 'node:stream/promises';

/**
 * A local file written chunk by chunk: each write waits while the disk is behind (so a fast source
 * is held back rather than buffered in memory), and a write error surfaces at the next write or at close.
 */
export class LocalFileWriter {
  bytes = 0;
  private readonly stream: WriteStream;
  private failure: Error | null = null;
  private closed = false;

  constructor(readonly path: string) {
    this.stream = createWriteStream(path);
    this.stream.on('error', (error) => {
      this.failure = error;
    });
  }

  async write(chunk: Buffer): Promise<void> {
    if (this.failure) throw this.failure;
    this.bytes += chunk.length;
    if (!this.stream.write(chunk)) await once(this.stream, 'drain');
  }

  async close(): Promise<void> {
    if (!this.closed) this.stream.end();
    this.closed = true;
    await finished(this.stream).catch(() => undefined);
    if (this.failure) throw this.failure;
  }
}
