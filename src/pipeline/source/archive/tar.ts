import { open } from 'node:fs/promises';
import { FileCode, FileFailure } from '../../errors.js';
import { isDataEntry, type ArchiveEntry } from './entries.js';

const BLOCK = 512;

/**
 * The regular files of a local tar archive (ustar, with GNU long names and pax paths), read
 * header by header; file bodies are not read here.
 */
export async function tarEntries(path: string): Promise<ArchiveEntry[]> {
  const handle = await open(path, 'r');
  try {
    const { size: total } = await handle.stat();
    const entries: ArchiveEntry[] = [];
    const header = Buffer.alloc(BLOCK);
    let offset = 0;
    let longName: string | null = null;
    while (offset + BLOCK <= total) {
      await handle.read(header, 0, BLOCK, offset);
      if (header.every((b) => b === 0)) break; // end-of-archive marker
      if (!validChecksum(header)) throw new FileFailure(FileCode.badCompression, 'not a tar archive (bad header checksum)');
      const size = parseOctal(header.subarray(124, 136));
      const type = String.fromCharCode(header[156] || 0x30);
      const body = offset + BLOCK;
      const next = body + Math.ceil(size / BLOCK) * BLOCK;
      if (type === 'L' || type === 'x') {
        // GNU long name, or pax extended header: both carry the real path of the next entry.
        const data = Buffer.alloc(size);
        await handle.read(data, 0, size, body);
        longName = type === 'L' ? cString(data) : paxPath(data.toString('utf8'));
      } else {
        const prefix = cString(header.subarray(345, 500));
        const name = longName ?? (prefix ? `${prefix}/${cString(header.subarray(0, 100))}` : cString(header.subarray(0, 100)));
        longName = null;
        if ((type === '0' || type === '\0' || type === '7') && isDataEntry(name)) entries.push({ name, offset: body, size, method: 'stored' });
      }
      offset = next;
    }
    return entries;
  } finally {
    await handle.close();
  }
}

function cString(bytes: Buffer): string {
  const end = bytes.indexOf(0);
  return bytes.subarray(0, end < 0 ? bytes.length : end).toString('utf8');
}

function parseOctal(bytes: Buffer): number {
  const text = cString(bytes).trim();
  return text === '' ? 0 : parseInt(text, 8);
}

/** The header checksum counts its own field as spaces. */
function validChecksum(header: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 0x20 : header[i]!;
  return sum === parseOctal(header.subarray(148, 156));
}

function paxPath(records: string): string | null {
  for (const line of records.split('\n')) {
    const match = /^\d+ path=(.*)$/.exec(line);
    if (match) return match[1]!;
  }
  return null;
}
