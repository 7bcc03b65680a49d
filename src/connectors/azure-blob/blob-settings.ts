import { AnonymousCredential, BlobServiceClient } from '@azure/storage-blob';
import { ConnectorError } from '../sdk.js';
import { optionalString } from '../files/params.js';
import { pathSegments } from '../files/path.js';
import { azureClientOptions, isPathStyleUrl } from '../azure-shared/index.js';
import { OPEN_EGRESS, type EgressPolicy } from '../egress/index.js';

/** What an Azure Blob connection's auth params amount to. */
export interface BlobSettings {
  service: BlobServiceClient;
  /** The one container the connection is confined to; absent: "/" lists the containers. */
  container?: string;
  /** Name prefix the connection is confined to inside `container`: "" or "a/b/". */
  folderPrefix: string;
}

export function parseBlobSettings(params: Record<string, unknown>, egress: EgressPolicy = OPEN_EGRESS): BlobSettings {
  const connectionString = optionalString(params, 'connectionString');
  const sasUri = optionalString(params, 'sasUri');
  if ((connectionString === undefined) === (sasUri === undefined)) {
    throw new ConnectorError('invalid_params', 'auth.params needs exactly one of connectionString and sasUri');
  }
  let container = optionalString(params, 'container');
  let service: BlobServiceClient;
  if (connectionString !== undefined) {
    try {
      // The endpoint a connection string names is known once it is parsed, and the agent depends on its scheme.
      const endpoint = BlobServiceClient.fromConnectionString(connectionString).url;
      service = BlobServiceClient.fromConnectionString(connectionString, azureClientOptions(egress, endpoint));
    } catch {
      // The SDK's message may quote the string, key included: never repeat it.
      throw new ConnectorError('invalid_params', 'auth.params.connectionString is not a valid Azure Storage connection string');
    }
  } else {
    const parsed = parseSasUri(sasUri!);
    if (parsed.container !== undefined) {
      if (container !== undefined && container !== parsed.container) {
        throw new ConnectorError('invalid_params', 'auth.params.container differs from the container of auth.params.sasUri');
      }
      container = parsed.container;
    }
    service = new BlobServiceClient(parsed.serviceUrl, new AnonymousCredential(), azureClientOptions(egress, parsed.serviceUrl));
  }
  return { service, ...confinement(container, optionalString(params, 'folderPath')) };
}

/** `container` + `folderPath` as a container and a name prefix, checked. */
export function confinement(container: string | undefined, folderPath: string | undefined): { container?: string; folderPrefix: string } {
  if (container !== undefined && container.includes('/')) {
    throw new ConnectorError('invalid_params', 'auth.params.container is a container name; put the folder in folderPath');
  }
  if (folderPath !== undefined && container === undefined) {
    throw new ConnectorError('invalid_params', 'auth.params.folderPath needs a container');
  }
  const folderSegments = folderPath === undefined ? [] : pathSegments(folderPath);
  return { ...(container !== undefined ? { container } : {}), folderPrefix: folderSegments.map((segment) => `${segment}/`).join('') };
}

/**
 * A SAS URI as the service URL (account address plus the signature) and the container it names,
 * if any: a container SAS (https://acct.blob.core.windows.net/container?sv=…) cannot list the
 * account's containers, so the connection is confined to that container.
 */
function parseSasUri(sasUri: string): { serviceUrl: string; container?: string } {
  let url: URL;
  try {
    url = new URL(sasUri);
  } catch {
    throw new ConnectorError('invalid_params', 'auth.params.sasUri is not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConnectorError('invalid_params', 'auth.params.sasUri must be an http(s) URL');
  if (!url.searchParams.has('sig')) throw new ConnectorError('invalid_params', 'auth.params.sasUri has no signature (sig=…)');
  const segments = url.pathname
    .split('/')
    .filter((s) => s !== '')
    .map(decodeURIComponent);
  const accountSegments = isPathStyleUrl(url) ? 1 : 0;
  if (segments.length > accountSegments + 1) {
    throw new ConnectorError('invalid_params', 'auth.params.sasUri must address the account or one container; put the folder in folderPath');
  }
  const container = segments[accountSegments];
  const base = `${url.protocol}//${url.host}/${segments.slice(0, accountSegments).map(encodeURIComponent).join('/')}`;
  return { serviceUrl: `${base.replace(/\/$/, '')}${url.search}`, ...(container !== undefined ? { container } : {}) };
}
