import { isAbsolute } from 'node:path';
import { ConnectorError, type FileConnector } from '../sdk.js';
import { requiredString } from '../files/params.js';
import { localFolderSpec } from './local-folder.spec.js';
import { LocalFolderStorage } from './local-folder.storage.js';

export { LOCAL_FOLDER_SPEC_ID, localFolderSpec } from './local-folder.spec.js';
export { LocalFolderStorage } from './local-folder.storage.js';

export const localFolder: FileConnector = {
  spec: localFolderSpec,
  secretParams: [],
  open(params) {
    const root = requiredString(params, 'path');
    if (!isAbsolute(root)) throw new ConnectorError('invalid_params', 'auth.params.path must be an absolute folder path');
    return new LocalFolderStorage(root);
  },
};
