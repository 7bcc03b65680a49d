import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { text } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError, type FileStorage } from '../../src/connectors/sdk.js';
import { localFolder as localFolderConnector } from '../../src/connectors/local-folder/index.js';
import { selectFiles } from '../../src/connectors/files/index.js';
import { collect, failure } from '../support/storage-contract.js';

describe('local-folder connector', () => {
  let base: string;
  let root: string;
  let storage: FileStorage;
  let localFolder: ReturnType<typeof localFolderConnector>;

  beforeAll(() => {
    base = mkdtempSync(join(tmpdir(), 'tributary-local-'));
    localFolder = localFolderConnector({ roots: [base], protectedFolders: [] });
    root = join(base, 'root');
    const files: Record<string, string> = {
      'acme/summer/a.csv': 'id,name\n1,a\n',
      'acme/summer/b-premium-x.csv': 'id\n2\n',
      'acme/summer/notes.txt': 'hello',
      'acme/summer/deep/c.csv': 'id\n3\n',
      'acme/summer/deep/deeper/d-premium.csv': 'id\n4\n',
      'acme/winter/e.csv': 'id\n5\n',
      'top.json': '{"a":1}',
      'report(1).csv': 'id\n6\n',
    };
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(join(root, path, '..'), { recursive: true });
      writeFileSync(join(root, path), content);
    }
    writeFileSync(join(base, 'outside.txt'), 'secret');
    symlinkSync('/etc', join(root, 'etc-link'));
    symlinkSync(join(base, 'outside.txt'), join(root, 'outside-link.txt'));
    symlinkSync(join(root, 'acme', 'winter'), join(root, 'winter-link'));
    symlinkSync('..', join(root, 'acme', 'summer', 'deep', 'loop')); // back up the tree
    storage = localFolder.open({ path: root });
  });

  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('checks the root, and fails with not_found when it is missing', async () => {
    await expect(storage.check()).resolves.toBeUndefined();
    expect(await failure(localFolder.open({ path: join(base, 'nope') }).check())).toBe('not_found');
  });

  it('refuses relative or missing root params', () => {
    expect(() => localFolder.open({ path: 'relative/dir' })).toThrow(ConnectorError);
    expect(() => localFolder.open({})).toThrow(ConnectorError);
  });

  it('lists the root, folders first then files, leaving escaping symlinks out', async () => {
    const entries = await storage.list('/');
    expect(entries.map((e) => `${e.type}:${e.path}`)).toEqual(['folder:/acme', 'folder:/winter-link', 'file:/report(1).csv', 'file:/top.json']);
    const top = entries.find((e) => e.name === 'top.json')!;
    expect(top.size).toBe(7);
    expect(top.modifiedAt).toBeGreaterThan(0);
  });

  it('lists a folder', async () => {
    const entries = await storage.list('/acme/summer/');
    expect(entries.map((e) => e.name)).toEqual(['deep', 'a.csv', 'b-premium-x.csv', 'notes.txt']);
    expect(entries[0]).toEqual({ type: 'folder', name: 'deep', path: '/acme/summer/deep' });
    expect(await failure(storage.list('/acme/missing'))).toBe('not_found');
    expect(await failure(storage.list('/top.json'))).toBe('not_found');
  });

  it('walks a folder, recursively or not, without looping on a symlink cycle', async () => {
    expect(await collect(storage.walk('/acme/summer', { recursive: false }))).toEqual([
      '/acme/summer/a.csv',
      '/acme/summer/b-premium-x.csv',
      '/acme/summer/notes.txt',
    ]);
    const all = await collect(storage.walk('/acme', { recursive: true }));
    expect(all).toContain('/acme/summer/deep/deeper/d-premium.csv');
    expect(all).toContain('/acme/winter/e.csv');
    // deep/loop points back at an ancestor: walking into it would never end.
    expect(all.filter((p) => p.includes('/loop/'))).toEqual([]);
    expect(all).toHaveLength(6);
  });

  it('stats files and folders, null when missing', async () => {
    expect(await storage.stat('/acme/summer/a.csv')).toMatchObject({ type: 'file', name: 'a.csv', size: 12 });
    expect(await storage.stat('/acme')).toEqual({ type: 'folder', name: 'acme', path: '/acme' });
    expect(await storage.stat('/')).toMatchObject({ type: 'folder', path: '/' });
    expect(await storage.stat('/winter-link/e.csv')).toMatchObject({ type: 'file', path: '/winter-link/e.csv' });
    expect(await storage.stat('/acme/nope.csv')).toBeNull();
  });

  it('reads a file as a stream', async () => {
    expect(await text(await storage.read('/acme/summer/a.csv'))).toBe('id,name\n1,a\n');
    expect(await failure(storage.read('/acme/none.csv'))).toBe('not_found');
    expect(await failure(storage.read('/acme'))).toBe('not_found');
  });

  it('gives the real path of a file, null for a folder, and refuses escapes and missing files', async () => {
    expect(await storage.localPath!('/acme/summer/a.csv')).toBe(join(realpathSync(root), 'acme', 'summer', 'a.csv'));
    expect(await storage.localPath!('/winter-link/e.csv')).toBe(join(realpathSync(root), 'acme', 'winter', 'e.csv'));
    expect(await storage.localPath!('/acme')).toBeNull();
    expect(await failure(storage.localPath!('/outside-link.txt'))).toBe('path_escape');
    expect(await failure(storage.localPath!('/../outside.txt'))).toBe('path_escape');
    expect(await failure(storage.localPath!('/nope.csv'))).toBe('not_found');
  });

  it('refuses `..` escapes and bad characters', async () => {
    expect(await failure(storage.read('/../outside.txt'))).toBe('path_escape');
    expect(await failure(storage.stat('/acme/../../outside.txt'))).toBe('path_escape');
    expect(await failure(storage.list('..'))).toBe('path_escape');
    expect(await failure(storage.read('/acme/a\u0000.csv'))).toBe('invalid_params');
    expect(await failure(storage.read('\\..\\outside.txt'))).toBe('invalid_params');
  });

  it('refuses symlinks that point outside the root', async () => {
    expect(await failure(storage.read('/etc-link/passwd'))).toBe('path_escape');
    expect(await failure(storage.stat('/etc-link'))).toBe('path_escape');
    expect(await failure(storage.list('/etc-link'))).toBe('path_escape');
    expect(await failure(storage.read('/outside-link.txt'))).toBe('path_escape');
    // Even a missing name below an escaping link is refused, not reported missing.
    expect(await failure(storage.stat('/etc-link/no-such-file'))).toBe('path_escape');
  });

  describe('selectFiles', () => {
    const select = (pattern: string, recursive = false) => collect(selectFiles(storage, pattern, { recursive }));

    it('selects a file, or a folder’s files', async () => {
      expect(await select('/top.json')).toEqual(['/top.json']);
      expect(await select('/acme/summer')).toEqual(['/acme/summer/a.csv', '/acme/summer/b-premium-x.csv', '/acme/summer/notes.txt']);
      expect((await select('/acme/summer', true)).length).toBe(5); // deep/loop leads back up: not followed
    });

    it('selects by wildcard in the file name', async () => {
      expect(await select('/acme/summer/*.csv')).toEqual(['/acme/summer/a.csv', '/acme/summer/b-premium-x.csv']);
      expect(await select('/acme/summer/*premium*.csv')).toEqual(['/acme/summer/b-premium-x.csv']);
    });

    it('applies a file-name wildcard in sub-folders when recursive', async () => {
      const found = await select('/acme/*premium*.csv', true);
      expect(found).toContain('/acme/summer/b-premium-x.csv');
      expect(found).toContain('/acme/summer/deep/deeper/d-premium.csv');
      expect(await select('/acme/*premium*.csv', false)).toEqual([]);
    });

    it('supports wildcards in folder segments and **', async () => {
      expect(await select('/acme/*/e.csv')).toEqual(['/acme/winter/e.csv']);
      expect(await select('/acme/*/*.csv')).toEqual(['/acme/summer/a.csv', '/acme/summer/b-premium-x.csv', '/acme/winter/e.csv']);
      const deep = await select('/acme/**/d-*.csv');
      expect(deep).toContain('/acme/summer/deep/deeper/d-premium.csv');
    });

    it('takes a name with glob characters literally when it exists', async () => {
      expect(await select('/report(1).csv')).toEqual(['/report(1).csv']);
    });

    it('fails with not_found on a missing literal path, selects nothing for an unmatched wildcard', async () => {
      expect(await failure(select('/acme/missing.csv'))).toBe('not_found');
      expect(await select('/acme/summer/*.parquet')).toEqual([]);
      expect(await failure(select('/nowhere/*.csv'))).toBe('not_found');
    });

    it('refuses escapes', async () => {
      expect(await failure(select('/../*.txt'))).toBe('path_escape');
      expect(await failure(select('/etc-link/*'))).toBe('path_escape');
    });
  });
});
