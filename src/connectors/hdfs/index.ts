import type { FileConnector } from '../sdk.js';
import { requiredString } from '../files/params.js';
import { HDFS_SECRET_PARAMS, hdfsSpec } from './hdfs.spec.js';
import { HdfsStorage } from './hdfs.storage.js';
import { parseWebHdfsUrl, webHdfsCredentials } from './webhdfs-client.js';

export { HDFS_SPEC_ID, hdfsSpec } from './hdfs.spec.js';
export { HdfsStorage } from './hdfs.storage.js';
export { parseWebHdfsUrl, webHdfsCredentials } from './webhdfs-client.js';

export const hdfs: FileConnector = {
  spec: hdfsSpec,
  secretParams: HDFS_SECRET_PARAMS,
  credentialUrlParams: ['url'],
  open(params, context) {
    const url = requiredString(params, 'url');
    return new HdfsStorage(parseWebHdfsUrl(url), { credentials: webHdfsCredentials(url), ...(context?.egress ? { egress: context.egress } : {}) });
  },
};
