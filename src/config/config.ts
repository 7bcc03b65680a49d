import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { EGRESS_MODES, type EgressMode } from '../connectors/egress/egress-policy.js';
import { isInside } from '../connectors/local-folder/local-roots.js';

/** Every setting of a Tributary process. Parsed once, in the composition root, and passed down. */
export interface Config {
  /** TCP port of the API and UI (`PORT`, default 8080; 0 picks a free port). */
  port: number;
  /** Interface to bind (`HOST`, default 127.0.0.1). */
  host: string;
  /** Data directory: embedded database, lake, master key, credentials (`TRIBUTARY_HOME`, default `./.tributary`). */
  home: string;
  /** PostgreSQL connection string (`DATABASE_URL`); unset means the embedded PGlite database under the home. */
  databaseUrl: string | null;
  /**
   * Root of the local Parquet lake (`TRIBUTARY_LAKE`, default `$TRIBUTARY_HOME/lake`). With an S3 lake, the local
   * folder for its staging areas and read cache (`$TRIBUTARY_HOME/lake-local`).
   */
  lakeDir: string;
  /**
   * Where the lake lives: a local folder, or an S3-compatible bucket when `TRIBUTARY_LAKE` is `s3://bucket/prefix`
   * (`TRIBUTARY_LAKE_S3_ENDPOINT` for a non-AWS store, `AWS_REGION`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`;
   * `TRIBUTARY_S3_CACHE_BYTES`, default 10 GiB, bounds the local copies SQL reads).
   */
  lake: LakeConfig;
  /** 32-byte key for secrets at rest (`TRIBUTARY_MASTER_KEY`, base64 or hex); unset means a key file under the home. */
  masterKey: Buffer | null;
  /** How often the scheduler looks for due flows, in ms (`TRIBUTARY_SCHEDULER_TICK_MS`, default 5000). */
  schedulerTickMs: number;
  /** Seconds a file must be left unmodified before a run takes it (`TRIBUTARY_SETTLE_SECONDS`, default 0). */
  settleSeconds: number;
  /** Lifetime of issued access tokens in seconds (`TRIBUTARY_TOKEN_TTL_SECONDS`, default 86400 as IMS). */
  tokenTtlSeconds: number;
  /** Log level of the JSON logs (`LOG_LEVEL`: fatal, error, warn, info, debug, trace; default info). */
  logLevel: string;
  /**
   * The only folders the Local Folder connector may read (`TRIBUTARY_LOCAL_ROOTS`: absolute paths separated by
   * `:`, default `$TRIBUTARY_HOME/landing`). A root may not be the home, nor inside it except under `landing/`;
   * the home's own files (master key, admin token, credentials, database, lake) stay unreadable even below a root.
   */
  localRoots: string[];
  /** Operator token for `/tributary/admin/…` (`TRIBUTARY_ADMIN_TOKEN`); unset means one generated into `$TRIBUTARY_HOME/admin.json`. */
  adminToken: string | null;
  /**
   * Limits on reading one input file; unset ones keep the pipeline's defaults. `maxInflatedBytes`
   * (`TRIBUTARY_MAX_INFLATED_BYTES`, default 16 GiB) and `maxInflateRatio` (`TRIBUTARY_MAX_INFLATE_RATIO`,
   * default 100, judged past 64 MiB) refuse decompression bombs; `maxRecordBytes` (`TRIBUTARY_MAX_RECORD_BYTES`,
   * default 8 MiB) is the longest line a delimited or JSON file may have; `segmentBytes` (`TRIBUTARY_SPOOL_SEGMENT_BYTES`,
   * default 256 MiB, at least 64 KiB) is the size of the segments a remote or compressed delimited or JSON-lines file is
   * copied to the scratch folder in, two at most at a time (one read, the next downloaded), so a run's scratch space stays
   * that small whatever the file's size.
   */
  fileLimits: { maxInflatedBytes?: number; maxInflateRatio?: number; maxRecordBytes?: number; segmentBytes?: number };
  /**
   * Which addresses connectors may reach (`TRIBUTARY_EGRESS`): `open` (default; a single-user install) lets them
   * reach loopback and the private network, `public-only` (a multi-tenant install) only the public internet.
   * Link-local and cloud metadata addresses are refused in both, after DNS resolution and on redirects.
   */
  egress: EgressMode;
  /** Working files of runs in progress (`$TRIBUTARY_HOME/scratch`); what a dead run left there is swept. */
  scratchDir: string;
  /**
   * How often a run in progress proves its worker alive, in ms (`TRIBUTARY_RUN_HEARTBEAT_MS`, default 15000);
   * a run silent for ten of these is failed as abandoned.
   */
  runHeartbeatMs: number;
  /** How streaming flows are consumed: micro-batch cuts and partition leases. */
  stream: StreamConfig;
  /** Query Service limits, per process. */
  query: QueryConfig;
  /**
   * Records an HTTP API inlet may hold that its stream has not consumed yet (`TRIBUTARY_INLET_MAX_BACKLOG`, default
   * 100000); past it, posts answer 429 until the stream catches up.
   */
  inletMaxBacklog: number;
  /** Query Service's PostgreSQL interface, started by `serve`. */
  sql: SqlConfig;
  /** Background compaction of datasets' small data files (see the README's settings table). */
  compaction: CompactionConfig;
  /** Upkeep of the datasets' Iceberg tables: snapshot expiry and orphan removal. */
  tables: TableUpkeepConfig;
}

