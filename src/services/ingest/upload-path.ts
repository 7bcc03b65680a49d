import { invalid } from '../errors.js';

/**
 * The `filePath` of an upload: relative, "/"-separated (partition folders such as "a=1/b=2/x.json"), each part a
 * plain name. Anything that could walk out of the batch (`..`, absolute paths, backslashes, control characters,
 * hidden names) is refused; the bytes are stored under a hash of the name, so the name never becomes a path.
 */
export function checkUploadPath(path: string): string {
  const bad = (why: string) => invalid(`invalid file path ${JSON.stringify(path)}: ${why}`);
  if (typeof path !== 'string' || path.length === 0) throw bad('a file path is required');
  if (path.length > 1024) throw bad('longer than 1024 characters');
  if (path.startsWith('/')) throw bad('must be relative to the batch');
  for (const part of path.split('/')) {
    if (part === '') throw bad('empty path segment');
    if (part === '.' || part === '..') throw bad('"." and ".." are not allowed');
    if (part.startsWith('.')) throw bad('hidden names are not allowed');
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what this refuses.
    if (/[\\\u0000-\u001f\u007f]/.test(part)) throw bad('backslashes and control characters are not allowed');
  }
  return path;
}
