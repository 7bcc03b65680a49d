import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { columnNames, readFirstRecord } from './first-record.js';

const dir = mkdtempSync(join(tmpdir(), 'tributary-first-record-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function file(content: string | Buffer): string {
  const path = join(dir, `f${n++}.csv`);
  writeFileSync(path, content);
  return path;
}
const first = (content: string | Buffer, delimiter = ',', quote = '"', escapeChar = quote, encoding: 'utf8' | 'latin1' = 'utf8') =>
  readFirstRecord(file(content), delimiter, quote, escapeChar, encoding);

describe('readFirstRecord', () => {
  it('reads the fields of the first line only, whatever ends it', async () => {
    expect(await first('a,b,c\n1,2,3\n')).toEqual(['a', 'b', 'c']);
    expect(await first('a,b\r\n1,2')).toEqual(['a', 'b']);
    expect(await first('a;b\r1;2', ';')).toEqual(['a', 'b']);
    expect(await first('only')).toEqual(['only']);
  });

  it('gives null for an empty file, and one empty field for an empty first line', async () => {
    expect(await first('')).toBeNull();
    expect(await first('\nx')).toEqual(['']);
    expect(await first(',,')).toEqual(['', '', '']);
  });

  it('honours quotes: delimiters, line breaks and doubled quotes inside them', async () => {
    expect(await first('"a,b","line\nbreak","say ""hi""",plain\n')).toEqual(['a,b', 'line\nbreak', 'say "hi"', 'plain']);
    expect(await first("'x|y'|z", '|', "'")).toEqual(['x|y', 'z']);
  });

  it('honours a separate escape character', async () => {
    expect(await first('"a\\"b",c', ',', '"', '\\')).toEqual(['a"b', 'c']);
    // The escape only escapes a quote; elsewhere it is an ordinary character.
    expect(await first('"a\\b",c', ',', '"', '\\')).toEqual(['a\\b', 'c']);
  });

  it('drops a UTF-8 byte-order mark, keeps Unicode, and reads Latin-1 when asked', async () => {
    expect(await first('\ufeffprénom,名前\n')).toEqual(['prénom', '名前']);
    expect(await first(Buffer.from([0x6e, 0xe9, 0x2c, 0x78]), ',', '"', '"', 'latin1')).toEqual(['né', 'x']);
  });

  it('reads a first record longer than the head read at first, quotes and multi-byte characters across its end', async () => {
    // 64 KiB is read first: this header runs past it, inside quotes and through a character of three bytes.
    const long = `${'x'.repeat(65_533)}名`;
    expect(await first(`"${long}\nmore",b\n1,2\n`)).toEqual([`${long}\nmore`, 'b']);
    const wide = Array.from({ length: 20_000 }, (_, i) => `column_${i}`);
    expect(await first(`${wide.join(',')}\n${'1,'.repeat(19_999)}1\n`)).toEqual(wide);
  });

  it('fails a first record that does not end within the limit, and takes one that fills it exactly', async () => {
    const read = (content: string, maxBytes: number) => readFirstRecord(file(content), ',', '"', '"', 'utf8', maxBytes);
    await expect(read(`${'a'.repeat(100_000)}\nb\n`, 99_999)).rejects.toMatchObject({ code: 'FILE-5009' });
    await expect(read(`${'a'.repeat(100_000)}`, 99_999)).rejects.toMatchObject({ code: 'FILE-5009' });
    expect(await read(`${'a'.repeat(100_000)}\nb\n`, 100_000)).toEqual(['a'.repeat(100_000)]);
    expect(await read('a'.repeat(100_000), 100_000)).toEqual(['a'.repeat(100_000)]);
  });

  it('keeps spaces around fields (trimming is the caller’s choice)', async () => {
    expect(await first(' a , b ')).toEqual([' a ', ' b ']);
  });
});

describe('columnNames', () => {
  it('trims header names, names blanks by position, and numbers repeats', () => {
    expect(columnNames([' id ', '', 'name', 'name', '  ', 'name'], 6)).toEqual(['id', '_c1', 'name', 'name_1', '_c4', 'name_2']);
  });

  it('names every column by position without a header, and pads a short header', () => {
    expect(columnNames(null, 3)).toEqual(['_c0', '_c1', '_c2']);
    expect(columnNames(['a'], 3)).toEqual(['a', '_c1', '_c2']);
    expect(columnNames([], 0)).toEqual([]);
  });

  it('gives every column a distinct name even when a header looks like a numbered repeat', () => {
    expect(columnNames(['a', 'a', 'a_1'], 3)).toEqual(['a', 'a_1', 'a_1_1']);
  });
});