/** Table compaction: which files are small, when a dataset is worth compacting, how often datasets are looked at. */
export interface CompactionConfig {
  /** Bytes of one compacted file (`TRIBUTARY_COMPACT_TARGET_BYTES`, default 128 MiB); a file under a quarter of it is small. */
  targetBytes: number;
  /** Small files a dataset needs before it is compacted (`TRIBUTARY_COMPACT_MIN_FILES`, default 16). */
  minFiles: number;
  /** How often datasets are looked at, in ms (`TRIBUTARY_COMPACT_INTERVAL_MS`, default 600000; 0: never). */
  intervalMs: number;
}

export interface TableUpkeepConfig {
  /**
   * Snapshots older than this are expired unless a table's `history.expire.max-snapshot-age-ms` says otherwise
   * (`TRIBUTARY_SNAPSHOT_RETENTION_MS`, default 5 days); the current snapshot always stays.
   */
  snapshotRetentionMs: number;
  /** A file no snapshot or batch references is removed once this old (`TRIBUTARY_ORPHAN_MIN_AGE_MS`, default 3 days). */
  orphanMinAgeMs: number;
  /** How often each table is looked after (`TRIBUTARY_TABLE_MAINTENANCE_INTERVAL_MS`, default 1 hour; 0: never). */
  maintenanceIntervalMs: number;
}

export interface SqlConfig {
  /** TCP port of the PostgreSQL interface (`TRIBUTARY_SQL_PORT`, default 5433; `0` or `off`: no listener). */
  port: number | null;
  /** Interface it listens on (`TRIBUTARY_SQL_HOST`, default `HOST`). */
  host: string;
}

function sqlPort(raw: string | undefined): number | null {
  const text = raw?.trim().toLowerCase();
  if (text === undefined || text === '') return 5433;
  if (text === 'off' || text === '0') return null;
  const port = Number(text);
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new ConfigError(`TRIBUTARY_SQL_PORT must be a port (1–65535), 0 or "off", got "${raw}"`);
  return port;
}

export interface QueryConfig {
  /** Queries run at once by this process (`TRIBUTARY_QUERY_CONCURRENCY`, default 2); later ones wait, SUBMITTED, in order. */
  concurrency: number;
  /** Bytes of JSON rows a result keeps (`TRIBUTARY_QUERY_MAX_RESULT_BYTES`, default 64 MiB); past it the result is truncated. */
  maxResultBytes: number;
  /** DuckDB `memory_limit` of each query's engine (`TRIBUTARY_QUERY_MEMORY_LIMIT`, default 512MB); past it, work spills under the home. */
  memoryLimit: string;
}

export type LakeConfig =
  | { kind: 'local'; dir: string }
  | {
      kind: 's3';
      bucket: string;
      prefix: string;
      localDir: string;
      endpoint?: string;
      region?: string;
      accessKeyId?: string;
      secretAccessKey?: string;
      /** Bytes the local read cache of committed files may hold (least recently used out). */
      cacheBytes: number;
    };

export class ConfigError extends Error {}

