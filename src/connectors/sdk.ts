import type { Readable } from 'node:stream';
import type { EgressPolicy } from './egress/egress-policy.js';

/**
 * The connector contract. Connectors know nothing of the platform: they get plain auth params
 * (secrets already decrypted) and answer in storage terms. Flow Service turns that into AEP shapes.
 */

/** An AEP connection spec as `GET /connectionSpecs` returns it, owned by the connector. */
export interface ConnectionSpec {
  id: string;
  name: string;
  providerId: string;
  version: string;
  attributes: { category: string; isSource: boolean; uiAttributes?: Record<string, unknown> };
  /** One entry per auth method; `spec` is the JSON Schema of `auth.params`; secret fields carry `"format": "password"`. */
  authSpec: Array<{ name: string; type: string; spec: Record<string, unknown> }>;
  sourceSpec?: Record<string, unknown>;
  exploreSpec?: Record<string, unknown>;
  permissionsInfo?: Record<string, unknown>;
}

/** One object in a storage, addressed by an absolute, `/`-separated path. */
export interface StorageEntry {
  type: 'file' | 'folder';
  name: string;
  /** Absolute within the connection's root, starting with "/" (folders end without "/"). */
  path: string;
  /** Bytes; files only. */
  size?: number;
  /** Last modification, epoch ms; files only. */
  modifiedAt?: number;
  /** A version tag from the storage (S3 ETag), when it has one. */
  etag?: string;
}

/** Why a connector call failed, so Flow Service can tell bad credentials from an unreachable host. */
export type ConnectorFailure =
  | 'bad_credentials'
  | 'unreachable'
  | 'permission_denied'
  | 'not_found'
  | 'invalid_params'
  | 'path_escape'
  /** The egress policy refused the endpoint's address; no connection was opened. */
  | 'egress_refused'
  | 'transient';

export class ConnectorError extends Error {
  constructor(
    readonly failure: ConnectorFailure,
    message: string,
  ) {
    super(message);
  }
}

/** An opened connection to one storage. */
export interface FileStorage {
  /** Proves the credentials work and the root is reachable; throws ConnectorError. */
  check(): Promise<void>;
  /** The direct children of a folder ("/" is the root), folders first, then files, by name. */
  list(folder: string): Promise<StorageEntry[]>;
  /**
   * The direct children of a folder in the storage's own order, streamed, so that a folder of
   * millions of objects can be paged through without holding it. Optional: without it, paging
   * falls back to `list`.
   */
  streamChildren?(folder: string): AsyncIterable<StorageEntry>;
  /** Every file under a folder; with `recursive`, in sub-folders too. Streams: never loads a huge folder whole. */
  walk(folder: string, options: { recursive: boolean }): AsyncIterable<StorageEntry>;
  /** The entry at a path, or null when nothing is there. */
  stat(path: string): Promise<StorageEntry | null>;
  /** The bytes of a file, as a stream. */
  read(path: string): Promise<Readable>;
  /**
   * Where a file lies on this machine's disk, for readers that can take it in place instead of a
   * copy; null when it is not a regular file there. Optional: only storages on the local disk offer
   * it, and they apply the same confinement as `read`.
   */
  localPath?(path: string): Promise<string | null>;
  close(): Promise<void>;
}

/** A kind of source as Flow Service knows it: its spec and which of its auth params are secrets. */
export interface SourceKind {
  spec: ConnectionSpec;
  /** Names of the auth params that are secrets (encrypted at rest, never returned). */
  secretParams: readonly string[];
  /**
   * Refuses, when a connection is created or patched, settings no access could ever use (throws
   * ConnectorError) — beyond what the auth spec's JSON Schema can say. Optional.
   */
  validateParams?(params: Record<string, unknown>): void;
  /**
   * Names of auth params that are URLs, which may carry credentials (user:password@, a token in the
   * query): such a URL is sealed with the secrets, and shown and stored in clear only redacted.
   */
  credentialUrlParams?: readonly string[];
}

/** What the platform lends a connector when it opens a storage. */
export interface OpenContext {
  /** The egress policy every network connection of the storage goes through; open (a single user's) when absent. */
  egress?: EgressPolicy;
}

