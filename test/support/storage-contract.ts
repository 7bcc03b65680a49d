import { createServer } from 'node:net';
import { buffer } from 'node:stream/consumers';
import { expect, it } from 'vitest';
import { ConnectorError, type FileStorage, type StorageEntry } from '../../src/connectors/sdk.js';
import { selectFiles } from '../../src/connectors/files/index.js';

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

/**
 * The tree the storages whose first path segment is a bucket or container (S3, Azure Blob) are tested
 * on, kept in one named `acme-data`; `empty-folder/` is a folder marker object, as consoles make.
 */
export const CONTAINER_TREE: Record<string, string> = {
  'top.csv': 'id\n0\n',
  'campaigns/summer/a.csv': 'id,name\n1,a\n',
  'campaigns/summer/b-premium.csv': 'id\n2\n',
  'campaigns/summer/notes.txt': 'hello',
  'campaigns/summer/deep/c.csv': 'id\n3\n',
  'campaigns/summer/deep/deeper/d-premium.csv': 'id\n4\n',
  'campaigns/summer/deep/deeper/e.csv': 'id\n5\n',
  'campaigns/summer/deep/deeper/f.csv': 'id\n6\n',
  'campaigns/winter/g.csv': 'id\n7\n',
  'campaigns/zeta.json': '{"z":1}',
  'empty-folder/': '',
};

/**
 * What such a storage does over CONTAINER_TREE when the container is the first segment of every
 * path: list, walk, stat, read and select. `etag` is the shape of the service's entity tags;
 * `missing` names a container that does not exist.
 */
export function containerTreeContract(open: () => FileStorage, options: { etag: RegExp; missing: string }): void {
  it('lists a container root and folders at any depth', async () => {
    const storage = open();
    expect((await storage.list('/acme-data')).map((e) => `${e.type}:${e.name}`)).toEqual(['folder:campaigns', 'folder:empty-folder', 'file:top.csv']);
    expect((await storage.list('/acme-data/campaigns')).map((e) => `${e.type}:${e.name}`)).toEqual([
      'folder:summer',
      'folder:winter',
      'file:zeta.json',
    ]);
    expect((await storage.list('/acme-data/campaigns/summer/')).map((e) => `${e.type}:${e.path}`)).toEqual([
      'folder:/acme-data/campaigns/summer/deep',
      'file:/acme-data/campaigns/summer/a.csv',
      'file:/acme-data/campaigns/summer/b-premium.csv',
      'file:/acme-data/campaigns/summer/notes.txt',
    ]);
    expect((await storage.list('/acme-data/campaigns/summer/deep')).map((e) => `${e.type}:${e.name}`)).toEqual(['folder:deeper', 'file:c.csv']);
    expect(await storage.list('/acme-data/empty-folder')).toEqual([]);
    const file = (await storage.list('/acme-data/campaigns/summer')).find((e) => e.name === 'a.csv')!;
    expect(file).toMatchObject({ size: 12 });
    expect(file.modifiedAt).toBeGreaterThan(0);
    expect(file.etag).toMatch(options.etag);
  });

  it('fails with not_found for a missing folder or container', async () => {
    const storage = open();
    expect(await failure(storage.list('/acme-data/nope'))).toBe('not_found');
    expect(await failure(storage.list(`/${options.missing}`))).toBe('not_found');
    expect(await storage.stat(`/${options.missing}`)).toBeNull();
  });

  it('walks, recursively or not', async () => {
    const storage = open();
    expect(await collect(storage.walk('/acme-data/campaigns/summer', { recursive: false }))).toEqual([
      '/acme-data/campaigns/summer/a.csv',
      '/acme-data/campaigns/summer/b-premium.csv',
      '/acme-data/campaigns/summer/notes.txt',
    ]);
    const all = await collect(storage.walk('/acme-data/campaigns', { recursive: true }));
    expect(all).toHaveLength(9);
    expect(all).toContain('/acme-data/campaigns/summer/deep/deeper/d-premium.csv');
    expect(await collect(storage.walk('/', { recursive: false }))).toEqual([]);
    expect(await collect(storage.walk('/', { recursive: true }))).toHaveLength(10);
  });

  it('stats files, folders and containers', async () => {
    const storage = open();
    expect(await storage.stat('/acme-data/campaigns/summer/a.csv')).toMatchObject({ type: 'file', name: 'a.csv', size: 12 });
    expect(await storage.stat('/acme-data/campaigns/summer/deep')).toEqual({
      type: 'folder',
      name: 'deep',
      path: '/acme-data/campaigns/summer/deep',
    });
    expect(await storage.stat('/acme-data')).toEqual({ type: 'folder', name: 'acme-data', path: '/acme-data' });
    expect(await storage.stat('/')).toMatchObject({ type: 'folder', path: '/' });
    expect(await storage.stat('/acme-data/campaigns/none.csv')).toBeNull();
  });

  it('reads the bytes of an object', async () => {
    const storage = open();
    const bytes = await buffer(await storage.read('/acme-data/campaigns/summer/deep/c.csv'));
    expect(bytes.toString()).toBe(CONTAINER_TREE['campaigns/summer/deep/c.csv']);
    expect(await failure(storage.read('/acme-data/campaigns/none.csv'))).toBe('not_found');
    expect(await failure(storage.read(`/${options.missing}/x.csv`))).toBe('not_found');
  });

  it('selects files by wildcard', async () => {
    const storage = open();
    const select = (pattern: string, recursive = false) => collect(selectFiles(storage, pattern, { recursive }));
    expect(await select('/acme-data/campaigns/summer/*.csv')).toEqual([
      '/acme-data/campaigns/summer/a.csv',
      '/acme-data/campaigns/summer/b-premium.csv',
    ]);
    expect(await select('/acme-data/campaigns/*premium*.csv', true)).toEqual([
      '/acme-data/campaigns/summer/b-premium.csv',
      '/acme-data/campaigns/summer/deep/deeper/d-premium.csv',
    ]);
    expect(await select('/acme-data/campaigns/*/g.csv')).toEqual(['/acme-data/campaigns/winter/g.csv']);
    expect(await select('/acme-data/**/deeper/*.csv')).toHaveLength(3);
    expect(await select('/acme-data/campaigns/summer/a.csv')).toEqual(['/acme-data/campaigns/summer/a.csv']);
  });
}
