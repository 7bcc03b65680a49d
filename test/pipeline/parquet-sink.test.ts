import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ingest, type FieldMapping } from '../../src/pipeline/index.js';
import { memoryFile, query, targetSchema } from './support.js';

const MAPPINGS: FieldMapping[] = [
  { sourceType: 'ATTRIBUTE', source: 'id', destination: '_id' },
  { sourceType: 'EXPRESSION', source: 'trim(first)', destination: 'person.name.firstName' },
  { sourceType: 'ATTRIBUTE', source: 'points', destination: 'loyalty.points' },
];
const ROWS = 10_000;
const CSV = ['id,first,points', ...Array.from({ length: ROWS }, (_, i) => `p-${i}, Name${i} ,${i % 7 === 0 ? 'x' : i}`)].join('\n');
const BAD = Math.ceil(ROWS / 7);

/** The JavaScript path's rows (every row, here) become Parquet parts as they are mapped, one spool at a time. */
describe('Parquet sink of the JavaScript path', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  const outDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'sink-'));
    dirs.push(dir);
    return dir;
  };

  it('rolls the spool into several parts holding the same rows as one part would', async () => {
    const land = async (spoolBytes?: number) => {
      const out = outDir();
      const result = await ingest({
        files: [memoryFile('/in/p.csv', CSV)],
        format: { format: 'delimited' },
        mappings: MAPPINGS,
        target: targetSchema(),
        outputDir: out,
        engineMode: 'javascript',
        ...(spoolBytes ? { engine: { spoolBytes } } : {}),
      });
      const rows = await query(
        `SELECT _id, person.name.firstName AS first, loyalty.points AS points FROM read_parquet('${join(out, '*.parquet')}') ORDER BY _id`,
      );
      return {
        result,
        rows,
        parts: readdirSync(out)
          .filter((f) => f.endsWith('.parquet'))
          .sort(),
      };
    };
    const whole = await land();
    const rolled = await land(64 * 1024);
    expect(whole.parts).toEqual(['part-00000.parquet']);
    expect(rolled.parts.length).toBeGreaterThan(3);
    expect(rolled.parts[0]).toBe('part-00000.parquet');
    expect(rolled.result.outputBytes).toBeGreaterThan(0);
    for (const r of [whole, rolled]) {
      expect([r.result.outputRecordCount, r.result.failedRecordCount]).toEqual([ROWS - BAD, BAD]);
      expect(r.rows).toHaveLength(ROWS - BAD);
    }
    expect(rolled.rows).toEqual(whole.rows);
    expect(rolled.rows[0]).toEqual({ _id: 'p-1', first: 'Name1', points: 1 });
  });

  // Stopping interrupts the engine's statements, a part's conversion among them: the run must end with
  // the reason it was stopped, not with the file recorded as broken (a failed file is never read again).
  it('rejects with the reason and leaves no part behind when the run is stopped midway', async () => {
    const out = outDir();
    const controller = new AbortController();
    let batches = 0;
    // Stops once a few spools have been rolled: parts exist by then, and must go.
    const target = targetSchema();
    const validate = target.validate;
    target.validate = (row) => {
      if (++batches === 6000) controller.abort(new Error('stopped by the test'));
      return validate(row);
    };
    await expect(
      ingest({
        files: [memoryFile('/in/p.csv', CSV)],
        format: { format: 'delimited' },
        mappings: MAPPINGS,
        target,
        outputDir: out,
        engineMode: 'javascript',
        engine: { spoolBytes: 32 * 1024 },
        signal: controller.signal,
      }),
    ).rejects.toThrow(/stopped by the test/);
    expect(readdirSync(out)).toEqual([]);
  });
});
