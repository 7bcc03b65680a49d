import { open } from 'node:fs/promises';
import { FileCode, FileFailure } from '../../errors.js';
import { isDataEntry, type ArchiveEntry } from './entries.js';

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_ENTRY = 0x02014b50;
const LOCAL_HEADER = 0x04034b50;

/**
 * The regular files of a local zip archive, from its central directory (the authoritative list;
 * local headers may lack sizes when the archive was written as a stream).
 */
export async function zipEntries(path: string): Promise<ArchiveEntry[]> {
  const handle = await open(path, 'r');
  try {
    const { size: total } = await handle.stat();
    // The end record sits in the last 22 bytes plus at most 64 KiB of comment.
    const tailSize = Math.min(total, 22 + 0xffff);
    const tail = Buffer.alloc(tailSize);
    await handle.read(tail, 0, tailSize, total - tailSize);
    let end = -1;
    for (let i = tailSize - 22; i >= 0; i--) {
      if (tail.readUInt32LE(i) === END_OF_CENTRAL_DIRECTORY) {
        end = i;
        break;
      }
    }
    if (end < 0) throw new FileFailure(FileCode.badCompression, 'not a zip archive (no central directory)');
    const count = tail.readUInt16LE(end + 10);
    const directorySize = tail.readUInt32LE(end + 12);
    const directoryOffset = tail.readUInt32LE(end + 16);
    if (count === 0xffff || directoryOffset === 0xffffffff)
      throw new FileFailure(FileCode.unsupportedCompression, 'ZIP64 archives are not supported');
    const directory = Buffer.alloc(directorySize);
    await handle.read(directory, 0, directorySize, directoryOffset);

    const entries: ArchiveEntry[] = [];
    const local = Buffer.alloc(30);
    let at = 0;
    for (let i = 0; i < count; i++) {
      if (directory.readUInt32LE(at) !== CENTRAL_ENTRY) throw new FileFailure(FileCode.badCompression, 'corrupt zip central directory');
      const method = directory.readUInt16LE(at + 10);
      const compressedSize = directory.readUInt32LE(at + 20);
      const nameLength = directory.readUInt16LE(at + 28);
      const extraLength = directory.readUInt16LE(at + 30);
      const commentLength = directory.readUInt16LE(at + 32);
      const localOffset = directory.readUInt32LE(at + 42);
      const name = directory.subarray(at + 46, at + 46 + nameLength).toString('utf8');
      at += 46 + nameLength + extraLength + commentLength;
      if (name.endsWith('/') || !isDataEntry(name)) continue;
      if (method !== 0 && method !== 8)
        throw new FileFailure(
          FileCode.unsupportedCompression,
          `zip entry ${name} uses compression method ${method}; only stored and deflate are supported`,
        );
      await handle.read(local, 0, 30, localOffset);
      if (local.readUInt32LE(0) !== LOCAL_HEADER) throw new FileFailure(FileCode.badCompression, `corrupt zip entry ${name}`);
      const dataOffset = localOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
      entries.push({ name, offset: dataOffset, size: compressedSize, method: method === 8 ? 'deflate' : 'stored' });
    }
    return entries;
  } finally {
    await handle.close();
  }
}
