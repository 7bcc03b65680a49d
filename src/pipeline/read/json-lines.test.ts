import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { jsonLinesAgree, readJsonLines } from './json-lines.js';
import { BATCH_SIZE, type SourceRecord } from './records.js';

const dir = mkdtempSync(join(tmpdir(), 'tributary-json-lines-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
async function read(content: string, limit?: number): Promise<SourceRecord[][]> {
  const path = join(dir, `j${n++}.json`);
  writeFileSync(path, content);
  const batches: SourceRecord[][] = [];
  for await (const batch of readJsonLines(path, limit)) batches.push(batch);
  return batches;
}

describe('readJsonLines', () => {
  it('reads one object per line with its JSON types, skipping blank lines, counting rows from 1', async () => {
    expect(await read('{"a":1,"b":[true,null]}\n\n  \r\n{"é":"😀"}\r\n')).toEqual([
      [
        { row: 1, values: { a: 1, b: [true, null] } },
        { row: 2, values: { é: '😀' } },
      ],
    ]);
  });

  it('fails a broken line or a line that is no object on its own, with PARSE-1002', async () => {
    const [batch] = await read('{"ok":1}\n{broken\n[1,2]\n"text"\nnull\n{"ok":2}');
    expect(batch?.map((r) => [r.row, r.values, r.error?.code])).toEqual([
      [1, { ok: 1 }, undefined],
      [2, null, 'PARSE-1002'],
      [3, null, 'PARSE-1002'],
      [4, null, 'PARSE-1002'],
      [5, null, 'PARSE-1002'],
      [6, { ok: 2 }, undefined],
    ]);
    expect(batch?.[1]?.error?.message).toMatch(/^invalid JSON: /);
    expect(batch?.[2]?.error?.message).toBe('the line is not a JSON object');
  });

  it('drops a byte-order mark and gives nothing for an empty file', async () => {
    expect(await read('\ufeff{"a":1}\n')).toEqual([[{ row: 1, values: { a: 1 } }]]);
    expect(await read('')).toEqual([]);
  });

  it('stops after the limit, and batches by BATCH_SIZE', async () => {
    expect((await read('{"i":1}\n{"i":2}\n{"i":3}\n', 2)).flat().map((r) => r.values)).toEqual([{ i: 1 }, { i: 2 }]);
    const lines = Array.from({ length: BATCH_SIZE + 1 }, (_, i) => `{"i":${i}}`).join('\n');
    expect((await read(lines)).map((b) => b.length)).toEqual([BATCH_SIZE, 1]);
  });

  describe('files larger than one read', () => {
    // Lines of many lengths (some longer than a read), multi-byte text and CRLF, so that reads end inside lines and characters.
    const line = (i: number) =>
      JSON.stringify({ i, text: `${'é'.repeat(i % 7)}${'x'.repeat((i * 7919) % 5000)}🦆`, big: i % 997 === 0 ? 'y'.repeat(1_500_000) : '' });
    const count = 3000;
    const body = Array.from({ length: count }, (_, i) => `${line(i)}${i % 5 === 0 ? '\r\n' : '\n'}${i % 11 === 0 ? '  \n' : ''}`).join('');
    const write = (content: string | Buffer) => {
      const path = join(dir, `j${n++}.json`);
      writeFileSync(path, content);
      return path;
    };
    const all = async (path: string, maxLineBytes?: number, only?: number[]) => {
      const records: SourceRecord[] = [];
      for await (const batch of readJsonLines(path, undefined, maxLineBytes, only)) records.push(...batch);
      return records;
    };

    it('reads every line whole, numbered as in a small file, and picks rows by number', async () => {
      const path = write(body);
      const records = await all(path);
      expect(records).toHaveLength(count);
      expect(records).toEqual(Array.from({ length: count }, (_, i) => ({ row: i + 1, values: JSON.parse(line(i)) })));
      const only = [1, 2, 998, 999, 1500, 2999, 3000];
      expect((await all(path, undefined, only)).map((r) => [r.row, (r.values as { i: number }).i])).toEqual(only.map((row) => [row, row - 1]));
      expect(await jsonLinesAgree(path)).toBe(true);
      // The last line needs no newline.
      expect((await all(write(body.trimEnd()))).length).toBe(count);
    });

    it('fails the file at a line too long or not UTF-8, however far in, after the lines before it', async () => {
      const long = write(body);
      // Line 1 of the 1.5 MB lines starts the file; the next is line 998 + 1 blank lines before it.
      const failure = all(long, 1_000_000);
      await expect(failure).rejects.toMatchObject({ code: 'FILE-5009' });
      await expect(failure).rejects.toThrow(/^line 1 is longer than 1000000 bytes/);
      expect(await jsonLinesAgree(long, 1_000_000)).toBe(false);
      const bytes = Buffer.from(body);
      const at = bytes.indexOf('"i":2500,');
      bytes[at + 1] = 0xff;
      const broken = write(bytes);
      const lineNumber = body.slice(0, body.indexOf('"i":2500,')).split('\n').length;
      await expect(all(broken)).rejects.toThrow(`line ${lineNumber} is not valid UTF-8`);
      expect(await jsonLinesAgree(broken)).toBe(false);
    });

    it('tells DuckDB’s numbering apart from its own: a form feed or a Unicode-blank line far in', async () => {
      // Written as an escape, a form feed is only text.
      expect(await jsonLinesAgree(write(`${body}{"late":"\\f"}\n`))).toBe(true);
      expect(await jsonLinesAgree(write(`${body}{"late":"\f"}\n`))).toBe(false);
      expect(await jsonLinesAgree(write(`${body}\f{"late":1}\n`))).toBe(false);
      expect(await jsonLinesAgree(write(`${body}\u00a0\n{"late":1}\n`))).toBe(false);
    });
  });
});