function lakeConfig(env: NodeJS.ProcessEnv, home: string): LakeConfig {
  const raw = env.TRIBUTARY_LAKE;
  if (!raw || !/^s3:\/\//i.test(raw)) return { kind: 'local', dir: resolve(raw || join(home, 'lake')) };
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])(?:\/(.*))?$/i.exec(raw);
  if (!match) throw new ConfigError(`TRIBUTARY_LAKE must be a folder or s3://bucket/prefix, got "${raw}"`);
  const endpoint = env.TRIBUTARY_LAKE_S3_ENDPOINT || undefined;
  if (endpoint && !/^https?:\/\//.test(endpoint)) throw new ConfigError('TRIBUTARY_LAKE_S3_ENDPOINT must be an http(s) URL');
  return {
    kind: 's3',
    bucket: match[1]!,
    prefix: (match[2] ?? '').replace(/^\/+|\/+$/g, ''),
    localDir: join(home, 'lake-local'),
    cacheBytes: integer(env, 'TRIBUTARY_S3_CACHE_BYTES', 10 * 1024 ** 3, 0),
    ...(endpoint ? { endpoint } : {}),
    ...(env.AWS_REGION ? { region: env.AWS_REGION } : {}),
    ...(env.AWS_ACCESS_KEY_ID ? { accessKeyId: env.AWS_ACCESS_KEY_ID } : {}),
    ...(env.AWS_SECRET_ACCESS_KEY ? { secretAccessKey: env.AWS_SECRET_ACCESS_KEY } : {}),
  };
}

function localRoots(raw: string | undefined, home: string): string[] {
  const landing = join(home, 'landing');
  if (!raw) return [landing];
  const roots = raw.split(delimiter).filter((root) => root !== '');
  for (const root of roots) {
    if (!isAbsolute(root)) throw new ConfigError(`TRIBUTARY_LOCAL_ROOTS must list absolute folders, got "${root}"`);
    const resolved = resolve(root);
    if (resolved === home) throw new ConfigError(`TRIBUTARY_LOCAL_ROOTS may not name the home ${home}: it holds the master key and credentials`);
    if (isInside(home, resolved) && !isInside(landing, resolved))
      throw new ConfigError(`TRIBUTARY_LOCAL_ROOTS may name a folder inside the home only under ${landing}, got "${root}"`);
  }
  return roots.map((root) => resolve(root));
}

function integer(env: NodeJS.ProcessEnv, name: string, fallback: number, min = 0): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new ConfigError(`${name} must be an integer ≥ ${min}, got "${raw}"`);
  return value;
}

function masterKey(raw: string | undefined): Buffer | null {
  if (!raw) return null;
  const key = /^[0-9a-fA-F]{64}$/.test(raw) ? Buffer.from(raw, 'hex') : Buffer.from(raw, 'base64');
  if (key.length !== 32) throw new ConfigError('TRIBUTARY_MASTER_KEY must be 32 bytes, as 64 hex digits or base64');
  return key;
}

function egressMode(raw: string | undefined): EgressMode {
  if (!raw) return 'open';
  if (!(EGRESS_MODES as readonly string[]).includes(raw)) throw new ConfigError(`TRIBUTARY_EGRESS must be one of ${EGRESS_MODES.join(', ')}`);
  return raw as EgressMode;
}

function logLevel(raw: string | undefined): string {
  const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
  if (!raw) return 'info';
  if (!levels.includes(raw)) throw new ConfigError(`LOG_LEVEL must be one of ${levels.join(', ')}`);
  return raw;
}

