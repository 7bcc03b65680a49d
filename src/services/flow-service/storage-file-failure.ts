import { ConnectorError, type ConnectorFailure } from '../../connectors/index.js';
import { FileCode, FileFailure } from '../../pipeline/index.js';

/** The file code of each way a storage can refuse one file's read. */
const CODE_OF: Record<ConnectorFailure, string> = {
  unreachable: FileCode.storageUnreachable,
  transient: FileCode.storageUnreachable,
  permission_denied: FileCode.permissionDenied,
  bad_credentials: FileCode.permissionDenied,
  egress_refused: FileCode.permissionDenied,
  path_escape: FileCode.permissionDenied,
  not_found: FileCode.notFound,
  invalid_params: FileCode.storageUnreachable,
};

/**
 * A storage's failure to open or read one file, as the file failure the run records: the connector's own
 * classification picks the code, so a permission refusal is not reported as an outage (nor as bad content).
 */
export function storageFileFailure(error: unknown, path: string): unknown {
  if (!(error instanceof ConnectorError)) return error;
  const code = /throttl|slow down|too many requests|\b429\b/i.test(error.message) ? FileCode.throttled : CODE_OF[error.failure];
  return new FileFailure(code, `cannot read ${path}: ${error.message}`);
}
