import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ingest } from '../../src/pipeline/index.js';
import { memoryFile, query, targetSchema } from './support.js';

const row = (id: string, name = id) => JSON.stringify({ _id: id, person: { name: { firstName: name } } });

describe('ingest: JSON lines split on bytes', () => {
  let out: string;
  beforeEach(() => {
    out = mkdtempSync(join(tmpdir(), 'pipeline-jsonl-'));
  });
  afterEach(() => rmSync(out, { recursive: true, force: true }));

  const run = (content: string | Buffer, maxRecordBytes?: number) =>
    ingest({
      files: [memoryFile('/in/rows.json', content)],
      format: { format: 'json' },
      mappings: null,
      target: targetSchema(),
      outputDir: out,
      ...(maxRecordBytes !== undefined ? { maxRecordBytes } : {}),
    });

  it('reads CRLF and LF endings, a BOM, blank lines, lines across read chunks and a last line without an end', async () => {
    const long = 'é'.repeat(100_000);
    const text = `\ufeff${row('a')}\r\n\r\n${row('b', long)}\n{broken\n${row('c')}`;
    const result = await run(text);
    expect(result).toMatchObject({ inputRecordCount: 4, outputRecordCount: 3, failedRecordCount: 1 });
    expect(result.rowErrors).toEqual([expect.objectContaining({ row: 3, code: 'PARSE-1002' })]);
    const rows = await query(
      `SELECT _id, length(person.name.firstName)::INTEGER AS n FROM read_parquet('${join(out, 'part-*.parquet')}') ORDER BY _id`,
    );
    expect(rows).toEqual([
      { _id: 'a', n: 1 },
      { _id: 'b', n: 100_000 },
      { _id: 'c', n: 1 },
    ]);
  });

  it('takes a line of exactly the record limit and fails the file on a line one byte longer', async () => {
    const line = row('x', 'y'.repeat(2000));
    const bytes = Buffer.byteLength(line);
    expect((await run(`${row('a')}\n${line}\n`, bytes)).files[0]!.error).toBeUndefined();
    const result = await run(`${row('a')}\n${line}\n`, bytes - 1);
    expect(result.files[0]!.error).toEqual({ code: 'FILE-5009', message: `line 2 is longer than ${bytes - 1} bytes, the most one record may take` });
    expect(result.outputRecordCount).toBe(0);
  });

  it('keeps control characters of a broken line out of its row error', async () => {
    const result = await run(`\u0000\u0001garbage\n${row('a')}\n`);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters are what must not show.
    expect(result.rowErrors[0]!.message).not.toMatch(/[\u0000-\u0008]/);
    expect(result.rowErrors[0]!.message).toContain('\ufffd');
  });
});
