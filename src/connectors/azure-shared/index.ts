export { azureError, azureErrorCode, isAzureNotFound } from './azure-errors.js';
export { resumableRead, type RangeResponse } from './resumable-read.js';
export { AZURE_CLIENT_OPTIONS, bareEtag, totalSize, isPathStyleUrl } from './client-options.js';
