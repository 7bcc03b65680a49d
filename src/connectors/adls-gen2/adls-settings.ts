import { ClientSecretCredential } from '@azure/identity';
import { AnonymousCredential as BlobAnonymous, BlobServiceClient, StorageSharedKeyCredential as BlobSharedKey } from '@azure/storage-blob';
import { AnonymousCredential as DfsAnonymous, DataLakeServiceClient, StorageSharedKeyCredential as DfsSharedKey } from '@azure/storage-file-datalake';
import { ConnectorError } from '../sdk.js';
import { optionalString, requiredString } from '../files/params.js';
import { isAddressableName } from '../files/path.js';
import { azureClientOptions, isPathStyleUrl } from '../azure-shared/index.js';
import { OPEN_EGRESS, type EgressPolicy } from '../egress/index.js';

/** What an ADLS Gen2 connection's auth params amount to. */
export interface AdlsSettings {
  /** The dfs endpoint's client (file systems, paths). */
  dfs: DataLakeServiceClient;
  /** The blob endpoint's client, for when the dfs endpoint is unavailable. */
  blob: BlobServiceClient;
  /** True when `url` named the blob endpoint: the dfs one is then not tried. */
  blobOnly: boolean;
  /** The one file system the connection is confined to; absent: "/" lists the file systems. */
  fileSystem?: string;
  /** Path prefix inside `fileSystem`: "" or "a/b/". */
  folderPrefix: string;
}

export function parseAdlsSettings(params: Record<string, unknown>, egress: EgressPolicy = OPEN_EGRESS): AdlsSettings {
  const url = parseUrl(requiredString(params, 'url'));
  const servicePrincipalKey = optionalString(params, 'servicePrincipalKey');
  const accountKey = optionalString(params, 'accountKey');
  const sasToken = optionalString(params, 'sasToken')?.replace(/^\?/, '');
  const given = [servicePrincipalKey, accountKey, sasToken].filter((v) => v !== undefined).length;
  if (given !== 1) throw new ConnectorError('invalid_params', 'auth.params needs exactly one of servicePrincipalKey, accountKey and sasToken');

  const query = sasToken ? `?${sasToken}` : '';
  const dfsUrl = `${url.origin.replace('.blob.', '.dfs.')}${url.accountPath}${query}`;
  const blobUrl = `${url.origin.replace('.dfs.', '.blob.')}${url.accountPath}${query}`;
  const dfsOptions = azureClientOptions(egress, dfsUrl);
  const blobOptions = azureClientOptions(egress, blobUrl);
  let dfs: DataLakeServiceClient;
  let blob: BlobServiceClient;
  if (servicePrincipalKey !== undefined) {
    const credential = new ClientSecretCredential(
      requiredString(params, 'tenant'),
      requiredString(params, 'servicePrincipalId'),
      servicePrincipalKey,
    );
    dfs = new DataLakeServiceClient(dfsUrl, credential, dfsOptions);
    blob = new BlobServiceClient(blobUrl, credential, blobOptions);
  } else if (accountKey !== undefined) {
    try {
      dfs = new DataLakeServiceClient(dfsUrl, new DfsSharedKey(url.account, accountKey), dfsOptions);
      blob = new BlobServiceClient(blobUrl, new BlobSharedKey(url.account, accountKey), blobOptions);
    } catch {
      throw new ConnectorError('invalid_params', 'auth.params.accountKey is not a storage account key (base64)');
    }
  } else {
    dfs = new DataLakeServiceClient(dfsUrl, new DfsAnonymous(), dfsOptions);
    blob = new BlobServiceClient(blobUrl, new BlobAnonymous(), blobOptions);
  }
  return {
    dfs,
    blob,
    blobOnly: url.isBlobHost,
    ...(url.fileSystem !== undefined ? { fileSystem: url.fileSystem } : {}),
    folderPrefix: url.folder.map((segment) => `${segment}/`).join(''),
  };
}

interface ParsedUrl {
  origin: string;
  /** "" for https://acct.dfs.core.windows.net, "/acct" for path-style (emulator) addresses. */
  accountPath: string;
  account: string;
  fileSystem?: string;
  folder: string[];
  isBlobHost: boolean;
}

/**
 * `url` as the account endpoint plus the file system and folder it may name. Emulators address the
 * account in the path (http://127.0.0.1:10000/devstoreaccount1/…); Azure in the host name.
 */
function parseUrl(input: string): ParsedUrl {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(input) ? input : `https://${input}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new ConnectorError('invalid_params', 'auth.params.url is not a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConnectorError('invalid_params', 'auth.params.url must be an http(s) URL');
  if (url.search) throw new ConnectorError('invalid_params', 'auth.params.url must not carry a query; put a SAS token in sasToken');
  let segments: string[];
  try {
    segments = url.pathname
      .split('/')
      .filter((s) => s !== '')
      .map(decodeURIComponent);
  } catch {
    throw new ConnectorError('invalid_params', 'auth.params.url has a malformed path');
  }
  if (!segments.every(isAddressableName)) throw new ConnectorError('invalid_params', 'auth.params.url has a malformed path');
  const pathStyle = isPathStyleUrl(url);
  const account = pathStyle ? segments.shift() : url.hostname.split('.')[0];
  if (!account) throw new ConnectorError('invalid_params', 'auth.params.url names no storage account');
  const [fileSystem, ...folder] = segments;
  return {
    origin: url.origin,
    accountPath: pathStyle ? `/${encodeURIComponent(account)}` : '',
    account,
    ...(fileSystem !== undefined ? { fileSystem } : {}),
    folder,
    isBlobHost: url.hostname.includes('.blob.'),
  };
}
