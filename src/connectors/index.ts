import type { FileConnector, StreamingSource } from './sdk.js';
import type { EgressPolicy } from './egress/index.js';
import { amazonS3 } from './amazon-s3/index.js';
import { type LocalRootsOptions, localFolder } from './local-folder/index.js';
import { hdfs } from './hdfs/index.js';
import { azureBlob } from './azure-blob/index.js';
import { adlsGen2 } from './adls-gen2/index.js';
import { azureFileStorage } from './azure-file-storage/index.js';
import { googleCloudStorage } from './google-cloud-storage/index.js';
import { sftp } from './sftp/index.js';
import { kinesis } from './kinesis/index.js';
import { streamingSources } from './streaming/streaming.specs.js';

export * from './sdk.js';
export { selectFiles, normalizePath, compareEntries } from './files/index.js';
export { amazonS3, AMAZON_S3_SPEC_ID } from './amazon-s3/index.js';
export { localFolder, LOCAL_FOLDER_SPEC_ID, type LocalRootsOptions } from './local-folder/index.js';
export { hdfs, HDFS_SPEC_ID } from './hdfs/index.js';
export { azureBlob, AZURE_BLOB_SPEC_ID } from './azure-blob/index.js';
export { adlsGen2, ADLS_GEN2_SPEC_ID } from './adls-gen2/index.js';
export { azureFileStorage, AZURE_FILE_STORAGE_SPEC_ID } from './azure-file-storage/index.js';
export { googleCloudStorage, GCS_SPEC_ID } from './google-cloud-storage/index.js';
export { sftp, SFTP_SPEC_ID } from './sftp/index.js';
export { kinesis, KinesisStream } from './kinesis/index.js';
export { streamingSources, KINESIS_SPEC_ID, EVENT_HUBS_SPEC_ID } from './streaming/streaming.specs.js';

/** The connectors a platform knows, by connection spec id. */
export class ConnectorRegistry {
  private readonly byId = new Map<string, FileConnector>();

  constructor(connectors: FileConnector[] = []) {
    for (const connector of connectors) {
      if (this.byId.has(connector.spec.id)) throw new Error(`Two connectors share the connection spec id ${connector.spec.id}`);
      this.byId.set(connector.spec.id, connector);
    }
  }

  get(specId: string): FileConnector | undefined {
    return this.byId.get(specId);
  }

  all(): FileConnector[] {
    return [...this.byId.values()];
  }
}

/** What the operator decides about the connectors of a platform. */
export interface ConnectorOptions {
  /** The folders the Local Folder connector may read, and the platform's own it never reads. */
  localFolders: LocalRootsOptions;
  /** The policy every network connection of the connectors goes through; open (a single user's) when absent. */
  egress?: EgressPolicy;
}

/** Every file connector Tributary ships. */
export function defaultConnectors(options: ConnectorOptions): FileConnector[] {
  const connectors = [localFolder(options.localFolders), amazonS3, hdfs, azureBlob, adlsGen2, azureFileStorage, googleCloudStorage, sftp];
  const { egress } = options;
  return egress ? connectors.map((connector) => withEgress(connector, egress)) : connectors;
}

/** A connector whose storages all open under one egress policy. */
function withEgress(connector: FileConnector, egress: EgressPolicy): FileConnector {
  return { ...connector, open: (params, context) => connector.open(params, { egress, ...context }) };
}

/**
 * The streaming sources of the connectors: Kinesis and Event Hubs, readable (the HTTP inlet, which reads the
 * store, is the platform's own), under the egress policy when one is given.
 */
export function defaultStreamingSources(options: { egress?: EgressPolicy } = {}): StreamingSource[] {
  const readable = [kinesis];
  const sources = streamingSources().map((spec) => readable.find((r) => r.spec.id === spec.spec.id) ?? spec);
  return options.egress ? withStreamingEgress(sources, options.egress) : sources;
}

/** Streaming sources whose streams all open under one egress policy (the HTTP inlet, reading the store, ignores it). */
export function withStreamingEgress(sources: StreamingSource[], egress: EgressPolicy): StreamingSource[] {
  return sources.map((source) => {
    const open = source.open;
    return open ? { ...source, open: (params, context) => open(params, { egress, ...context }) } : source;
  });
}
