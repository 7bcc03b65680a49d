import type { FileConnector } from '../sdk.js';
import { SFTP_SECRET_PARAMS, sftpSpec } from './sftp.spec.js';
import { SftpStorage } from './sftp.storage.js';
import { parseSftpSettings } from './sftp-settings.js';

export { SFTP_SPEC_ID, sftpSpec } from './sftp.spec.js';
export { SftpStorage } from './sftp.storage.js';
export { parseSftpSettings, type SftpSettings } from './sftp-settings.js';

export const sftp: FileConnector = {
  spec: sftpSpec,
  secretParams: SFTP_SECRET_PARAMS,
  open(params, context) {
    return new SftpStorage(parseSftpSettings(params, context?.egress));
  },
};
