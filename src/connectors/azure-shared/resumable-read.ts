import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConnectorError } from '../sdk.js';
import { azureError, azureErrorCode } from './azure-errors.js';

/** One response of a ranged download: its body from `offset` on, and the version it is of. */
export interface RangeResponse {
  body: NodeJS.ReadableStream | undefined;
  /** Total size of the file. */
  size: number;
  etag?: string;
}

export interface ResumableReadOptions {
  /** What the stream reads, for error messages. */
  what: string;
  /**
   * Fetches the file from `offset` to its end. `etag` is the version the first response was of:
   * a fetcher that can make the request conditional (If-Match) should, and every response's etag
   * is compared to it anyway.
   */
  fetch(offset: number, etag: string | undefined): Promise<RangeResponse>;
  /** Consecutive failed attempts without a byte of progress before the read fails. */
  maxAttempts?: number;
  /** First pause between attempts, doubled on each further one. */
  retryDelayMs?: number;
}

/**
 * A file's bytes as one stream, resumed with a ranged request from where it stopped when the
 * connection drops or the body ends early: a multi-gigabyte blob survives a reset without being
 * read again from the start, and memory stays at one chunk (the consumer's back-pressure pauses
 * the socket).
 *
 * The SDKs' own download retry does not help here: it gives up with an AbortError as soon as the
 * response emits `aborted`, which Node does on every dropped connection. So downloads are asked
 * for with their retry off, and resumed here. When the attempts run out the stream fails with
 * ConnectorError('transient'), which a run reports as a failed file rather than a short one.
 *
 * The first request is made before this returns, so a missing file or bad credentials fail the
 * call itself, not the stream.
 */
export async function resumableRead(options: ResumableReadOptions): Promise<Readable> {
  const maxAttempts = options.maxAttempts ?? 5;
  const retryDelayMs = options.retryDelayMs ?? 250;
  let first: RangeResponse;
  try {
    first = await options.fetch(0, undefined);
  } catch (error) {
    throw azureError(error, `Reading ${options.what}`);
  }
  const { size, etag } = first;

  async function* bytes(): AsyncGenerator<Buffer> {
    let offset = 0;
    let response: RangeResponse | null = first;
    let failures = 0;
    for (;;) {
      let lastError: unknown;
      try {
        if (!response) response = await options.fetch(offset, etag);
        if (etag !== undefined && response.etag !== undefined && response.etag !== etag) {
          throw new ConnectorError('transient', `${options.what} changed while it was being read`);
        }
        if (response.body) {
          for await (const chunk of response.body as AsyncIterable<Buffer | string>) {
            const buffer = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
            offset += buffer.length;
            failures = 0;
            yield buffer;
          }
        }
      } catch (error) {
        if (error instanceof ConnectorError) throw error;
        const mapped = azureError(error, `Reading ${options.what}`);
        // Gone, or no longer allowed: asking again will not help.
        if (mapped.failure !== 'transient' && mapped.failure !== 'unreachable') throw mapped;
        if (azureErrorCode(error) === 'ConditionNotMet') throw new ConnectorError('transient', `${options.what} changed while it was being read`);
        lastError = error;
      } finally {
        // Leaving early (the consumer stopped, or an error) must not leave the socket open.
        const body = response?.body as (NodeJS.ReadableStream & { destroy?(): void }) | undefined;
        if (body && offset < size) body.destroy?.();
        response = null;
      }
      if (offset === size) return;
      if (offset > size) throw new ConnectorError('transient', `${options.what}: received more bytes than its size of ${size}`);
      // A body that ended early, or an error mid-body: resume from `offset` after a pause.
      failures++;
      if (failures >= maxAttempts) {
        const cause = lastError ? azureError(lastError, '').message.replace(/^: /, '') : 'the connection closed early';
        throw new ConnectorError('transient', `Reading ${options.what}: stopped at byte ${offset} of ${size} after ${failures} attempts (${cause})`);
      }
      await sleep(retryDelayMs * 2 ** (failures - 1));
    }
  }

  return Readable.from(bytes(), { objectMode: false });
}
