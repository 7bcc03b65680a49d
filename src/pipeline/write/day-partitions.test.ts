import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitByDay } from './day-partitions.js';

describe('splitByDay', () => {
  let db: DuckDBConnection;
  let instance: DuckDBInstance;
  const dirs: string[] = [];
  beforeAll(async () => {
    instance = await DuckDBInstance.create(':memory:');
    db = await instance.connect();
    await db.run(`SET TimeZone = 'UTC'`);
  });
  afterAll(() => {
    db.closeSync();
    instance.closeSync();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  const folder = () => {
    const dir = mkdtempSync(join(tmpdir(), 'tributary-days-'));
    dirs.push(dir);
    return dir;
  };
  const write = (dir: string, name: string, values: string) =>
    db.run(`COPY (SELECT * FROM (VALUES ${values}) t(_id, timestamp)) TO '${join(dir, name)}' (FORMAT parquet)`);
  const rows = async (dir: string, name: string) =>
    (await db.runAndReadAll(`SELECT _id, timestamp::VARCHAR AS ts FROM read_parquet('${join(dir, name)}') ORDER BY _id`)).getRowObjectsJS();

  it('keeps a file of one day as it is and splits one of several days into a file per UTC day', async () => {
    const dir = folder();
    await write(dir, 'part-00000.parquet', `('a', TIMESTAMPTZ '2026-11-28 01:00:00+00'), ('b', TIMESTAMPTZ '2026-11-28 23:59:59+00')`);
    await write(
      dir,
      'part-00001.parquet',
      `('c', TIMESTAMPTZ '2026-11-28 22:00:00-05:00'), ('d', TIMESTAMPTZ '1969-12-31 23:00:00+00'), ('e', NULL::TIMESTAMPTZ), ('f', TIMESTAMPTZ '2026-11-28 00:00:00+00')`,
    );
    const days = await splitByDay(dir, 'timestamp');
    // 2026-11-28 is day 20,785 after 1970-01-01.
    expect(Object.fromEntries(days)).toEqual({
      'part-00000.parquet': 20_785,
      'part-00001.1969-12-31.parquet': -1,
      'part-00001.2026-11-28.parquet': 20_785,
      'part-00001.2026-11-29.parquet': 20_786,
      'part-00001.null.parquet': null,
    });
    expect(readdirSync(dir).sort()).toEqual([...days.keys()].sort());
    expect(await rows(dir, 'part-00001.2026-11-29.parquet')).toEqual([{ _id: 'c', ts: '2026-11-29 03:00:00+00' }]);
    expect(await rows(dir, 'part-00001.null.parquet')).toEqual([{ _id: 'e', ts: null }]);
    // The split files keep the columns and types of the file they came from, without the day.
    const described = (
      await db.runAndReadAll(`DESCRIBE SELECT * FROM read_parquet('${join(dir, 'part-00001.2026-11-28.parquet')}')`)
    ).getRowObjectsJS();
    expect(described.map((c) => [c.column_name, c.column_type])).toEqual([
      ['_id', 'VARCHAR'],
      ['timestamp', 'TIMESTAMP WITH TIME ZONE'],
    ]);
  });

  it('gives a file without the column, or with only nulls in it, a null day', async () => {
    const dir = folder();
    await db.run(`COPY (SELECT 'x' AS _id) TO '${join(dir, 'part-00000.parquet')}' (FORMAT parquet)`);
    await write(dir, 'part-00001.parquet', `('y', NULL::TIMESTAMPTZ)`);
    expect(Object.fromEntries(await splitByDay(dir, 'timestamp'))).toEqual({ 'part-00000.parquet': null, 'part-00001.parquet': null });
    expect(await splitByDay(folder(), 'timestamp')).toEqual(new Map());
  });
});