function memorySize(raw: string | undefined, fallback: string): string {
  if (!raw) return fallback;
  if (!/^\d+(\.\d+)?\s*(B|KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i.test(raw.trim()))
    throw new ConfigError(`TRIBUTARY_QUERY_MEMORY_LIMIT must be a size such as 512MB or 2GiB, got "${raw}"`);
  return raw.trim();
}

function fileLimits(env: NodeJS.ProcessEnv): Config['fileLimits'] {
  const set = (name: string, min: number) => (env[name] ? integer(env, name, 0, min) : undefined);
  const limits: Config['fileLimits'] = {};
  const inflated = set('TRIBUTARY_MAX_INFLATED_BYTES', 1);
  const ratio = set('TRIBUTARY_MAX_INFLATE_RATIO', 1);
  const record = set('TRIBUTARY_MAX_RECORD_BYTES', 1024);
  if (inflated !== undefined) limits.maxInflatedBytes = inflated;
  if (ratio !== undefined) limits.maxInflateRatio = ratio;
  if (record !== undefined) limits.maxRecordBytes = record;
  const segment = set('TRIBUTARY_SPOOL_SEGMENT_BYTES', 64 * 1024);
  if (segment !== undefined) limits.segmentBytes = segment;
  return limits;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const home = resolve(env.TRIBUTARY_HOME || '.tributary');
  const lake = lakeConfig(env, home);
  return {
    port: integer(env, 'PORT', 8080),
    host: env.HOST || '127.0.0.1',
    home,
    databaseUrl: env.DATABASE_URL || null,
    lakeDir: lake.kind === 'local' ? lake.dir : lake.localDir,
    lake,
    masterKey: masterKey(env.TRIBUTARY_MASTER_KEY),
    schedulerTickMs: integer(env, 'TRIBUTARY_SCHEDULER_TICK_MS', 5000, 50),
    settleSeconds: integer(env, 'TRIBUTARY_SETTLE_SECONDS', 0),
    tokenTtlSeconds: integer(env, 'TRIBUTARY_TOKEN_TTL_SECONDS', 86400, 1),
    logLevel: logLevel(env.LOG_LEVEL),
    adminToken: env.TRIBUTARY_ADMIN_TOKEN || null,
    localRoots: localRoots(env.TRIBUTARY_LOCAL_ROOTS, home),
    query: {
      concurrency: integer(env, 'TRIBUTARY_QUERY_CONCURRENCY', 2, 1),
      maxResultBytes: integer(env, 'TRIBUTARY_QUERY_MAX_RESULT_BYTES', 64 * 1024 * 1024, 1),
      memoryLimit: memorySize(env.TRIBUTARY_QUERY_MEMORY_LIMIT, '512MB'),
    },
    sql: { port: sqlPort(env.TRIBUTARY_SQL_PORT), host: env.TRIBUTARY_SQL_HOST || env.HOST || '127.0.0.1' },
    fileLimits: fileLimits(env),
    egress: egressMode(env.TRIBUTARY_EGRESS),
    scratchDir: join(home, 'scratch'),
    runHeartbeatMs: integer(env, 'TRIBUTARY_RUN_HEARTBEAT_MS', 15_000, 100),
    inletMaxBacklog: integer(env, 'TRIBUTARY_INLET_MAX_BACKLOG', 100_000, 1),
    compaction: {
      targetBytes: integer(env, 'TRIBUTARY_COMPACT_TARGET_BYTES', 128 * 1024 * 1024, 1024),
      minFiles: integer(env, 'TRIBUTARY_COMPACT_MIN_FILES', 16, 2),
      intervalMs: integer(env, 'TRIBUTARY_COMPACT_INTERVAL_MS', 600_000, 0),
    },
    tables: {
      snapshotRetentionMs: integer(env, 'TRIBUTARY_SNAPSHOT_RETENTION_MS', 5 * 24 * 3_600_000),
      orphanMinAgeMs: integer(env, 'TRIBUTARY_ORPHAN_MIN_AGE_MS', 3 * 24 * 3_600_000),
      maintenanceIntervalMs: integer(env, 'TRIBUTARY_TABLE_MAINTENANCE_INTERVAL_MS', 3_600_000),
    },
    stream: {
      batchMs: integer(env, 'TRIBUTARY_STREAM_BATCH_MS', 2000, 50),
      batchRecords: integer(env, 'TRIBUTARY_STREAM_BATCH_RECORDS', 10_000, 1),
      batchBytes: integer(env, 'TRIBUTARY_STREAM_BATCH_BYTES', 16 * 1024 * 1024, 1024),
      maxRecordBytes: integer(env, 'TRIBUTARY_STREAM_MAX_RECORD_BYTES', 1024 * 1024, 16),
      leaseMs: integer(env, 'TRIBUTARY_STREAM_LEASE_MS', 10_000, 500),
      scanMs: integer(env, 'TRIBUTARY_STREAM_SCAN_MS', 2000, 50),
      runWindowMs: integer(env, 'TRIBUTARY_STREAM_RUN_WINDOW_MS', 3_600_000, 1000),
    },
  };
}

/** The stream runner's settings (see the README's settings table). */
export interface StreamConfig {
  /** A micro-batch is cut this long after its first record at the latest (`TRIBUTARY_STREAM_BATCH_MS`). */
  batchMs: number;
  /** …or once it holds this many records (`TRIBUTARY_STREAM_BATCH_RECORDS`)… */
  batchRecords: number;
  /** …or this many bytes of records (`TRIBUTARY_STREAM_BATCH_BYTES`). */
  batchBytes: number;
  /** A record larger than this is a row error of its batch (`TRIBUTARY_STREAM_MAX_RECORD_BYTES`, AEP's 1 MB). */
  maxRecordBytes: number;
  /** A partition's lease lasts this long unless renewed; a dead holder's is taken over after it (`TRIBUTARY_STREAM_LEASE_MS`). */
  leaseMs: number;
  /** How often a process looks for streaming flows and free partitions (`TRIBUTARY_STREAM_SCAN_MS`). */
  scanMs: number;
  /** A streaming flow's runs each sum up the micro-batches of one window this long (`TRIBUTARY_STREAM_RUN_WINDOW_MS`). */
  runWindowMs: number;
}