/** A kind of storage: its spec, and how to open it with a connection's auth params. */
export interface FileConnector extends SourceKind {
  open(params: Record<string, unknown>, context?: OpenContext): FileStorage;
}

/**
 * Where to start reading a partition that has no checkpoint yet: its oldest retained record, or only what
 * arrives from now on (AEP's `reset` source param).
 */
export type StartPosition = 'earliest' | 'latest';

/** Where a read starts: after a checkpoint of an earlier read, or at a start position when there is none. */
export type ReadFrom = { checkpoint: string } | { start: StartPosition };

/** How much one read takes: at most `maxRecords`, waiting up to `waitMs` for the first. */
export interface ReadOptions {
  maxRecords: number;
  waitMs: number;
  signal?: AbortSignal;
}

/** One ordered lane of a stream: a Kinesis shard, an Event Hubs partition, an HTTP inlet's log. */
export interface StreamPartition {
  id: string;
  /**
   * Partitions that must be read to their end before this one starts (a Kinesis shard made by a split or a
   * merge), so that records of one key stay in order across resharding. Empty for most partitions.
   */
  parents: readonly string[];
  /** True when the partition takes no new records (a shard closed by resharding): once drained, it is done. */
  closed: boolean;
}

/** One record as a stream hands it over. */
export interface StreamRecord {
  /** The record's payload (JSON text for `dataType` `xdm` or `raw` JSON; any bytes otherwise, which then fail as row errors). */
  data: Buffer;
  /** When the stream accepted the record, epoch ms. */
  arrivedAt: number;
}

/** What one read of a partition returns. */
export interface PartitionRead {
  records: StreamRecord[];
  /**
   * The checkpoint after these records: stored with the micro-batch that lands them, and handed back to
   * `read` to go on. Opaque to the platform (a sequence number, an offset). Also when no record came: the
   * runner stores the checkpoint of a first, empty read from `latest` at once, so it must name a position
   * another process can resume from later (not "latest" again), or a consumer taking over would skip records.
   */
  checkpoint: string;
  /** True when the partition is closed and every record of it has been read. */
  drained: boolean;
  /** How far the read is behind the partition's newest record, in ms, when the stream says. */
  lagMs?: number;
}

/** An opened connection to one streaming service. */
export interface RecordStream {
  /** Proves the credentials work and the service answers; throws ConnectorError. */
  check(): Promise<void>;
  /** The streams (Kinesis) or hubs (Event Hubs) this connection can read, for explore. */
  listStreams(): Promise<string[]>;
  /** The partitions of a stream now, closed ones included while they still hold records. */
  partitions(stream: string): Promise<StreamPartition[]>;
  /**
   * Reads the next records of a partition after `from` (a checkpoint from an earlier read, or a start
   * position), at most `maxRecords`, waiting up to `waitMs` for the first when none is there yet.
   */
  read(stream: string, partition: string, from: ReadFrom, options: ReadOptions): Promise<PartitionRead>;
  /**
   * Tells the stream that everything of a partition up to `checkpoint` is committed downstream (its micro-batch and
   * checkpoint are in the Catalog). Optional: only streams that keep records for the platform need it — the HTTP
   * inlet deletes them, which is what frees its backlog. A runner calls it after each commit; it is idempotent.
   */
  acknowledge?(stream: string, partition: string, checkpoint: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * A streaming source: records, not files. It yields records and the checkpoint after them; everything
 * after that — mapping, validation, the batch writer, row errors, metrics — is the same as for files.
 */
export interface StreamingSource extends SourceKind {
  kind: 'streaming';
  /** Opens the stream service; absent while a kind of stream can be stored but not read. */
  open?(params: Record<string, unknown>, context?: OpenContext): RecordStream;
  /**
   * The source connection params `open` reads too, merged over the connection's auth params when a flow opens the
   * stream (Event Hubs: the hub and consumer group a source names). Only these: a source's params never replace
   * anything else of the connection.
   */
  sourceParams?: readonly string[];
  /**
   * The stream a connection reads when its source connection names none: the HTTP inlet's is its own inletId, which
   * only the platform knows, so a source connection of an inlet has no stream param.
   */
  streamOf?(params: Record<string, unknown>): string | undefined;
}
