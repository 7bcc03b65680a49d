import type { FileConnector } from '../sdk.js';
import { AZURE_BLOB_SECRET_PARAMS, azureBlobSpec } from './azure-blob.spec.js';
import { AzureBlobStorage } from './azure-blob.storage.js';
import { parseBlobSettings } from './blob-settings.js';

export { AZURE_BLOB_SPEC_ID, azureBlobSpec } from './azure-blob.spec.js';
export { AzureBlobStorage, type BlobStorageOptions } from './azure-blob.storage.js';
export { parseBlobSettings, confinement, type BlobSettings } from './blob-settings.js';

export const azureBlob: FileConnector = {
  spec: azureBlobSpec,
  secretParams: AZURE_BLOB_SECRET_PARAMS,
  open(params, context) {
    const { service, container, folderPrefix } = parseBlobSettings(params, context?.egress);
    return new AzureBlobStorage(service, { ...(container !== undefined ? { container } : {}), folderPrefix });
  },
};
