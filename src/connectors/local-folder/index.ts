import { isAbsolute } from 'node:path';
import { ConnectorError, type FileConnector } from '../sdk.js';
import { requiredString } from '../files/params.js';
import { localFolderSpec } from './local-folder.spec.js';
import { LocalFolderStorage } from './local-folder.storage.js';
import { LocalRoots, type LocalRootsOptions } from './local-roots.js';

export { LOCAL_FOLDER_SPEC_ID, localFolderSpec } from './local-folder.spec.js';
export { LocalFolderStorage } from './local-folder.storage.js';
export { LocalRoots, type LocalRootsOptions } from './local-roots.js';

/** The Local Folder connector, confined to the folders the operator configured. */
export function localFolder(options: LocalRootsOptions): FileConnector {
  const allowed = new LocalRoots(options);
  const rootOf = (params: Record<string, unknown>): string => {
    const root = requiredString(params, 'path');
    if (!isAbsolute(root)) throw new ConnectorError('invalid_params', 'auth.params.path must be an absolute folder path');
    allowed.assertConfigured(root);
    return root;
  };
  return {
    spec: localFolderSpec,
    secretParams: [],
    validateParams: (params) => void rootOf(params),
    open: (params) => new LocalFolderStorage(rootOf(params), allowed),
  };
}
