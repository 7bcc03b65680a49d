import { PassThrough } from 'node:stream';
import { inflateRaw } from 'node:zlib';
import avro from 'avsc';
import { gunzip } from 'hyparquet-compressors';
import { describe, expect, it } from 'vitest';
import { decodeManifest, decodeManifestList, encodeManifest, encodeManifestList, EntryStatus, type ManifestEntry } from './manifests.js';

const HEADER = { schemaJson: '{"type":"struct","schema-id":0,"fields":[]}', schemaId: 0, partitionSpecId: 0, partitionFields: [] };

const entry = (i: number): ManifestEntry => ({
  status: EntryStatus.added,
  snapshotId: 7,
  sequenceNumber: null,
  fileSequenceNumber: null,
  dataFile: { filePath: `file:///lake/t/data/batch-${i}/part-00000.parquet`, recordCount: 1000 + i, fileSizeInBytes: 50_000 + i },
});

/** The file's codec and its data blocks as stored (inflated by zlib where deflated, each checked as given). */
async function blocks(bytes: Buffer): Promise<{ codec: string; stored: Buffer[] }> {
  const stored: Buffer[] = [];
  let codec = '';
  const decoder = new avro.streams.BlockDecoder({
    codecs: {
      null: (block: Buffer, cb: (error: Error | null, data?: Buffer) => void) => {
        stored.push(block);
        cb(null, block);
      },
      deflate: (block: Buffer, cb: (error: Error | null, data?: Buffer) => void) => {
        stored.push(block);
        inflateRaw(block, cb);
      },
    },
  } as object);
  decoder.on('metadata', (_type: unknown, name: string) => {
    codec = name;
  });
  const done = new Promise<void>((resolve, reject) => {
    decoder.on('data', () => {});
    decoder.on('end', resolve);
    decoder.on('error', reject);
  });
  const source = new PassThrough();
  source.pipe(decoder);
  source.end(bytes);
  await done;
  return { codec, stored };
}

describe('Iceberg manifests as Avro files', () => {
  it('stores a few hundred bytes plain: a small deflated block broke an independent reader', async () => {
    const manifest = await encodeManifest([entry(1)], HEADER);
    expect(await blocks(manifest)).toMatchObject({ codec: 'null', stored: [expect.any(Buffer)] });
    expect((await decodeManifest(manifest))[0]?.dataFile).toEqual(entry(1).dataFile);
    const list = await encodeManifestList(
      [
        {
          manifestPath: 'file:///lake/t/metadata/m-1.avro',
          manifestLength: manifest.length,
          partitionSpecId: 0,
          sequenceNumber: 1,
          minSequenceNumber: 1,
          addedSnapshotId: 7,
          addedFilesCount: 1,
          existingFilesCount: 0,
          deletedFilesCount: 0,
          addedRowsCount: 1001,
          existingRowsCount: 0,
          deletedRowsCount: 0,
          partitions: [],
        },
      ],
      { snapshotId: 7, parentSnapshotId: null, sequenceNumber: 1 },
    );
    expect((await blocks(list)).codec).toBe('null');
    expect((await decodeManifestList(list))[0]?.manifestLength).toBe(manifest.length);
  });

  it('deflates a larger file in one block, which the independent reader inflates as zlib does', async () => {
    // ~90 bytes an entry: 2,000 entries are well past avsc's 64 KiB block, which would have left a short last block.
    const entries = Array.from({ length: 2000 }, (_, i) => entry(i));
    const manifest = await encodeManifest(entries, HEADER);
    const { codec, stored } = await blocks(manifest);
    expect(codec).toBe('deflate');
    expect(stored).toHaveLength(1);
    const inflated = await new Promise<Buffer>((resolve, reject) => inflateRaw(stored[0]!, (e, d) => (e ? reject(e) : resolve(d))));
    expect(inflated.length).toBeGreaterThan(64 * 1024);
    // hyparquet-compressors' inflate is what icebird reads Avro blocks with.
    expect(Buffer.from(gunzip(new Uint8Array(stored[0]!))).equals(inflated)).toBe(true);
    expect((await decodeManifest(manifest)).map((e) => e.dataFile.recordCount)).toEqual(entries.map((e) => e.dataFile.recordCount));
  });
});
