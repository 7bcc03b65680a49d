export { azureError, azureErrorCode, isAzureNotFound } from './azure-errors.js';
export { azureRangedRead, type RangeResponse } from './resumable-read.js';
export { AZURE_CLIENT_OPTIONS, azureClientOptions, bareEtag, isPathStyleUrl } from './client-options.js';
export { azureFileEntry } from './file-entry.js';
