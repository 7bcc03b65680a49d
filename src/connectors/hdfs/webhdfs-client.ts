import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { fetch, type Dispatcher, type Response } from 'undici';
import { ConnectorError } from '../sdk.js';
import { DEFAULT_RETRY, withRetries, type RetryPolicy } from '../files/retry.js';
import { pathSegments } from '../files/path.js';
import { httpError, networkError, type RemoteException } from './webhdfs-errors.js';
import { egressDispatcher, OPEN_EGRESS, type EgressPolicy } from '../egress/index.js';

/** A `FileStatus` object of the WebHDFS REST API (the fields we use). */
export interface FileStatus {
  /** The name relative to the listed folder; "" in GETFILESTATUS answers. */
  pathSuffix: string;
  type: 'FILE' | 'DIRECTORY' | 'SYMLINK';
  length: number;
  /** Epoch ms. */
  modificationTime: number;
  fileId?: number;
}

export interface WebHdfsOptions {
  /** Metadata requests that take longer fail (ms). */
  timeoutMs?: number;
  retry?: RetryPolicy;
  /** The policy every connection (to the name node, to the data nodes it redirects to) goes through. */
  egress?: EgressPolicy;
  /** How the name node knows the caller, from the user's `url`. */
  credentials?: WebHdfsCredentials;
}

/** WebHDFS's ways to say who calls: query params (simple auth, proxy user, delegation token) and a gateway's Basic auth. */
export interface WebHdfsCredentials {
  query: Array<[string, string]>;
  authorization?: string;
}

/** The WebHDFS query params that say who calls; the name node hands a delegation token on to data nodes itself. */
const CREDENTIAL_PARAMS = ['user.name', 'doas', 'delegation'];

const PREFIX = '/webhdfs/v1';
const UNKNOWN_OP = 'the name node does not know this operation';

/**
 * The few WebHDFS operations a source needs, over Node's fetch: GETFILESTATUS, LISTSTATUS_BATCH
 * (falling back to LISTSTATUS on servers older than Hadoop 2.8 that lack it) and OPEN, whose 307
 * redirect to a data node is followed by hand so that name-node and data-node failures can be
 * told apart. Metadata calls are retried on transient failures.
 */
export class WebHdfsClient {
  private readonly base: URL;
  private readonly timeoutMs: number;
  private readonly retry: RetryPolicy;
  private readonly dispatcher: Dispatcher;
  private readonly credentials: WebHdfsCredentials;
  /** Learnt on the first listing: whether the server knows LISTSTATUS_BATCH. */
  private batchListing: boolean | undefined;

  constructor(base: URL, options: WebHdfsOptions = {}) {
    this.base = base;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.retry = options.retry ?? DEFAULT_RETRY;
    this.dispatcher = egressDispatcher(options.egress ?? OPEN_EGRESS);
    this.credentials = options.credentials ?? { query: [] };
  }

  async getFileStatus(path: string): Promise<FileStatus> {
    const body = await this.json<{ FileStatus: FileStatus }>(path, { op: 'GETFILESTATUS' }, `Reading the status of ${path}`);
    return body.FileStatus;
  }

  /**
   * The entries of a folder, a page at a time (the server's `dfs.ls.limit`, 1000 by default):
   * LISTSTATUS_BATCH returns a partial listing and how many entries remain, and the next page
   * starts after the last name seen. Listing a file yields that file's own status (pathSuffix "").
   */
  async *listStatus(path: string): AsyncGenerator<FileStatus> {
    if (this.batchListing !== false) {
      let startAfter: string | undefined;
      for (;;) {
        let page: { DirectoryListing: { partialListing: { FileStatuses: { FileStatus: FileStatus[] } }; remainingEntries: number } };
        try {
          page = await this.json(path, { op: 'LISTSTATUS_BATCH', ...(startAfter !== undefined ? { startAfter } : {}) }, `Listing ${path}`);
        } catch (error) {
          if (startAfter === undefined && this.batchListing === undefined && isUnknownOp(error)) {
            this.batchListing = false;
            break;
          }
          throw error;
        }
        this.batchListing = true;
        const statuses = page.DirectoryListing.partialListing.FileStatuses.FileStatus ?? [];
        yield* statuses;
        const last = statuses.at(-1)?.pathSuffix;
        if (!page.DirectoryListing.remainingEntries || last === undefined || last === '') return;
        startAfter = last;
      }
    }
    const whole = await this.json<{ FileStatuses: { FileStatus: FileStatus[] } }>(path, { op: 'LISTSTATUS' }, `Listing ${path}`);
    yield* whole.FileStatuses.FileStatus ?? [];
  }

