import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { canonical, FakeFileSystem, type FakeNode } from './fake-file-system.js';

/**
 * A fake HDFS that speaks WebHDFS as the Hadoop documentation describes it (WebHDFS REST API,
 * Hadoop 3.x): a name node answering GETFILESTATUS, LISTSTATUS and LISTSTATUS_BATCH with
 * `FileStatus` JSON, and OPEN with a `307 Temporary Redirect` to a data node on another port,
 * which streams the bytes from `offset` (for `length`). Errors are `RemoteException` JSON bodies
 * with the status the docs give per Java exception (IllegalArgumentException 400,
 * AccessControlException 403, FileNotFoundException 404, StandbyException 403…).
 *
 * It runs inside the test process so a test can break it on purpose: cut a data transfer at a
 * byte, or make requests fail with a status.
 */

export interface FakeWebHdfsOptions {
  /** Entries per LISTSTATUS_BATCH answer (`dfs.ls.limit`, 1000 in Hadoop). */
  listLimit?: number;
  /** false: behave as Hadoop before 2.8, which has no LISTSTATUS_BATCH. */
  batchListing?: boolean;
  /** The name node answers 401 (SecurityException) to requests without these query params and this Authorization header. */
  requireCredentials?: { query?: Record<string, string>; authorization?: string };
}

export interface FakeWebHdfs {
  /** The name node's address, as a user gives it: http://127.0.0.1:PORT */
  url: string;
  fs: FakeFileSystem;
  /** Requests served, as "namenode OP /path" or "datanode OPEN /path offset". */
  requests: string[];
  /** The next `times` data transfers of `path` that reach byte `at` stop there: the socket is destroyed mid-body. */
  cutTransfer(path: string, at: number, times?: number): void;
  /** The next `times` requests of `op` on `path` (any path when omitted) answer `status` with a RemoteException. */
  failRequests(fault: { op: string; path?: string; status: number; exception: string; times?: number }): void;
  clearFaults(): void;
  stop(): Promise<void>;
}

interface Cut {
  path: string;
  at: number;
  times: number;
}

interface Failure {
  op: string;
  path?: string;
  status: number;
  exception: string;
  times: number;
}

const JAVA_CLASS: Record<string, string> = {
  FileNotFoundException: 'java.io.FileNotFoundException',
  AccessControlException: 'org.apache.hadoop.security.AccessControlException',
  IllegalArgumentException: 'java.lang.IllegalArgumentException',
  StandbyException: 'org.apache.hadoop.ipc.StandbyException',
  IOException: 'java.io.IOException',
  RuntimeException: 'java.lang.RuntimeException',
};

const PREFIX = '/webhdfs/v1';

