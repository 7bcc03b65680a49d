/** One regular file inside an archive: where its bytes sit in the local copy, and how they are stored. */
export interface ArchiveEntry {
  name: string;
  offset: number;
  size: number;
  /** "stored" bytes are the file itself; "deflate" bytes need a raw inflate (zip method 8). */
  method: 'stored' | 'deflate';
}

/** Folders and the metadata files archivers add (macOS resource forks) are not data. */
export function isDataEntry(name: string): boolean {
  const base = name.split('/').pop() ?? '';
  return base !== '' && !base.startsWith('._') && !name.startsWith('__MACOSX/') && base !== '.DS_Store';
}
