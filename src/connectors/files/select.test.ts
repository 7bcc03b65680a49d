import { describe, expect, it } from 'vitest';
import { ConnectorError, type FileStorage, type StorageEntry } from '../sdk.js';
import { isGlobSegment, selectFiles } from './select.js';

/** A FileStorage over a list of file paths, counting the folders it is asked to list. */
function memoryStorage(files: string[]): FileStorage & { listed: string[] } {
  const entry = (path: string, type: 'file' | 'folder'): StorageEntry => ({ type, name: path.slice(path.lastIndexOf('/') + 1), path });
  const folders = new Set<string>(['/']);
  for (const file of files) {
    const parts = file.split('/').slice(1, -1);
    for (let i = 1; i <= parts.length; i++) folders.add(`/${parts.slice(0, i).join('/')}`);
  }
  const parentOf = (path: string) => path.slice(0, path.lastIndexOf('/')) || '/';
  const children = (folder: string): StorageEntry[] => [
    ...[...folders].filter((f) => f !== '/' && parentOf(f) === folder).map((f) => entry(f, 'folder')),
    ...files.filter((f) => parentOf(f) === folder).map((f) => entry(f, 'file')),
  ];
  const listed: string[] = [];
  return {
    listed,
    async check() {},
    async list(folder) {
      listed.push(folder);
      if (!folders.has(folder)) throw new ConnectorError('not_found', `no folder ${folder}`);
      return children(folder);
    },
    async *walk(folder, { recursive }) {
      if (!folders.has(folder)) throw new ConnectorError('not_found', `no folder ${folder}`);
      for (const child of children(folder)) {
        if (child.type === 'file') yield child;
        else if (recursive) yield* this.walk(child.path, { recursive });
      }
    },
    async read() {
      throw new Error('selection never reads a file');
    },
    async close() {},
    async stat(path) {
      if (files.includes(path)) return entry(path, 'file');
      if (folders.has(path)) return entry(path, 'folder');
      return null;
    },
  };
}

const FILES = [
  '/acme/a.csv',
  '/acme/b.json',
  '/acme/premium-users.csv',
  '/acme/report(1).csv',
  '/acme/2024-01/orders.csv',
  '/acme/2024-02/orders.csv',
  '/acme/2024-02/deep/orders.csv',
  '/acme/2025-01/orders.csv',
  '/other/x.csv',
];

async function select(pattern: string, recursive = false, storage = memoryStorage(FILES)): Promise<string[]> {
  const paths: string[] = [];
  for await (const entry of selectFiles(storage, pattern, { recursive })) paths.push(entry.path);
  return paths.sort();
}

async function selectionError(pattern: string): Promise<{ failure: string; message: string }> {
  try {
    await select(pattern);
  } catch (error) {
    if (!(error instanceof ConnectorError)) throw error;
    return { failure: error.failure, message: error.message };
  }
  throw new Error(`${pattern} selected something`);
}

describe('selectFiles', () => {
  it('selects one file by its path, and a folder’s files (recursively on request)', async () => {
    expect(await select('/acme/a.csv')).toEqual(['/acme/a.csv']);
    expect(await select('acme/2024-02/')).toEqual(['/acme/2024-02/orders.csv']);
    expect(await select('/acme/2024-02', true)).toEqual(['/acme/2024-02/deep/orders.csv', '/acme/2024-02/orders.csv']);
  });

  it('matches file-name wildcards in the folder, and in every sub-folder with recursive', async () => {
    expect(await select('/acme/*.csv')).toEqual(['/acme/a.csv', '/acme/premium-users.csv', '/acme/report(1).csv']);
    expect(await select('/acme/*premium*.csv')).toEqual(['/acme/premium-users.csv']);
    expect(await select('/acme/orders.c?v', true)).toEqual([
      '/acme/2024-01/orders.csv',
      '/acme/2024-02/deep/orders.csv',
      '/acme/2024-02/orders.csv',
      '/acme/2025-01/orders.csv',
    ]);
  });

  it('matches wildcards in folder segments, listing only the folders the pattern reaches', async () => {
    const storage = memoryStorage(FILES);
    expect(await select('/acme/2024-??/orders.csv', false, storage)).toEqual(['/acme/2024-01/orders.csv', '/acme/2024-02/orders.csv']);
    expect(storage.listed).toEqual(['/acme']);
    expect(await select('/*/2025-*/*.csv')).toEqual(['/acme/2025-01/orders.csv']);
  });

  it('lets ** span any depth', async () => {
    expect(await select('/acme/**/orders.csv')).toEqual([
      '/acme/2024-01/orders.csv',
      '/acme/2024-02/deep/orders.csv',
      '/acme/2024-02/orders.csv',
      '/acme/2025-01/orders.csv',
    ]);
    expect(await select('/**/x.csv')).toEqual(['/other/x.csv']);
  });

  it('prefers a name that exists literally over reading it as a pattern', async () => {
    expect(await select('/acme/report(1).csv')).toEqual(['/acme/report(1).csv']);
  });

  it('fails a plain path that names nothing, and a pattern whose base folder is missing; a pattern matching nothing selects nothing', async () => {
    expect(await selectionError('/acme/missing.csv')).toEqual({ failure: 'not_found', message: 'Nothing at /acme/missing.csv' });
    expect((await selectionError('/nowhere/*.csv')).failure).toBe('not_found');
    expect(await select('/acme/*.parquet')).toEqual([]);
    expect(await select('/acme/*/nowhere/*.csv')).toEqual([]);
  });

  it('refuses an escaping pattern before touching the storage', async () => {
    const storage = memoryStorage(FILES);
    await expect(select('/acme/../*.csv', false, storage)).rejects.toMatchObject({ failure: 'path_escape' });
    expect(storage.listed).toEqual([]);
  });
});

describe('isGlobSegment', () => {
  it('tells wildcard segments from plain names', () => {
    expect(['*.csv', 'a?.csv', '[ab].csv', '{a,b}.csv', '**'].map(isGlobSegment)).toEqual([true, true, true, true, true]);
    expect(['a.csv', 'report-1.csv', 'été.csv', ''].map(isGlobSegment)).toEqual([false, false, false, false]);
  });
});
