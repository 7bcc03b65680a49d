import { Readable } from 'node:stream';
import { ConnectorError } from '../sdk.js';
import { resumableRead, type RetryPolicy } from '../files/retry.js';
import { azureError } from './azure-errors.js';

/** One response of a ranged download: its body from the offset asked for, and the version it is of. */
export interface RangeResponse {
  body: NodeJS.ReadableStream | undefined;
  /** Bytes this response will deliver (its Content-Length). */
  length?: number | undefined;
  etag?: string | undefined;
}

/**
 * The SDK's retry policy has already retried each request (resets, 500s, 503s) before it gets
 * here; these attempts are about transfers that break mid-body.
 */
const READ_POLICY: RetryPolicy = { attempts: 4, baseDelayMs: 200, maxDelayMs: 2_000 };

/**
 * A file of an Azure storage as one byte stream that survives dropped connections, on the shared
 * `resumableRead`: a broken transfer is resumed with a ranged request where it stopped.
 *
 * The SDKs' own download retry does not help: it gives up with an AbortError as soon as the
 * response emits `aborted`, which Node does on every dropped connection. So downloads are asked
 * for with their retry off (`maxRetryRequests: 0`) and resumed here. `fetch` is given the ETag of
 * the first response, to make the request conditional where the service can (If-Match); every
 * response's ETag is compared to it anyway, so bytes of two versions are never joined.
 */
export function azureRangedRead(what: string, fetch: (offset: number, etag: string | undefined) => Promise<RangeResponse>): Promise<Readable> {
  let etag: string | undefined;
  return resumableRead(
    async (offset) => {
      const response = await fetch(offset, etag);
      if (offset === 0) etag = response.etag;
      else if (etag !== undefined && response.etag !== undefined && response.etag !== etag) {
        (response.body as (NodeJS.ReadableStream & { destroy?(): void }) | undefined)?.destroy?.();
        throw new ConnectorError('transient', `Reading ${what}: the file changed while it was being read`);
      }
      const stream = (response.body ?? emptyStream()) as Readable;
      return { stream, ...(response.length !== undefined ? { length: response.length } : {}) };
    },
    { what: `Reading ${what}`, classify: (error) => azureError(error, `Reading ${what}`), policy: READ_POLICY },
  );
}

function emptyStream(): Readable {
  // A zero-length file's response may come without a body stream.
  return Readable.from([]);
}