export async function startFakeWebHdfs(options: FakeWebHdfsOptions = {}): Promise<FakeWebHdfs> {
  const fs = new FakeFileSystem();
  const requests: string[] = [];
  let cuts: Cut[] = [];
  let failures: Failure[] = [];
  const listLimit = options.listLimit ?? 1000;
  const sockets = new Set<Socket>();

  const takeFailure = (op: string, path: string): Failure | undefined => {
    const failure = failures.find((f) => f.op === op && (f.path === undefined || f.path === path) && f.times > 0);
    if (failure) failure.times--;
    return failure;
  };

  const datanode = createServer((req, res) => {
    const { op, path, params } = parse(req);
    const offset = Number(params.get('offset') ?? 0);
    requests.push(`datanode ${op} ${path} ${offset}`);
    const failure = takeFailure(`datanode:${op}`, path);
    if (failure) return remoteException(res, failure.status, failure.exception, `injected failure of ${op} ${path}`);
    if (op !== 'OPEN') return remoteException(res, 400, 'IllegalArgumentException', `Invalid operation ${op}`);
    const node = fs.get(path);
    if (!node || node.type !== 'FILE') return remoteException(res, 404, 'FileNotFoundException', `File does not exist: ${path}`);
    const length = params.has('length') ? Number(params.get('length')) : node.data.length - offset;
    const end = Math.min(node.data.length, offset + Math.max(0, length));
    const body = node.data.subarray(Math.min(offset, node.data.length), end);
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(body.length) });
    const cut = cuts.find((c) => c.path === path && c.times > 0 && c.at >= offset && c.at < end);
    if (cut) cut.times--;
    void stream(res, cut ? body.subarray(0, cut.at - offset) : body, Boolean(cut));
  });

  const datanodeAddress = await listen(datanode, sockets);

  const namenode = createServer((req, res) => {
    const { op, path, params } = parse(req);
    requests.push(`namenode ${op} ${path}`);
    const required = options.requireCredentials;
    if (
      required &&
      (Object.entries(required.query ?? {}).some(([key, value]) => new URL(req.url ?? '/', 'http://x').searchParams.get(key) !== value) ||
        (required.authorization !== undefined && req.headers.authorization !== required.authorization))
    )
      return remoteException(res, 401, 'SecurityException', 'Authentication required');
    const failure = takeFailure(op, path);
    if (failure) return remoteException(res, failure.status, failure.exception, `injected failure of ${op} ${path}`);
    if (req.method !== 'GET')
      return remoteException(res, 400, 'IllegalArgumentException', `Invalid value for webhdfs parameter "op": ${op} is not a GET operation`);
    const node = fs.get(path);
    switch (op) {
      case 'GETFILESTATUS': {
        const denied = fs.deniedAncestor(parentPath(path));
        if (denied) return accessDenied(res, denied);
        if (!node) return remoteException(res, 404, 'FileNotFoundException', `File does not exist: ${path}`);
        return json(res, 200, { FileStatus: fileStatus('', node, fs, path) });
      }
      case 'LISTSTATUS':
      case 'LISTSTATUS_BATCH': {
        if (op === 'LISTSTATUS_BATCH' && options.batchListing === false) return unknownOp(res, op);
        const denied = fs.deniedAncestor(path);
        if (denied) return accessDenied(res, denied);
        if (!node) return remoteException(res, 404, 'FileNotFoundException', `File ${path} does not exist.`);
        let statuses =
          node.type === 'FILE'
            ? [fileStatus('', node, fs, path)]
            : fs.children(path).map(([name, child]) => fileStatus(name, child, fs, `${path === '/' ? '' : path}/${name}`));
        if (op === 'LISTSTATUS') return json(res, 200, { FileStatuses: { FileStatus: statuses } });
        const startAfter = params.get('startAfter');
        if (startAfter !== null) statuses = statuses.filter((s) => Buffer.compare(Buffer.from(s.pathSuffix), Buffer.from(startAfter)) > 0);
        const page = statuses.slice(0, listLimit);
        return json(res, 200, {
          DirectoryListing: { partialListing: { FileStatuses: { FileStatus: page } }, remainingEntries: statuses.length - page.length },
        });
      }
      case 'OPEN': {
        const denied = fs.deniedAncestor(path);
        if (denied) return accessDenied(res, denied);
        if (!node) return remoteException(res, 404, 'FileNotFoundException', `File does not exist: ${path}`);
        if (node.type !== 'FILE') return remoteException(res, 404, 'FileNotFoundException', `Path is not a file: ${path}`);
        const location = new URL(`http://127.0.0.1:${datanodeAddress.port}${PREFIX}${encodePath(path)}`);
        location.searchParams.set('op', 'OPEN');
        location.searchParams.set('namenoderpcaddress', 'namenode.fake:8020');
        location.searchParams.set('offset', params.get('offset') ?? '0');
        if (params.has('length')) location.searchParams.set('length', params.get('length')!);
        res.writeHead(307, { location: location.href, 'content-type': 'application/octet-stream', 'content-length': '0' });
        return res.end();
      }
      default:
        return unknownOp(res, op);
    }
  });

  const namenodeAddress = await listen(namenode, sockets);

  return {
    url: `http://127.0.0.1:${namenodeAddress.port}`,
    fs,
    requests,
    cutTransfer(path, at, times = Number.POSITIVE_INFINITY) {
      cuts.push({ path: canonical(path), at, times });
    },
    failRequests(fault) {
      failures.push({ ...fault, ...(fault.path ? { path: canonical(fault.path) } : {}), times: fault.times ?? Number.POSITIVE_INFINITY });
    },
    clearFaults() {
      cuts = [];
      failures = [];
    },
    async stop() {
      for (const socket of sockets) socket.destroy();
      await Promise.all([namenode, datanode].map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
    },
  };
}

