import { createServer } from 'node:net';
import { ConnectorError, type StorageEntry } from '../../src/connectors/sdk.js';

/** Helpers of the FileStorage contract tests every connector has. */

/** The paths of a listing or a walk, sorted. */
export async function collect(entries: AsyncIterable<StorageEntry>): Promise<string[]> {
  const paths: string[] = [];
  for await (const entry of entries) paths.push(entry.path);
  return paths.sort();
}

/** The ConnectorError a call rejects with; any other outcome fails the test. */
export async function connectorError(promise: Promise<unknown>): Promise<ConnectorError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ConnectorError) return error;
    throw error;
  }
  throw new Error('expected a ConnectorError');
}

/** The kind of connector failure a call rejects with. */
export async function failure(promise: Promise<unknown>): Promise<string> {
  return (await connectorError(promise)).failure;
}

/** A port nothing listens on: bound, then released. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
