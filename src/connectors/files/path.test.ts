import { describe, expect, it } from 'vitest';
import { ConnectorError } from '../sdk.js';
import { baseName, childPath, compareEntries, isAddressableName, joinSegments, normalizePath, pathSegments, relativePath } from './path.js';

function failure(input: unknown): { failure: string; message: string } {
  try {
    normalizePath(input);
  } catch (error) {
    if (!(error instanceof ConnectorError)) throw error;
    return { failure: error.failure, message: error.message };
  }
  throw new Error(`normalizePath accepted ${JSON.stringify(input)}`);
}

describe('normalizePath', () => {
  it('gives one clean absolute form: "/" for the root, no empty or "." segments, no trailing "/"', () => {
    expect(normalizePath('')).toBe('/');
    expect(normalizePath('/')).toBe('/');
    expect(normalizePath('.')).toBe('/');
    expect(normalizePath('acme')).toBe('/acme');
    expect(normalizePath('//acme/./in//2024/')).toBe('/acme/in/2024');
  });

  it('keeps Unicode, spaces, dots inside names and glob characters as they are', () => {
    expect(normalizePath('/données/été 2024/fichier…v1.csv')).toBe('/données/été 2024/fichier…v1.csv');
    expect(normalizePath('/a/...hidden/..x/*.csv')).toBe('/a/...hidden/..x/*.csv');
    expect(pathSegments('/日本/😀.json')).toEqual(['日本', '😀.json']);
  });

  it('refuses a ".." segment as an escape, wherever it sits', () => {
    expect(failure('/acme/../etc')).toEqual({ failure: 'path_escape', message: `The path "/acme/../etc" leaves the connection's root` });
    expect(failure('..').failure).toBe('path_escape');
    expect(failure('/a/b/..').failure).toBe('path_escape');
  });

  it('refuses non-strings, control characters, DEL and backslashes', () => {
    expect(failure(42)).toEqual({ failure: 'invalid_params', message: 'A path must be a string' });
    expect(failure(null).failure).toBe('invalid_params');
    for (const bad of ['/a\u0000b', '/a\nb', '/a\tb', '/a\u001fb', '/a\u007fb', 'a\\b']) {
      expect(failure(bad)).toEqual({ failure: 'invalid_params', message: 'A path must not contain control characters or backslashes' });
    }
    // U+0080 and above are ordinary characters.
    expect(normalizePath('/a\u0080b')).toBe('/a\u0080b');
  });
});

describe('path helpers', () => {
  it('tells which storage names a normalised path can address', () => {
    expect(['a.csv', '...', ' ', 'é'].map(isAddressableName)).toEqual([true, true, true, true]);
    expect(['', '.', '..', 'a/b', 'a\\b', 'a\u0000', 'line\n'].map(isAddressableName)).toEqual([false, false, false, false, false, false, false]);
  });

  it('joins, extends and splits paths at the root and below it', () => {
    expect(joinSegments([])).toBe('/');
    expect(joinSegments(['a', 'b'])).toBe('/a/b');
    expect(childPath('/', 'x.csv')).toBe('/x.csv');
    expect(childPath('/in', 'x.csv')).toBe('/in/x.csv');
    expect(baseName('/')).toBe('');
    expect(baseName('/in/x.csv')).toBe('x.csv');
    expect(relativePath('/', '/in/x.csv')).toBe('in/x.csv');
    expect(relativePath('/in', '/in/sub/x.csv')).toBe('sub/x.csv');
  });

  it('orders folders before files, then names by code unit (uppercase before lowercase)', () => {
    const entries = [
      { type: 'file', name: 'b' },
      { type: 'folder', name: 'z' },
      { type: 'file', name: 'B' },
      { type: 'folder', name: 'a' },
      { type: 'file', name: 'é' },
      { type: 'file', name: 'b' },
    ];
    expect(entries.sort(compareEntries).map((e) => `${e.type}:${e.name}`)).toEqual(['folder:a', 'folder:z', 'file:B', 'file:b', 'file:b', 'file:é']);
  });
});
