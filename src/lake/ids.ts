import { LakeError } from './errors.js';

/**
 * Every lake path is built from ids, so an id must be one plain path segment: no separators, no "." or "..",
 * nothing a shell or an object store would treat specially. Org ids carry "@" ("…@AdobeOrg"), so it is allowed.
 */
const SEGMENT = /^[A-Za-z0-9][A-Za-z0-9@._-]{0,127}$/;

export function assertSegment(kind: string, value: string): string {
  if (typeof value !== 'string' || !SEGMENT.test(value) || value.includes('..')) {
    throw new LakeError('bad_name', `invalid ${kind} for the lake: ${JSON.stringify(value)}`);
  }
  return value;
}

/**
 * A file name inside a batch: relative, "/"-separated parts (partition folders such as "city=Paris/data_0.parquet").
 * Partition values are data, so parts may hold any character except separators and controls; "." and ".." never.
 */
export function assertFileName(name: string): string {
  const bad = () => new LakeError('bad_name', `invalid file name: ${JSON.stringify(name)}`);
  if (typeof name !== 'string' || name.length === 0 || name.length > 1024) throw bad();
  for (const part of name.split('/')) {
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what this refuses.
    if (part === '' || part === '.' || part === '..' || /[\\\u0000-\u001f]/.test(part)) throw bad();
  }
  return name;
}

/**
 * A data file's path relative to its table's root: a batch's file ("{batchId}/{name}") or one written outside batches
 * ("compacted/{name}"); never the table's metadata, nor the lake's own folders ("_staging").
 */
export function assertTablePath(path: string): string {
  assertFileName(path);
  const [first, ...rest] = path.split('/');
  if (rest.length === 0 || first === 'metadata') throw new LakeError('bad_name', `not a data file of a table: ${JSON.stringify(path)}`);
  assertSegment('table folder', first!);
  return path;
}
