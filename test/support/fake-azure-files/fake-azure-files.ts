import { randomUUID } from 'node:crypto';
import { createReadStream, type Stats } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkSharedKey } from './shared-key.js';

/**
 * A faithful, read-only fake of the Azure Files (File service) REST API, written from its
 * protocol documentation, for what a reading client does:
 *
 * - List Shares            GET  /{account}/?comp=list[&prefix][&marker][&maxresults][&include]
 * - Get Share Properties   GET|HEAD /{account}/{share}?restype=share
 * - List Directories and Files  GET /{account}/{share}/{dir}?restype=directory&comp=list[&prefix][&marker][&maxresults][&include]
 * - Get Directory Properties    GET|HEAD /{account}/{share}/{dir}?restype=directory
 * - Get File Properties    HEAD /{account}/{share}/{path}
 * - Get File               GET  /{account}/{share}/{path}, whole or ranged (x-ms-range or Range: bytes=a-[b]) → 200 / 206
 *
 * Every request must carry a valid Shared Key signature of the account key (wrong key: 403
 * AuthenticationFailed) and x-ms-version. Errors are the service's: XML `<Error><Code>…` bodies,
 * the code also in `x-ms-error-code` (the only place for HEAD). Accounts are path-style
 * (http://127.0.0.1:PORT/{account}/…) as on the storage emulators.
 *
 * The shares are the sub-folders of `root` on disk; what is in them is the content. Faults can be
 * injected into Get File responses to test how a client survives them.
 */
export interface FakeAzureFiles {
  /** e.g. http://127.0.0.1:43121/devstoreaccount1 */
  accountUrl: string;
  accountName: string;
  accountKey: string;
  /** The folder whose sub-folders are the shares. */
  root: string;
  /** Requests seen, for assertions: method, path and query. */
  requests: Array<{ method: string; url: string; range?: string }>;
  /**
   * Makes the next Get File responses fail: `drops` of them cut off mid-body after `dropAfterBytes`
   * bytes (a list gives the cut of each in turn, its last repeating), or `serverErrors` of them 500
   * before any byte.
   */
  injectReadFaults(faults: { dropAfterBytes?: number | number[]; drops?: number; serverErrors?: number }): void;
  stop(): Promise<void>;
}

const ACCOUNT = 'devstoreaccount1';
const KEY = Buffer.alloc(64, 0x2a).toString('base64');
const VERSION = '2025-11-05';
const MAX_RESULTS = 5000;