function parse(req: IncomingMessage): { op: string; path: string; params: URLSearchParams } {
  const url = new URL(req.url ?? '/', 'http://fake');
  // WebHDFS parameter names are case-insensitive, and so are op values.
  const params = new URLSearchParams();
  for (const [key, value] of url.searchParams) params.set(key === 'startAfter' ? key : key.toLowerCase(), value);
  const op = (params.get('op') ?? '').toUpperCase();
  const raw = url.pathname.startsWith(PREFIX) ? url.pathname.slice(PREFIX.length) : url.pathname;
  return { op, path: canonical(raw.split('/').map(decodeURIComponent).join('/')), params };
}

function fileStatus(pathSuffix: string, node: FakeNode, fs: FakeFileSystem, path: string) {
  return {
    accessTime: node.type === 'FILE' ? node.modificationTime : 0,
    blockSize: node.type === 'FILE' ? 134_217_728 : 0,
    childrenNum: node.type === 'DIRECTORY' ? fs.children(path).length : 0,
    fileId: node.fileId,
    group: 'supergroup',
    length: node.type === 'FILE' ? node.data.length : 0,
    modificationTime: node.modificationTime,
    owner: 'hdfs',
    pathSuffix,
    permission: node.readable ? (node.type === 'FILE' ? '644' : '755') : '700',
    replication: node.type === 'FILE' ? 3 : 0,
    storagePolicy: 0,
    type: node.type,
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(text)), 'cache-control': 'no-cache' });
  res.end(text);
}

function remoteException(res: ServerResponse, status: number, exception: string, message: string): void {
  json(res, status, { RemoteException: { exception, javaClassName: JAVA_CLASS[exception] ?? `org.apache.hadoop.${exception}`, message } });
}

function unknownOp(res: ServerResponse, op: string): void {
  remoteException(
    res,
    400,
    'IllegalArgumentException',
    `Invalid value for webhdfs parameter "op": No enum constant org.apache.hadoop.hdfs.web.resources.GetOpParam.Op.${op}`,
  );
}

function accessDenied(res: ServerResponse, inode: string): void {
  remoteException(
    res,
    403,
    'AccessControlException',
    `Permission denied: user=dr.who, access=READ_EXECUTE, inode="${inode}":hdfs:supergroup:drwx------`,
  );
}

function parentPath(path: string): string {
  const index = path.lastIndexOf('/');
  return index <= 0 ? '/' : path.slice(0, index);
}

function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/** Writes a body in 64 KiB pieces, honouring backpressure; `cut`: then kills the connection, mid-body. */
async function stream(res: ServerResponse, body: Buffer, cut: boolean): Promise<void> {
  const piece = 64 * 1024;
  for (let at = 0; at < body.length; at += piece) {
    if (res.destroyed) return;
    if (!res.write(body.subarray(at, at + piece))) await new Promise((resolve) => res.once('drain', resolve));
  }
  if (cut) {
    // Let what was written reach the client first, so it sees a transfer that stops part-way.
    await new Promise<void>((resolve) => res.write('', () => resolve()));
    res.socket?.destroy();
  } else {
    res.end();
  }
}

async function listen(server: Server, sockets: Set<Socket>): Promise<AddressInfo> {
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server.address() as AddressInfo;
}
