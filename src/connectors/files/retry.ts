import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { ConnectorError } from '../sdk.js';

/**
 * Retries for connectors whose protocol has no retrying client of its own (SFTP, WebHDFS). Only
 * `transient` failures are retried: bad credentials, a missing file or a refused connection will
 * not get better by asking again, and a connection test must say so at once.
 */

export interface RetryPolicy {
  /** Tries in all, the first included. */
  attempts: number;
  /** The first pause; each next one doubles, up to `maxDelayMs`, with full jitter. */
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, baseDelayMs: 200, maxDelayMs: 5_000 };

export function isTransient(error: unknown): boolean {
  return error instanceof ConnectorError && error.failure === 'transient';
}

/** The pause before retry number `retry` (1-based): exponential with full jitter, so clients that failed together do not retry together. */
export function backoffDelay(retry: number, policy: RetryPolicy): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retry - 1));
  return Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
}

/** Runs `operation` until it succeeds, fails for good, or has used up the policy's attempts. Errors must already be ConnectorErrors. */
export async function withRetries<T>(operation: (attempt: number) => Promise<T>, policy: RetryPolicy = DEFAULT_RETRY): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await operation(attempt);
    } catch (error) {
      if (!isTransient(error) || attempt >= policy.attempts) throw error;
      await sleep(backoffDelay(attempt, policy));
    }
  }
}

export interface ResumableReadOptions {
  /** For messages: what is being read. */
  what: string;
  /** Turns any error of `openAt` or of the stream it returned into a ConnectorError. */
  classify: (error: unknown) => ConnectorError;
  policy?: RetryPolicy;
  /**
   * Re-openings allowed over the whole read, however much each made progress: a link that
   * breaks every few kilobytes should fail the read rather than crawl on for ever.
   */
  maxResumes?: number;
}

/**
 * The bytes of a file from a ranged protocol, as one stream that survives dropped transfers.
 *
 * `openAt(offset)` opens the file from `offset` and must say how many bytes it will deliver
 * (`length`, when the protocol tells), so a transfer that ends early is noticed even when the
 * server closes it politely. When a transfer breaks with a transient failure, the file is
 * reopened where it broke, after a backoff pause. `policy.attempts` counts consecutive failures
 * without any progress; when they run out, or the failure is not transient, the stream errors
 * with a ConnectorError — so a run that reads it fails cleanly rather than landing half a file.
 *
 * The first opening is retried like any operation and its failure rejects the returned promise.
 * Memory stays bounded: chunks flow through as the consumer pulls them.
 */
export async function resumableRead(
  openAt: (offset: number) => Promise<{ stream: Readable; length?: number }>,
  options: ResumableReadOptions,
): Promise<Readable> {
  const policy = options.policy ?? DEFAULT_RETRY;
  const maxResumes = options.maxResumes ?? 20;
  const classified = async (offset: number) => {
    try {
      return await openAt(offset);
    } catch (error) {
      throw options.classify(error);
    }
  };
  // The first opening happens now, so a missing file or bad credentials reject `read()` itself.
  let first: { stream: Readable; length?: number } | undefined = await withRetries(() => classified(0), policy);

  async function* chunks(): AsyncGenerator<Buffer> {
    let offset = 0;
    let failures = 0;
    let resumes = 0;
    for (;;) {
      let source: Readable | undefined;
      try {
        const opened = first ?? (await classified(offset));
        first = undefined;
        source = opened.stream;
        const end = opened.length === undefined ? undefined : offset + opened.length;
        for await (const chunk of source as AsyncIterable<Buffer>) {
          offset += chunk.length;
          failures = 0;
          yield chunk;
        }
        if (end !== undefined && offset < end) {
          throw new ConnectorError('transient', `${options.what}: the transfer ended at byte ${offset} of ${end}`);
        }
        return;
      } catch (error) {
        const failure = options.classify(error);
        failures++;
        if (failure.failure !== 'transient' || failures >= policy.attempts || resumes >= maxResumes) {
          throw failure.failure === 'transient' ? new ConnectorError('transient', `${failure.message} (gave up at byte ${offset})`) : failure;
        }
        resumes++;
        await sleep(backoffDelay(failures, policy));
      } finally {
        source?.destroy();
      }
    }
  }

  // objectMode off: the consumer sees a plain byte stream with the usual high-water mark.
  const readable = Readable.from(chunks(), { objectMode: false });
  // Destroyed before the first pull, the generator never runs its `finally`: release the transfer here.
  readable.once('close', () => first?.stream.destroy());
  return readable;
}
