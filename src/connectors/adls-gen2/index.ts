import type { FileConnector } from '../sdk.js';
import { ADLS_GEN2_SECRET_PARAMS, adlsGen2Spec } from './adls-gen2.spec.js';
import { AdlsGen2Storage } from './adls-gen2.storage.js';
import { parseAdlsSettings } from './adls-settings.js';

export { ADLS_GEN2_SPEC_ID, adlsGen2Spec } from './adls-gen2.spec.js';
export { AdlsGen2Storage, type AdlsEndpoint } from './adls-gen2.storage.js';
export { DfsStorage } from './dfs.storage.js';
export { parseAdlsSettings, type AdlsSettings } from './adls-settings.js';

export const adlsGen2: FileConnector = {
  spec: adlsGen2Spec,
  secretParams: ADLS_GEN2_SECRET_PARAMS,
  open(params, context) {
    return new AdlsGen2Storage(parseAdlsSettings(params, context?.egress));
  },
};
