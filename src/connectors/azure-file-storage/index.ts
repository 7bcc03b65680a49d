import type { FileConnector } from '../sdk.js';
import { AZURE_FILE_STORAGE_SECRET_PARAMS, azureFileStorageSpec } from './azure-file-storage.spec.js';
import { AzureFileShareStorage } from './azure-file-storage.storage.js';
import { parseFileShareSettings } from './file-share-settings.js';

export { AZURE_FILE_STORAGE_SPEC_ID, azureFileStorageSpec } from './azure-file-storage.spec.js';
export { AzureFileShareStorage, type FileShareStorageOptions } from './azure-file-storage.storage.js';
export { parseFileShareSettings, type FileShareSettings } from './file-share-settings.js';

export const azureFileStorage: FileConnector = {
  spec: azureFileStorageSpec,
  secretParams: AZURE_FILE_STORAGE_SECRET_PARAMS,
  open(params, context) {
    const { service, share, folder } = parseFileShareSettings(params, context?.egress);
    return new AzureFileShareStorage(service, { ...(share !== undefined ? { share } : {}), folder });
  },
};
