import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingest, type FieldMapping, type IngestRequest, type SourceFile } from '../../src/pipeline/index.js';
import { query, targetSchema } from './support.js';

const MAPPINGS: FieldMapping[] = [
  { sourceType: 'ATTRIBUTE', source: 'id', destination: '_id' },
  { sourceType: 'ATTRIBUTE', source: 'first_name', destination: 'person.name.firstName' },
  { sourceType: 'ATTRIBUTE', source: 'email', destination: 'personalEmail.address' },
  { sourceType: 'ATTRIBUTE', source: 'birth', destination: 'person.birthDate' },
  { sourceType: 'ATTRIBUTE', source: 'points', destination: 'loyalty.points' },
];
const SEGMENT = 64 * 1024;
const ROWS = 4000;

/**
 * ~400 KB of CRLF CSV: a header, quoted fields holding CRLFs, commas and doubled quotes, long quoted
 * stretches (so a segment's size is often reached inside quotes), and broken rows of every kind all
 * through the file, so that later segments have their own.
 */
function csv(): string {
  const lines = ['id,first_name,email,birth,points'];
  for (let i = 1; i <= ROWS; i++) {
    const name = i % 7 === 0 ? `"Multi\r\nline ""${i}"" with, comma ${'x'.repeat(i % 300)}"` : `Name${i}`;
    const email = i % 97 === 0 ? 'not-an-email' : `p${i}@example.com`;
    const birth = i % 89 === 0 ? '1999-02-30' : '1990-01-02';
    if (i % 101 === 0)
      lines.push(`${i},${name},${email}`); // ragged: too few columns
    else lines.push(`${i},${name},${email},${birth},${i % 83 === 0 ? 'n/a' : i}`);
  }
  return `${lines.join('\r\n')}\r\n`;
}

