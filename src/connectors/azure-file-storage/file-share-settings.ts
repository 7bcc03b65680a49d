import { ShareServiceClient, StorageSharedKeyCredential } from '@azure/storage-file-share';
import { ConnectorError } from '../sdk.js';
import { requiredString } from '../files/params.js';
import { isAddressableName } from '../files/path.js';
import { azureClientOptions, isPathStyleUrl } from '../azure-shared/index.js';
import { OPEN_EGRESS, type EgressPolicy } from '../egress/index.js';

/** What an Azure File Storage connection's auth params amount to. */
export interface FileShareSettings {
  service: ShareServiceClient;
  /** The one share the connection is confined to; absent: "/" lists the shares. */
  share?: string;
  /** Directories inside `share` the connection is confined to. */
  folder: string[];
}

/**
 * AEP's params are those of an SMB mount (as in Azure Data Factory's Azure File linked service):
 * `host` \\{account}.file.core.windows.net\{share}, `userId` AZURE\{account}, `password` the
 * account key. They map onto the REST endpoint https://{account}.file.core.windows.net, the share
 * and a Shared Key credential. A URL form of `host` is accepted too, and a path-style one
 * (http://127.0.0.1:PORT/{account}/{share}) reaches emulators and test fakes.
 */
export function parseFileShareSettings(params: Record<string, unknown>, egress: EgressPolicy = OPEN_EGRESS): FileShareSettings {
  const host = parseHost(requiredString(params, 'host'));
  const user = requiredString(params, 'userId').replace(/^azure[\\/]/i, '');
  const password = requiredString(params, 'password');
  if (host.account !== undefined && host.account.toLowerCase() !== user.toLowerCase()) {
    throw new ConnectorError('invalid_params', `auth.params.userId must be AZURE\\${host.account}, the account of auth.params.host`);
  }
  const account = host.account ?? user;
  let credential: StorageSharedKeyCredential;
  try {
    credential = new StorageSharedKeyCredential(account, password);
  } catch {
    throw new ConnectorError('invalid_params', 'auth.params.password is not a storage account key (base64)');
  }
  const url = host.pathStyle ? `${host.origin}/${encodeURIComponent(account)}` : host.origin.replace(/^(https?:\/\/)[^.]+/, `$1${account}`);
  return {
    service: new ShareServiceClient(url, credential, azureClientOptions(egress, url)),
    ...(host.share !== undefined ? { share: host.share } : {}),
    folder: host.folder,
  };
}

interface ParsedHost {
  origin: string;
  pathStyle: boolean;
  /** From the host name, or the path of a path-style URL. */
  account?: string;
  share?: string;
  folder: string[];
}

function parseHost(input: string): ParsedHost {
  // UNC: \\account.file.core.windows.net\share\folder — the SMB form AEP documents.
  // Both groups always participate (the second may be empty).
  const unc = /^\\\\([^\\/]+)((?:[\\/][^\\/]*)*)$/.exec(input.trim());
  const text = unc ? `https://${unc[1]}${unc[2]!.replace(/\\/g, '/')}` : /^[a-z][a-z0-9+.-]*:\/\//i.test(input) ? input : `https://${input}`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new ConnectorError('invalid_params', 'auth.params.host is neither \\\\{ACCOUNT}.file.core.windows.net\\{SHARE} nor a URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:')
    throw new ConnectorError('invalid_params', 'auth.params.host must be an SMB path or an http(s) URL');
  if (url.search) throw new ConnectorError('invalid_params', 'auth.params.host must not carry a query');
  let segments: string[];
  try {
    segments = url.pathname
      .split('/')
      .filter((s) => s !== '')
      .map(decodeURIComponent);
  } catch {
    throw new ConnectorError('invalid_params', 'auth.params.host has a malformed path');
  }
  if (!segments.every(isAddressableName)) throw new ConnectorError('invalid_params', 'auth.params.host has a malformed path');
  const pathStyle = isPathStyleUrl(url);
  const account = pathStyle ? segments.shift() : url.hostname.includes('.') ? url.hostname.split('.')[0] : undefined;
  const [share, ...folder] = segments;
  return { origin: url.origin, pathStyle, ...(account ? { account } : {}), ...(share !== undefined ? { share } : {}), folder };
}