export async function startFakeAzureFiles(options: { root?: string } = {}): Promise<FakeAzureFiles> {
  const ownRoot = options.root === undefined;
  const root = options.root ?? (await mkdtemp(join(tmpdir(), 'tributary-fake-files-')));
  await mkdir(root, { recursive: true });
  const key = Buffer.from(KEY, 'base64');
  const requests: FakeAzureFiles['requests'] = [];
  const faults = { dropAfterBytes: [0] as number[], drops: 0, serverErrors: 0 };
  const sockets = new Set<Socket>();

  const server: Server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent)
        sendError(request, response, 500, 'InternalError', `The server encountered an internal error. ${(error as Error).message}`);
      else response.destroy();
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', origin);
    const method = request.method ?? 'GET';
    const range = header(request, 'x-ms-range') || header(request, 'range');
    requests.push({ method, url: url.pathname + url.search, ...(range ? { range } : {}) });
    // Drain any body: the fake is read-only, but a client must not be left waiting to send it.
    request.resume();

    let segments: string[];
    try {
      segments = url.pathname
        .split('/')
        .filter((s) => s !== '')
        .map(decodeURIComponent);
    } catch {
      return sendError(request, response, 400, 'InvalidUri', 'The requested URI does not represent any resource on the server.');
    }
    const [account, share, ...rest] = segments;
    if (account !== ACCOUNT)
      return sendError(request, response, 400, 'InvalidUri', 'The requested URI does not represent any resource on the server.');
    const auth = checkSharedKey(request, ACCOUNT, key);
    if (!auth.ok) return sendError(request, response, auth.status, auth.code, auth.message, auth.detail);
    if (!header(request, 'x-ms-version'))
      return sendError(request, response, 400, 'MissingRequiredHeader', "An HTTP header that's mandatory for this request is not specified.");
    if (method !== 'GET' && method !== 'HEAD') {
      return sendError(request, response, 405, 'UnsupportedHttpVerb', "The resource doesn't support the specified HTTP verb.");
    }
    const comp = url.searchParams.get('comp');
    const restype = url.searchParams.get('restype');

    if (share === undefined) {
      if (comp === 'list') return listShares(request, response, url);
      return sendError(
        request,
        response,
        400,
        'InvalidQueryParameterValue',
        'Value for one of the query parameters specified in the request URI is invalid.',
      );
    }
    if (!isValidName(share) || rest.some((s) => !isValidName(s))) {
      return sendError(request, response, 400, 'InvalidResourceName', 'The specified resource name contains invalid characters.');
    }
    const shareStats = await statOrNull(join(root, share));
    if (!shareStats?.isDirectory()) return sendError(request, response, 404, 'ShareNotFound', 'The specified share does not exist.');

    if (restype === 'share') {
      if (rest.length > 0)
        return sendError(
          request,
          response,
          400,
          'InvalidQueryParameterValue',
          'Value for one of the query parameters specified in the request URI is invalid.',
        );
      return sendEmpty(request, response, 200, { ...versionHeaders(shareStats), 'x-ms-share-quota': '5120' });
    }
    const target = join(root, share, ...rest);
    const targetStats = await statOrNull(target);

    if (restype === 'directory') {
      if (!targetStats) {
        const parentExists = rest.length <= 1 || (await statOrNull(join(root, share, ...rest.slice(0, -1))))?.isDirectory();
        return sendError(
          request,
          response,
          404,
          parentExists ? 'ResourceNotFound' : 'ParentNotFound',
          parentExists ? 'The specified resource does not exist.' : 'The specified parent path does not exist.',
        );
      }
      if (!targetStats.isDirectory())
        return sendError(request, response, 409, 'ResourceTypeMismatch', 'The specified resource type does not match the type in the URI.');
      if (comp === 'list') return listDirectory(request, response, url, share, rest, target);
      return sendEmpty(request, response, 200, { ...versionHeaders(targetStats), ...smbHeaders(targetStats, 'Directory') });
    }
    if (comp !== null || restype !== null) {
      return sendError(
        request,
        response,
        400,
        'InvalidQueryParameterValue',
        'Value for one of the query parameters specified in the request URI is invalid.',
      );
    }
    if (rest.length === 0) return sendError(request, response, 400, 'InvalidUri', 'The requested URI does not represent any resource on the server.');
    if (!targetStats) {
      const parentExists = rest.length === 1 || (await statOrNull(join(root, share, ...rest.slice(0, -1))))?.isDirectory();
      return sendError(
        request,
        response,
        404,
        parentExists ? 'ResourceNotFound' : 'ParentNotFound',
        parentExists ? 'The specified resource does not exist.' : 'The specified parent path does not exist.',
      );
    }
    if (!targetStats.isFile())
      return sendError(request, response, 409, 'ResourceTypeMismatch', 'The specified resource type does not match the type in the URI.');
    return getFile(request, response, method, target, targetStats, range);
  }

  async function listShares(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const page = paging(url);
    if (!page)
      return sendError(
        request,
        response,
        400,
        'OutOfRangeQueryParameterValue',
        'One of the query parameters specified in the request URI is outside the permissible range.',
      );
    const names = (await readdir(root, { withFileTypes: true }))
      .filter((d) => d.isDirectory() && d.name.startsWith(page.prefix))
      .map((d) => d.name)
      .sort();
    const { items, nextMarker } = slice(names, page);
    const shares: string[] = [];
    for (const name of items) {
      const stats = await stat(join(root, name));
      shares.push(
        `<Share><Name>${xml(name)}</Name><Properties><Last-Modified>${stats.mtime.toUTCString()}</Last-Modified><Etag>${etagOf(stats)}</Etag><Quota>5120</Quota></Properties></Share>`,
      );
    }
    sendXml(
      request,
      response,
      `<EnumerationResults ServiceEndpoint="${xml(`${origin}/${ACCOUNT}/`)}">${echo(url)}<Shares>${shares.join('')}</Shares><NextMarker>${xml(nextMarker)}</NextMarker></EnumerationResults>`,
    );
  }

  async function listDirectory(
    request: IncomingMessage,
    response: ServerResponse,
    url: URL,
    share: string,
    rest: string[],
    folder: string,
  ): Promise<void> {
    const page = paging(url);
    if (!page)
      return sendError(
        request,
        response,
        400,
        'OutOfRangeQueryParameterValue',
        'One of the query parameters specified in the request URI is outside the permissible range.',
      );
    const include = new Set((url.searchParams.get('include') ?? '').split(',').map((s) => s.trim().toLowerCase()));
    const extended = header(request, 'x-ms-file-extended-info') === 'true';
    const dirents = (await readdir(folder, { withFileTypes: true })).filter((d) => (d.isDirectory() || d.isFile()) && d.name.startsWith(page.prefix));
    // Entries come back in name order, files and directories interleaved.
    const names = dirents.map((d) => d.name).sort();
    const { items, nextMarker } = slice(names, page);
    const entries: string[] = [];
    for (const name of items) {
      const stats = await stat(join(folder, name));
      const kind = stats.isDirectory() ? 'Directory' : 'File';
      const times = include.has('timestamps')
        ? `<CreationTime>${stats.birthtime.toISOString()}</CreationTime><LastAccessTime>${stats.atime.toISOString()}</LastAccessTime>` +
          `<LastWriteTime>${stats.mtime.toISOString()}</LastWriteTime><ChangeTime>${stats.ctime.toISOString()}</ChangeTime><Last-Modified>${stats.mtime.toUTCString()}</Last-Modified>`
        : '';
      const etag = include.has('etag') ? `<Etag>${etagOf(stats)}</Etag>` : '';
      const length = kind === 'File' ? `<Content-Length>${stats.size}</Content-Length>` : '';
      entries.push(
        `<${kind}>${extended ? `<FileId>${fileId(stats)}</FileId>` : ''}<Name>${xml(name)}</Name><Properties>${length}${times}${etag}</Properties>` +
          `${include.has('attributes') ? `<Attributes>${kind === 'Directory' ? 'Directory' : 'Archive'}</Attributes>` : ''}</${kind}>`,
      );
    }
    const directoryPath = rest.join('/');
    sendXml(
      request,
      response,
      `<EnumerationResults ServiceEndpoint="${xml(`${origin}/${ACCOUNT}/`)}" ShareName="${xml(share)}" DirectoryPath="${xml(directoryPath)}">` +
        `${echo(url)}${extended ? `<DirectoryId>${fileId(await stat(folder))}</DirectoryId>` : ''}<Entries>${entries.join('')}</Entries><NextMarker>${xml(nextMarker)}</NextMarker></EnumerationResults>`,
    );
  }

  async function getFile(
    request: IncomingMessage,
    response: ServerResponse,
    method: string,
    path: string,
    stats: Stats,
    range: string,
  ): Promise<void> {
    const headers = {
      ...versionHeaders(stats),
      ...smbHeaders(stats, 'File'),
      'x-ms-type': 'File',
      'content-type': 'application/octet-stream',
      'accept-ranges': 'bytes',
    };
    if (method === 'HEAD') return sendEmpty(request, response, 200, { ...headers, 'content-length': String(stats.size) });
    let start = 0;
    let end = stats.size - 1;
    let partial = false;
    if (range) {
      const match = /^bytes=(\d+)-(\d*)$/.exec(range.trim());
      if (!match)
        return sendError(request, response, 416, 'InvalidRange', 'The range specified is invalid for the current size of the resource.', undefined, {
          'content-range': `bytes */${stats.size}`,
        });
      start = Number(match[1]);
      end = match[2] === '' ? stats.size - 1 : Math.min(Number(match[2]), stats.size - 1);
      if (start >= stats.size || end < start) {
        return sendError(request, response, 416, 'InvalidRange', 'The range specified is invalid for the current size of the resource.', undefined, {
          'content-range': `bytes */${stats.size}`,
        });
      }
      partial = true;
    }
    if (faults.serverErrors > 0) {
      faults.serverErrors--;
      return sendError(request, response, 500, 'InternalError', 'The server encountered an internal error. Please retry the request.');
    }
    const length = stats.size === 0 ? 0 : end - start + 1;
    response.writeHead(partial ? 206 : 200, {
      ...headers,
      ...requestIdHeaders(request),
      'content-length': String(length),
      ...(partial ? { 'content-range': `bytes ${start}-${end}/${stats.size}` } : {}),
    });
    if (length === 0) return void response.end();
    let drop = -1;
    if (faults.drops > 0) {
      faults.drops--;
      // An empty list (injectReadFaults({ dropAfterBytes: [] })) drops nothing.
      drop = (faults.dropAfterBytes.length > 1 ? faults.dropAfterBytes.shift() : faults.dropAfterBytes[0]) ?? -1;
    }
    let sent = 0;
    const body = createReadStream(path, { start, end });
    for await (const chunk of body as AsyncIterable<Buffer>) {
      if (drop >= 0 && sent + chunk.length > drop) {
        // Mid-body: send what was promised so far, then cut the connection as a failing network does.
        const head = chunk.subarray(0, Math.max(0, drop - sent));
        if (head.length) await write(response, head);
        else if (sent === 0) {
          // The status line and headers go out first, so the client sees a response that breaks off.
          response.flushHeaders();
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
        body.destroy();
        response.socket?.destroy();
        return;
      }
      await write(response, chunk);
      sent += chunk.length;
    }
    response.end();
  }

  return {
    accountUrl: `${origin}/${ACCOUNT}`,
    accountName: ACCOUNT,
    accountKey: KEY,
    root,
    requests,
    injectReadFaults(next) {
      faults.dropAfterBytes =
        next.dropAfterBytes === undefined ? [0] : Array.isArray(next.dropAfterBytes) ? [...next.dropAfterBytes] : [next.dropAfterBytes];
      faults.drops = next.drops ?? (next.dropAfterBytes !== undefined ? 1 : 0);
      faults.serverErrors = next.serverErrors ?? 0;
    },
    async stop() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      if (ownRoot) await rm(root, { recursive: true, force: true });
    },
  };
}

