import { ConnectorError } from '../sdk.js';

/** A file-system error as the connector failure a caller can act on. */
export function fsError(error: unknown, path: string): ConnectorError {
  if (error instanceof ConnectorError) return error;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
    case 'ENOTDIR':
      return new ConnectorError('not_found', `Nothing at ${path}`);
    case 'ELOOP':
      return new ConnectorError('not_found', `${path} is a symbolic link loop`);
    case 'EACCES':
    case 'EPERM':
      return new ConnectorError('permission_denied', `No permission to read ${path}`);
    default:
      // EIO, EMFILE, EBUSY…: the file system, not the request, is at fault; a retry may succeed.
      return new ConnectorError('transient', `Cannot read ${path}: ${(error as Error | undefined)?.message ?? String(error)}`);
  }
}

export function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'ENOTDIR';
}
