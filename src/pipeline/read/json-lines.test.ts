import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readJsonLines } from './json-lines.js';
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
});
