import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SourceFormat } from '../contracts.js';
import { openEngine, type Engine } from '../engine/duckdb.js';
import { delimitedSource } from './delimited.js';
import { numberDelimitedRows, type RowValues } from './delimited-row-numbers.js';

/**
 * numberDelimitedRows must give the numbers DuckDB's own reading gives: each file here is read by DuckDB on one
 * thread into a table (rowid + 1 is the row's number), some of its rows are picked, and their values alone, shuffled,
 * must come back with exactly those numbers.
 */
describe('numberDelimitedRows', () => {
  let engine: Engine;
  const dir = mkdtempSync(join(tmpdir(), 'row-numbers-'));
  beforeAll(async () => {
    engine = await openEngine();
  });
  afterAll(() => {
    engine.close();
    rmSync(dir, { recursive: true, force: true });
  });

  let files = 0;
  /** The file's rows as DuckDB numbers them, and what numbering the picked ones gives. */
  async function number(text: string | Buffer, pick: (row: number, values: RowValues) => boolean, format: Partial<SourceFormat> = {}) {
    const path = join(dir, `f${files++}.csv`);
    writeFileSync(path, text);
    const source = (await delimitedSource(path, { format: 'delimited', ...format }))!;
    const read = await engine.connection.runAndReadAll(`SELECT * FROM ${source.sequential!.dataSql}`);
    const all = read.getRowsJS() as Array<Array<string | null>>;
    const expected = all.map((values, i) => [i + 1, ...values]).filter(([row, ...values]) => pick(row as number, values as RowValues));
    // In no order, as the capture gives them.
    const given = expected.map(([, ...values]) => values as RowValues).reverse();
    return { expected, got: await numberDelimitedRows(source.layout, given, all.length), source, given, total: all.length };
  }

  it('finds quoted, escaped, multi-line and ragged rows, and rows whose first fields repeat', async () => {
    const text = [
      'id,name,note',
      'a,"Smith, J.","said ""hi"""',
      '"a",b,c',
      'b,"two\nlines",x',
      '"quoted ""first"", field",y,z',
      'short',
      'long,1,2,3,4',
      'a,b,c',
      'a,b,c',
      ',,',
      'e,"",',
      'f,g,h',
    ].join('\n');
    // Every row that starts with "a" (three of them alike), the quoted first field, the ragged and the empty ones.
    const { expected, got } = await number(text, (_, [first]) => first !== 'b' && first !== 'f');
    expect(expected.length).toBeGreaterThan(6);
    expect(got).toEqual(expected);
  });

  it('reads CRLF line ends, a byte order mark, empty lines and a last line without a line break', async () => {
    const text = '\ufeffid,v\r\nx1,1\r\n\r\nx2,2\r\n\nx3,3\r\nx2,2';
    const { expected, got } = await number(text, (_, [first]) => first === 'x2' || first === 'x3');
    expect(expected.map(([row]) => row)).toEqual([2, 3, 4]);
    expect(got).toEqual(expected);
    // Without a header, the first row is data (and the mark not part of it).
    const bare = await number('\ufeffq,1\nr,2\nq,1\n', (_, [first]) => first === 'q', { header: false });
    expect(bare.expected.map(([row]) => row)).toEqual([1, 3]);
    expect(bare.got).toEqual(bare.expected);
  });

  it('follows a distinct escape character and another delimiter', async () => {
    const text = ['id;v', 'k1;"semi; colon"', 'k2;"back \\" quote"', 'k3;plain', '"k\\"4";v'].join('\n');
    const { expected, got } = await number(text, (_, [first]) => first !== 'k3', { columnDelimiter: ';', escapeChar: '\\' });
    expect(expected).toHaveLength(3);
    expect(got).toEqual(expected);
  });

  it('finds rows across its reads of the file, a quoted field spanning two of them', async () => {
    const filler = 'x'.repeat(300);
    const lines = ['id,v'];
    for (let i = 0; i < 8000; i++) lines.push(i === 3500 ? `r${i},"${filler}\n${filler}"` : `r${i},${filler}`);
    const { expected, got } = await number(lines.join('\n'), (row) => row % 997 === 1 || row === 3501);
    expect(expected.length).toBeGreaterThan(8);
    expect(got).toEqual(expected);
  });

  it('tells rows apart by all their values when the first one hardly changes', async () => {
    // Past 1,024 records whose first field is a wanted one, most of them, records are told apart by their content.
    const lines = ['kind,name,note,extra'];
    for (let i = 0; i < 4000; i++) {
      if (i % 500 === 3) lines.push('web,short');
      else if (i % 500 === 4) lines.push(`web,long${i},a,b,c,d`);
      else if (i % 3 === 0) lines.push(`web,"n${i}, quoted","said ""${i}""",`);
      else lines.push(`web,n${i},note ${i % 7},${i % 11}`);
    }
    const { expected, got } = await number(lines.join('\n'), (row, [, name]) => row % 5 === 1 || name === 'short' || name!.startsWith('long'));
    expect(expected.length).toBeGreaterThan(800);
    expect(got).toEqual(expected);
    // The same with an escape character of its own.
    const escaped = lines.map((line) => line.replaceAll('""', '\\"'));
    const other = await number(escaped.join('\n'), (row) => row % 4 === 2, { escapeChar: '\\' });
    expect(other.expected.length).toBe(1000);
    expect(other.got).toEqual(other.expected);
  });

  it('numbers the lines of a file whose lines are its records, whatever its quotes', async () => {
    // Lines alone number this file: a quote DuckDB reads as a character does not hide the rows after it.
    const stray = await number(`id,v\nx,5'11"\n${'y,1\n'.repeat(2000)}`, (_, [first]) => first === 'y');
    expect(stray.expected).toHaveLength(2000);
    expect(await numberDelimitedRows({ ...stray.source.layout, maxRecordBytes: 1024 }, stray.given, stray.total)).toEqual(stray.expected);
    // A CR that no LF follows refuses the lines; inside quotes it is a character to DuckDB, and the quotes number it.
    const cr = await number('id,v\na,"x\ry"\nb,2\na,"x\ry"\n', (_, [first]) => first === 'a');
    expect(cr.expected.map(([row]) => row)).toEqual([1, 3]);
    expect(cr.got).toEqual(cr.expected);
  });

  it('says null when the rows cannot be told apart as DuckDB read them', async () => {
    const plain = await number('id,v\na,1\nb,2\na,1\n', (_, [first]) => first === 'a');
    const path = plain.source.layout;
    // A row count other than DuckDB's, a row given that the file does not hold, a row given once that it holds twice.
    expect(await numberDelimitedRows(path, plain.given, plain.total + 1)).toBeNull();
    expect(await numberDelimitedRows(path, [...plain.given, ['c', '3', null]], plain.total)).toBeNull();
    expect(await numberDelimitedRows(path, plain.given.slice(1), plain.total)).toBeNull();
    // DuckDB ends records at a lone CR too; this reading does not.
    const cr = await number('id,v\ra,1\rb,2\r', (_, [first]) => first === 'a');
    expect(cr.expected).toHaveLength(1);
    expect(cr.got).toBeNull();
    // A lone CR ends a record, which a quoted line break further on would hide from a count of lines (four of each):
    // "d" is the third record but on the second line. The lines refuse the CR, and the quotes find three records.
    const hidden = await number('id,v\na,1\rb,2\nd,4\nc,"x\ny"\n', (_, [first]) => first === 'd');
    expect(hidden.expected.map(([row]) => row)).toEqual([3]);
    expect(hidden.got).toBeNull();
    // A quote DuckDB reads as a character. With a record of two lines further on, following the quotes is the only
    // way, and that quote opens quoting to the end of the file: no row is found.
    const stray = await number(`id,v\nx,5'11"\nz,"two\nlines"\n${'y,1\n'.repeat(2000)}`, (_, [first]) => first === 'y');
    expect(stray.expected).toHaveLength(2000);
    expect(await numberDelimitedRows({ ...stray.source.layout, maxRecordBytes: 1024 }, stray.given, stray.total)).toBeNull();
    // A separator of more than one byte.
    const wide = await number('id§v\na§1\n', () => true, { columnDelimiter: '§' });
    expect(wide.expected).toHaveLength(1);
    expect(wide.got).toBeNull();
  });
});
