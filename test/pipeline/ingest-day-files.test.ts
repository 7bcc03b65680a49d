import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ingest, type FieldMapping, type SourceFormat } from '../../src/pipeline/index.js';
import { memoryFile, PROFILE_SCHEMA, query, targetSchema } from './support.js';

/** A resolved ExperienceEvent-like schema: a time-series class, `_id` and `timestamp` required. */
const EVENT_SCHEMA: Record<string, unknown> = {
  $id: 'https://ns.adobe.com/acme/schemas/events',
  type: 'object',
  'meta:class': 'https://ns.adobe.com/xdm/context/experienceevent',
  'meta:extends': ['https://ns.adobe.com/xdm/data/time-series', 'https://ns.adobe.com/xdm/context/experienceevent'],
  required: ['_id', 'timestamp'],
  properties: {
    _id: { type: 'string' },
    timestamp: { type: 'string', format: 'date-time', 'meta:xdmType': 'date-time' },
    eventType: { type: 'string' },
  },
};
const CSV =
  'id,ts,kind\ne1,2026-11-28T08:00:00Z,view\ne2,2026-11-29T01:30:00+03:00,view\ne3,2026-11-29T12:00:00Z,click\ne4,not a time,click\ne5,2026-11-30T10:00:00Z,view\n';
const MAPPINGS: FieldMapping[] = [
  { sourceType: 'ATTRIBUTE', source: 'id', destination: '_id' },
  { sourceType: 'ATTRIBUTE', source: 'ts', destination: 'timestamp' },
  { sourceType: 'ATTRIBUTE', source: 'kind', destination: 'eventType' },
];

/**
 * The SQL plan writes a time-series schema's accepted rows as one Parquet file per UTC day of `timestamp`, in the pass
 * that writes them (the Catalog then has nothing to split); other schemas keep one file per source file.
 */
describe('ingest into a time-series schema', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  const run = async (
    schema: Record<string, unknown>,
    csv: string | Buffer,
    mappings: FieldMapping[],
    engineMode: 'auto' | 'javascript' = 'auto',
    format: SourceFormat = { format: 'delimited' },
  ) => {
    const dir = mkdtempSync(join(tmpdir(), 'tributary-day-files-'));
    dirs.push(dir);
    const outputDir = join(dir, 'out');
    const result = await ingest({
      files: [memoryFile(format.format === 'parquet' ? '/in/events.parquet' : '/in/events.csv', csv)],
      format,
      target: targetSchema(schema),
      mappings,
      outputDir,
      workDir: dir,
      engineMode,
    });
    return { result, outputDir, names: readdirSync(outputDir).sort() };
  };

  it('writes one file per UTC day through the SQL plan', async () => {
    const { result, outputDir, names } = await run(EVENT_SCHEMA, CSV, MAPPINGS);
    expect(result.outputRecordCount).toBe(4);
    expect(result.rowErrors.map((e) => e.row)).toEqual([4]);
    expect(names).toEqual(['part-00000.2026-11-28.parquet', 'part-00000.2026-11-29.parquet', 'part-00000.2026-11-30.parquet']);
    const rows = await query(
      `SELECT parse_filename(filename) AS file, _id, CAST(timestamp AS DATE)::VARCHAR AS day FROM read_parquet('${outputDir}/*.parquet', filename = true) ORDER BY _id`,
    );
    expect(rows).toEqual([
      { file: 'part-00000.2026-11-28.parquet', _id: 'e1', day: '2026-11-28' },
      { file: 'part-00000.2026-11-28.parquet', _id: 'e2', day: '2026-11-28' },
      { file: 'part-00000.2026-11-29.parquet', _id: 'e3', day: '2026-11-29' },
      { file: 'part-00000.2026-11-30.parquet', _id: 'e5', day: '2026-11-30' },
    ]);
    // The files hold the schema's columns only, not the day they were split by.
    const columns = await query(`SELECT column_name FROM (DESCRIBE SELECT * FROM read_parquet('${outputDir}/${names[0]}'))`);
    expect(columns.map((c) => c.column_name)).toEqual(['_id', 'timestamp', 'eventType']);
    expect(result.outputBytes).toBeGreaterThan(0);
  });

  it('writes one file per UTC day from a Parquet file read in one pass', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tributary-day-parquet-'));
    dirs.push(dir);
    const path = join(dir, 'events.parquet');
    await query(
      `COPY (SELECT * FROM (VALUES ('e1', '2026-11-28T08:00:00Z', 'view'), ('e2', '2026-11-29T01:30:00+03:00', 'view'), ('e3', '2026-11-29T12:00:00Z', 'click'),
        ('e4', 'not a time', 'click'), ('e5', '2026-11-30T10:00:00Z', 'view')) t(id, ts, kind)) TO '${path}' (FORMAT parquet)`,
    );
    const { result, outputDir, names } = await run(EVENT_SCHEMA, readFileSync(path), MAPPINGS, 'auto', { format: 'parquet' });
    expect(result.timings).toHaveProperty('sourceToOutput');
    expect(result.outputRecordCount).toBe(4);
    expect(result.rowErrors.map((e) => e.row)).toEqual([4]);
    expect(names).toEqual(['part-00000.2026-11-28.parquet', 'part-00000.2026-11-29.parquet', 'part-00000.2026-11-30.parquet']);
    const rows = await query(`SELECT _id, CAST(timestamp AS DATE)::VARCHAR AS day FROM read_parquet('${outputDir}/*.parquet') ORDER BY _id`);
    expect(rows.map((r) => `${r._id} ${r.day}`)).toEqual(['e1 2026-11-28', 'e2 2026-11-28', 'e3 2026-11-29', 'e5 2026-11-30']);
  });

  it('leaves the JavaScript path and non-time-series schemas one file per source file', async () => {
    expect((await run(EVENT_SCHEMA, CSV, MAPPINGS, 'javascript')).names).toEqual(['part-00000.parquet']);
    const profile = await run(PROFILE_SCHEMA, 'id,created\np1,2026-11-28T08:00:00Z\np2,2026-11-29T08:00:00Z\n', [
      { sourceType: 'ATTRIBUTE', source: 'id', destination: '_id' },
      { sourceType: 'ATTRIBUTE', source: 'created', destination: 'createdAt' },
    ]);
    expect(profile.names).toEqual(['part-00000.parquet']);
  });
});
