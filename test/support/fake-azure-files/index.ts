export { startFakeAzureFiles, type FakeAzureFiles } from './fake-azure-files.js';
export { checkSharedKey, stringToSign } from './shared-key.js';