function header(request: IncomingMessage, name: string): string {
  const value = request.headers[name];
  return Array.isArray(value) ? value.join(',') : (value ?? '');
}

/** prefix / marker / maxresults of a list request; null when maxresults is out of range. */
function paging(url: URL): { prefix: string; marker: string; max: number } | null {
  const maxText = url.searchParams.get('maxresults');
  const max = maxText === null ? MAX_RESULTS : Number(maxText);
  if (!Number.isInteger(max) || max < 1) return null;
  return { prefix: url.searchParams.get('prefix') ?? '', marker: url.searchParams.get('marker') ?? '', max: Math.min(max, MAX_RESULTS) };
}

/**
 * One page of sorted names. The marker is opaque to clients; here it is the first name of the next
 * page, the way the service's own markers name where to resume.
 */
function slice(names: string[], page: { marker: string; max: number }): { items: string[]; nextMarker: string } {
  const from = page.marker ? names.findIndex((n) => n >= page.marker) : 0;
  const start = from === -1 ? names.length : from;
  const items = names.slice(start, start + page.max);
  const next = names[start + page.max];
  return { items, nextMarker: next ?? '' };
}

/** The request's paging parameters, echoed the way the service does. */
function echo(url: URL): string {
  const parts: string[] = [];
  const prefix = url.searchParams.get('prefix');
  const marker = url.searchParams.get('marker');
  const max = url.searchParams.get('maxresults');
  if (prefix !== null) parts.push(`<Prefix>${xml(prefix)}</Prefix>`);
  if (marker !== null) parts.push(`<Marker>${xml(marker)}</Marker>`);
  if (max !== null) parts.push(`<MaxResults>${xml(max)}</MaxResults>`);
  return parts.join('');
}

