import { ConnectorError } from '../sdk.js';

/**
 * Storage paths as Flow Service speaks them: absolute, `/`-separated, relative to the connection's
 * root. Every path a caller hands a connector goes through `normalizePath` first, so the
 * connectors only ever see clean segments (no `..`, no empty or `.` parts, no control characters).
 */

// Control characters (NUL included) never belong in a name and confuse both file systems and logs.
// A backslash is a separator on Windows and a forbidden name character for AEP cloud storage.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what this refuses.
const FORBIDDEN = /[\u0000-\u001f\u007f\\]/;

/** The clean absolute form of a path: "/" for the root, no trailing "/". Throws ConnectorError. */
export function normalizePath(input: unknown): string {
  return joinSegments(pathSegments(input));
}

/** The segments of a path ("/" has none). Throws invalid_params or path_escape. */
export function pathSegments(input: unknown): string[] {
  if (typeof input !== 'string') throw new ConnectorError('invalid_params', 'A path must be a string');
  if (FORBIDDEN.test(input)) throw new ConnectorError('invalid_params', 'A path must not contain control characters or backslashes');
  const segments: string[] = [];
  for (const segment of input.split('/')) {
    if (segment === '' || segment === '.') continue;
    // Refused rather than resolved: a `..` is never needed to address something inside the root.
    if (segment === '..') throw new ConnectorError('path_escape', `The path "${input}" leaves the connection's root`);
    segments.push(segment);
  }
  return segments;
}

/** Whether a name can be addressed by a normalised path (storages may hold names that cannot). */
export function isAddressableName(name: string): boolean {
  return name !== '' && name !== '.' && name !== '..' && !name.includes('/') && !FORBIDDEN.test(name);
}

export function joinSegments(segments: readonly string[]): string {
  return '/' + segments.join('/');
}

/** `child` under a normalised folder path. */
export function childPath(folder: string, name: string): string {
  return folder === '/' ? `/${name}` : `${folder}/${name}`;
}

/** The last segment of a normalised path ("" for the root). */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/** The part of `path` below `folder`, without a leading "/"; both normalised, `path` inside `folder`. */
export function relativePath(folder: string, path: string): string {
  return folder === '/' ? path.slice(1) : path.slice(folder.length + 1);
}

/** Folders first, then files, each by name: the order `FileStorage.list` promises. */
export function compareEntries(a: { type: string; name: string }, b: { type: string; name: string }): number {
  if (a.type !== b.type) return a.type === 'folder' ? -1 : 1;
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}