function jsonLines(): string {
  const lines: string[] = [];
  for (let i = 1; i <= ROWS; i++) {
    if (i % 50 === 0) lines.push('');
    lines.push(
      i % 97 === 0 ? `{"id": "${i}", broken` : JSON.stringify({ id: String(i), first_name: `N\n${'y'.repeat(i % 200)}`, points: i % 83 ? i : 'n/a' }),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

/**
 * A remote-like file served in small, uneven chunks (so cuts and quotes fall across chunk ends); before
 * each chunk it notes how many segment files the scratch folder holds, to see what is on disk while it streams.
 */
function chunkedFile(path: string, bytes: Buffer, scratch: string, seen: { most: number; names: Set<string> }): SourceFile {
  const sizes = [1, 3000, 17, 4096, 777, 12_000];
  return {
    path,
    size: bytes.length,
    open: async () =>
      Readable.from(
        (function* () {
          for (let at = 0, i = 0; at < bytes.length; i++) {
            const segments = segmentFiles(scratch);
            seen.most = Math.max(seen.most, segments.length);
            for (const name of segments) seen.names.add(name);
            const size = sizes[i % sizes.length]!;
            yield bytes.subarray(at, at + size);
            at += size;
          }
        })(),
      ),
  };
}

/** The segment files (`source-N`) anywhere under the scratch folder. */
function segmentFiles(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).filter((name) => /(^|\/)source-\d+$/.test(name));
}

describe('ingest: remote files cut into segments', () => {
  let work: string;
  beforeEach(() => {
    work = mkdtempSync(join(tmpdir(), 'segments-test-'));
  });
  afterEach(() => rmSync(work, { recursive: true, force: true }));

  /** Ingests one file twice, whole and in 64 KiB segments; returns both results, their rows and what the scratch folder held. */
  async function both(name: string, bytes: Buffer, request: Omit<IngestRequest, 'files' | 'outputDir' | 'target'>) {
    const runs = [];
    for (const segmentBytes of [Number.MAX_SAFE_INTEGER, SEGMENT]) {
      const dir = mkdtempSync(join(work, 'run-'));
      const scratch = join(dir, 'scratch');
      const outputDir = join(dir, 'out');
      rmSync(scratch, { force: true });
      const seen = { most: 0, names: new Set<string>() };
      await import('node:fs/promises').then((fs) => fs.mkdir(scratch));
      const result = await ingest({
        ...request,
        files: [chunkedFile(`/in/${name}`, bytes, scratch, seen)],
        target: targetSchema(),
        outputDir,
        workDir: scratch,
        segmentBytes,
      });
      const rows = result.outputRecordCount
        ? await query(`SELECT _id, person.name.firstName AS first FROM read_parquet('${outputDir}/*.parquet') ORDER BY _id::INTEGER`)
        : [];
      runs.push({ result, rows, seen, parts: readdirSync(outputDir).length });
    }
    return { whole: runs[0]!, cut: runs[1]! };
  }

  const errorsOf = (result: Awaited<ReturnType<typeof ingest>>) =>
    result.rowErrors
      .map((e) => ({ file: e.file, row: e.row, code: e.code, field: e.field }))
      .sort((a, b) => a.row - b.row || a.code.localeCompare(b.code));

  for (const [engineMode, gzip] of [
    ['auto', false],
    ['javascript', false],
    ['auto', true],
  ] as const) {
    it(`gives a ${gzip ? 'gzip ' : ''}CSV the same rows and the same row errors (row numbers too) as a whole copy, two segments on disk at most (${engineMode})`, async () => {
      const text = csv();
      const { whole, cut } = await both('people.csv', gzip ? gzipSync(text) : Buffer.from(text), {
        format: { format: 'delimited', ...(gzip ? { compressionType: 'gzip' as const } : {}) },
        mappings: MAPPINGS,
        engineMode,
      });
      expect(whole.result.files[0]!.error).toBeUndefined();
      expect(whole.result.inputRecordCount).toBe(ROWS);
      // Every kind of bad row, all through the file.
      const wholeErrors = errorsOf(whole.result);
      expect(new Set(wholeErrors.map((e) => e.code)).size).toBeGreaterThanOrEqual(3);
      expect(wholeErrors.at(-1)!.row).toBeGreaterThan(ROWS - 120);
      expect(errorsOf(cut.result)).toEqual(wholeErrors);
      expect(cut.result.files).toEqual(whole.result.files);
      expect(cut.rows).toEqual(whole.rows);
      expect(cut.rows.find((r) => r._id === '7')!.first).toBe('Multi\r\nline "7" with, comma xxxxxxx');

      if (engineMode === 'auto') expect(cut.parts).toBeGreaterThan(whole.parts);
      // The few compressed bytes are all read before the first segment is written: only plain text shows the disk.
      if (gzip) return;
      // Whole: one copy. Cut: the text (~380 KB) went through several segments, never more than two at once.
      expect(whole.seen.names.size).toBe(1);
      expect(cut.seen.names.size).toBeGreaterThanOrEqual(Math.floor(Buffer.byteLength(text) / SEGMENT));
      expect(cut.seen.most).toBeLessThanOrEqual(2);
    });
  }

  it('cuts JSON lines at line ends and numbers rows on across segments', async () => {
    const { whole, cut } = await both('events.json', Buffer.from(jsonLines()), { format: { format: 'json' }, mappings: MAPPINGS });
    expect(whole.result.inputRecordCount).toBe(ROWS);
    const wholeErrors = errorsOf(whole.result);
    expect(wholeErrors.filter((e) => e.code === 'PARSE-1002' || e.code.startsWith('PARSE')).length).toBeGreaterThan(30);
    expect(errorsOf(cut.result)).toEqual(wholeErrors);
    expect(cut.result.files).toEqual(whole.result.files);
    expect(cut.rows).toEqual(whole.rows);
    expect(cut.seen.names.size).toBeGreaterThan(3);
    expect(cut.seen.most).toBeLessThanOrEqual(2);
  });

  it('stops a stalled download at once when an early segment fails the file, and leaves no segment behind', async () => {
    // Gzip's signature where plain text is declared fails the file at its first segment; the source then sends
    // nothing more and never ends, as a stalled socket. What it sent is a segment and a half, so the second segment
    // waits for bytes that never come: only abandoning the download lets the ingest finish.
    const head = Buffer.concat([Buffer.from([0x1f, 0x8b, 0x08]), Buffer.from(`,id\n${'1,x\n'.repeat(25_000)}`)]);
    const stalled = new Readable({ read() {} });
    stalled.push(head);
    const scratch = mkdtempSync(join(work, 'scratch-'));
    const result = await ingest({
      files: [{ path: '/in/stalled.csv', size: head.length * 10, open: async () => stalled }],
      format: { format: 'delimited' },
      mappings: MAPPINGS,
      target: targetSchema(),
      outputDir: mkdtempSync(join(work, 'out-')),
      workDir: scratch,
      segmentBytes: SEGMENT,
    });
    expect(result.files[0]!.error).toMatchObject({ code: 'FILE-5005' });
    expect(stalled.destroyed).toBe(true);
    expect(segmentFiles(scratch)).toEqual([]);
  });

  it('keeps multi-line JSON whole: it splits only once parsed', async () => {
    const doc = JSON.stringify(
      Array.from({ length: 3000 }, (_, i) => ({ id: String(i + 1), first_name: 'z'.repeat(50) })),
      null,
      2,
    );
    const { whole, cut } = await both('doc.json', Buffer.from(doc), { format: { format: 'json', isMultiLineJson: true }, mappings: MAPPINGS });
    expect(cut.result.outputRecordCount).toBe(3000);
    expect(cut.rows).toEqual(whole.rows);
    expect(cut.seen.names.size).toBe(1);
  });
});