/** Share, directory and file names: no control characters and none of " \ / : | < > * ? */
function isValidName(name: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: Azure Files refuses control characters in names.
  return name.length > 0 && name.length <= 255 && !/["\\/:|<>*?\u0000-\u001f]/.test(name);
}

function etagOf(stats: Stats): string {
  // Azure's ETags look like "0x8DC1A2B3C4D5E6F": a hex of the modification time; the size is mixed in
  // so a rewrite within the same tick still changes it.
  const ticks = BigInt(Math.round(stats.mtimeMs * 10_000)) + 116_444_736_000_000_000n + BigInt(stats.size);
  return `"0x${ticks.toString(16).toUpperCase()}"`;
}

function fileId(stats: Stats): string {
  return String(stats.ino);
}

function versionHeaders(stats: Stats): Record<string, string> {
  return { etag: etagOf(stats), 'last-modified': stats.mtime.toUTCString() };
}

function smbHeaders(stats: Stats, kind: 'File' | 'Directory'): Record<string, string> {
  return {
    'x-ms-file-attributes': kind === 'Directory' ? 'Directory' : 'Archive',
    'x-ms-file-creation-time': stats.birthtime.toISOString(),
    'x-ms-file-last-write-time': stats.mtime.toISOString(),
    'x-ms-file-change-time': stats.ctime.toISOString(),
    'x-ms-file-id': fileId(stats),
    'x-ms-file-parent-id': '0',
  };
}

function requestIdHeaders(request: IncomingMessage): Record<string, string> {
  const clientId = header(request, 'x-ms-client-request-id');
  return {
    'x-ms-request-id': randomUUID(),
    'x-ms-version': VERSION,
    date: new Date().toUTCString(),
    server: 'Windows-Azure-File/1.0 Microsoft-HTTPAPI/2.0',
    ...(clientId ? { 'x-ms-client-request-id': clientId } : {}),
  };
}

function sendEmpty(request: IncomingMessage, response: ServerResponse, status: number, headers: Record<string, string>): void {
  response.writeHead(status, { ...requestIdHeaders(request), 'content-length': headers['content-length'] ?? '0', ...headers });
  response.end();
}

function sendXml(request: IncomingMessage, response: ServerResponse, body: string): void {
  const payload = Buffer.from(`\uFEFF<?xml version="1.0" encoding="utf-8"?>${body}`, 'utf8');
  response.writeHead(200, { ...requestIdHeaders(request), 'content-type': 'application/xml', 'content-length': String(payload.length) });
  response.end(payload);
}

function sendError(
  request: IncomingMessage,
  response: ServerResponse,
  status: number,
  code: string,
  message: string,
  detail?: string,
  extra: Record<string, string> = {},
): void {
  const ids = requestIdHeaders(request);
  const headers = { ...ids, ...extra, 'x-ms-error-code': code };
  // A HEAD response has no body: the code travels in x-ms-error-code only.
  if (request.method === 'HEAD') {
    response.writeHead(status, { ...headers, 'content-length': '0' });
    response.end();
    return;
  }
  const full = `${message}\nRequestId:${ids['x-ms-request-id']}\nTime:${new Date().toISOString()}`;
  const payload = Buffer.from(
    `\uFEFF<?xml version="1.0" encoding="utf-8"?><Error><Code>${xml(code)}</Code><Message>${xml(full)}</Message>${detail ? `<AuthenticationErrorDetail>${xml(detail)}</AuthenticationErrorDetail>` : ''}</Error>`,
    'utf8',
  );
  response.writeHead(status, { ...headers, 'content-type': 'application/xml', 'content-length': String(payload.length) });
  response.end(payload);
}

function xml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
}

async function statOrNull(path: string): Promise<Stats | null> {
  try {
    return await stat(path);
  } catch {
    return null;
  }
}

function write(response: ServerResponse, chunk: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    response.write(chunk, (error) => (error ? reject(error) : resolve()));
  });
}