  /**
   * Opens a file from `offset`: the name node redirects OPEN to a data node holding the block,
   * which streams the bytes. Not retried here: the caller resumes at the offset it reached.
   */
  async open(path: string, offset: number): Promise<{ stream: Readable; length?: number }> {
    const what = `Reading ${path}`;
    const query = { op: 'OPEN', offset: String(offset) };
    let response = await this.fetch(this.url(path, query), what, { redirect: 'manual' });
    if (response.status === 307 || response.status === 302 || response.status === 301) {
      const location = response.headers.get('location');
      await response.body?.cancel();
      if (!location) throw new ConnectorError('transient', `${what}: the name node redirected nowhere`);
      response = await this.fetch(new URL(location, this.base), what, { redirect: 'follow', datanode: true });
    }
    if (!response.ok) throw await this.failure(response, what);
    if (!response.body) throw new ConnectorError('transient', `${what}: no body in the answer`);
    const declared = response.headers.get('content-length');
    const stream = Readable.fromWeb(response.body as WebReadableStream<Uint8Array>);
    return { stream, ...(declared !== null && /^\d+$/.test(declared) ? { length: Number(declared) } : {}) };
  }

  /** Lets go of the kept-alive connections once the requests in flight are done. */
  async close(): Promise<void> {
    await this.dispatcher.close();
  }

  private url(path: string, query: Record<string, string>): URL {
    const encoded = pathSegments(path).map(encodeURIComponent).join('/');
    const url = new URL(`${this.base.pathname.replace(/\/$/, '')}${PREFIX}/${encoded}`, this.base);
    for (const [key, value] of this.credentials.query) url.searchParams.set(key, value);
    for (const [key, value] of Object.entries(query)) url.searchParams.set(key, value);
    return url;
  }

  private async json<T>(path: string, query: Record<string, string>, what: string): Promise<T> {
    return withRetries(async () => {
      const response = await this.fetch(this.url(path, query), what, { redirect: 'follow', timeout: true });
      if (!response.ok) throw await this.failure(response, what);
      try {
        return (await response.json()) as T;
      } catch (error) {
        throw networkError(error, `${what}: unreadable answer`);
      }
    }, this.retry);
  }

  private async fetch(url: URL, what: string, options: { redirect: RequestRedirect; timeout?: boolean; datanode?: boolean }): Promise<Response> {
    try {
      return await fetch(url, {
        redirect: options.redirect,
        dispatcher: this.dispatcher,
        headers: {
          accept: 'application/json, application/octet-stream',
          // A data node is another host: it gets what the name node's redirect gives it, not the user's password.
          ...(this.credentials.authorization && !options.datanode ? { authorization: this.credentials.authorization } : {}),
        },
        // Reads have no overall deadline: a slow consumer of a large file legitimately takes long.
        ...(options.timeout ? { signal: AbortSignal.timeout(this.timeoutMs) } : {}),
      });
    } catch (error) {
      throw networkError(error, what, { datanode: options.datanode ?? false });
    }
  }

  private async failure(response: Response, what: string): Promise<ConnectorError> {
    let remote: RemoteException | undefined;
    try {
      const text = await response.text();
      remote = (JSON.parse(text) as { RemoteException?: RemoteException }).RemoteException;
    } catch {
      // Not every error comes from WebHDFS itself (a proxy in front of it, say): the status is all there is.
    }
    // The one message read rather than classified: it is how an older server says it lacks an op.
    if (remote?.exception === 'IllegalArgumentException' && /\bop\b/.test(remote.message ?? '')) {
      return new ConnectorError('invalid_params', `${what}: ${UNKNOWN_OP}`);
    }
    return httpError(response.status, remote, what);
  }
}

/** Servers that predate an op answer 400 with "Invalid value for webhdfs parameter "op"". */
function isUnknownOp(error: unknown): boolean {
  return error instanceof ConnectorError && error.failure === 'invalid_params' && error.message.endsWith(UNKNOWN_OP);
}

/** The credentials a `url` param carries: a user and password (Basic auth, for a gateway such as Knox) and WebHDFS's own query params. */
export function webHdfsCredentials(input: string): WebHdfsCredentials {
  const url = parseWebHdfsUrlText(input);
  const query = CREDENTIAL_PARAMS.flatMap((key) => {
    const value = url.searchParams.get(key);
    return value === null ? [] : [[key, value] as [string, string]];
  });
  const user = decodeURIComponent(url.username);
  const password = decodeURIComponent(url.password);
  return { query, ...(user || password ? { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` } : {}) };
}

/** The server address from the `url` param: the scheme, host and port, and any path before /webhdfs/v1 (a gateway's). */
export function parseWebHdfsUrl(input: string): URL {
  const url = parseWebHdfsUrlText(input);
  // Credentials travel as headers and query params of each request (webHdfsCredentials), never in the address.
  url.username = '';
  url.password = '';
  url.pathname = url.pathname.replace(/\/+$/, '').replace(/\/webhdfs\/v1$/i, '') || '/';
  url.search = '';
  url.hash = '';
  return url;
}

function parseWebHdfsUrlText(input: string): URL {
  let url: URL;
  try {
    url = new URL(input);
  } catch {
    throw new ConnectorError('invalid_params', 'auth.params.url is not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ConnectorError('invalid_params', 'auth.params.url must be an http(s) URL');
  return url;
}
