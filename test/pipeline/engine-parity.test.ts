import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ingest, type FieldMapping } from '../../src/pipeline/index.js';
import { compileSqlPlan } from '../../src/pipeline/plan/sql-plan.js';
import { rootField } from '../../src/pipeline/schema/xdm-fields.js';
import { memoryFile, PROFILE_SCHEMA, query, targetSchema } from './support.js';

/**
 * The SQL plan and the JavaScript mapper must give the same rows and the same errors. One file
 * holding every kind of value either path could get wrong goes through both.
 */
const CSV = [
  'id,first,last,email,birth,points,created,score,active,city',
  'p-1,Ann,  Lee\t,ann@example.com,1990-01-02,12,2024-01-02T03:04:05Z,1.5,true,London',
  'p-2,Bob,Ray,not an email,1990-02-30,x,2024-01-02T03:04:05+02:00,abc,maybe,Paris',
  'p-3,Cy,Doe,cy@example.com,19900102,  7 ,2024-01-02 03:04,1e3,FALSE,Zürich',
  'p-4,Dée,Ünal,dee@exämple.com,631152000000,2147483648,1704164645000,-0.25,TRUE,São Paulo',
  'p-5,Eve,Short',
  'p-6,Fay,Long,fay@example.com,1990-01-02,1,2024-01-02T03:04:05Z,1,true,Rome,extra',
  ',,,,,,,,,',
  'p-8,"Gil, Jr.","O""Neil",gil@example.com,2000-12-31,+5,2024-12-31T23:59:59.123456Z,.5,false,"New York, NY"',
  'p-9,Hal,Ng,HAL@EXAMPLE.COM,0999-01-01,3.0,2024-01-02T24:00:00Z,7,true,',
  'p-10,Ida,Wu,ida@example.com,,,,,,',
  'p-11,Jo,\u00a0Kay\u2003,jo@example.com,2001-01-01,   ,2024-01-02T03:04:05Z,1,true,Oslo',
  'p-12,Kim,\u000b \u000c,kim@example.com,2001-01-01, 12,2024-01-02T03:04:05Z,1,true,Oslo',
].join('\n');

const MAPPINGS: FieldMapping[] = [
  { sourceType: 'ATTRIBUTE', source: 'id', destination: '_id', identity: { namespaceCode: 'CRM', primary: true } },
  { sourceType: 'EXPRESSION', source: 'concat(first, " ", last)', destination: 'person.name.firstName' },
  { sourceType: 'EXPRESSION', source: 'upper(rtrim(ltrim(last)))', destination: 'person.name.lastName' },
  { sourceType: 'EXPRESSION', source: 'lower(email)', destination: 'personalEmail.address', identity: { namespaceCode: 'Email' } },
  { sourceType: 'ATTRIBUTE', source: 'birth', destination: 'person.birthDate' },
  { sourceType: 'EXPRESSION', source: 'trim(points)', destination: 'loyalty.points' },
  { sourceType: 'ATTRIBUTE', source: 'created', destination: 'createdAt' },
  { sourceType: 'ATTRIBUTE', source: 'score', destination: 'score' },
  { sourceType: 'ATTRIBUTE', source: 'active', destination: 'active' },
];

describe('SQL plan and JavaScript mapper agree', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  async function run(engineMode: 'auto' | 'javascript', engine?: { scratchTableBytes: number }) {
    const out = mkdtempSync(join(tmpdir(), `parity-${engineMode}-`));
    dirs.push(out);
    const result = await ingest({
      files: [memoryFile('/in/people.csv', CSV)],
      format: { format: 'delimited' },
      mappings: MAPPINGS,
      target: targetSchema(),
      outputDir: out,
      engineMode,
      ...(engine ? { engine } : {}),
    });
    if (process.env.DEBUG_PARITY) console.log(engineMode, JSON.stringify(result, null, 1));
    const rows = await query(
      `SELECT to_json(t)::VARCHAR AS row FROM read_parquet('${join(out, 'part-*.parquet')}', union_by_name = true) t ORDER BY _id`,
    );
    return { result, rows: rows.map((r) => JSON.parse(r.row as string) as Record<string, unknown>) };
  }

  it('compiles this mapping set to SQL (so the comparison means something)', () => {
    expect(
      compileSqlPlan(MAPPINGS, rootField(PROFILE_SCHEMA), PROFILE_SCHEMA, [
        'id',
        'first',
        'last',
        'email',
        'birth',
        'points',
        'created',
        'score',
        'active',
        'city',
      ]),
    ).not.toBeNull();
  });

  it('gives the same rows, counts and errors', async () => {
    const sql = await run('auto');
    const js = await run('javascript');
    expect(sql.result.rowErrors.sort((a, b) => a.row - b.row || a.code.localeCompare(b.code))).toEqual(
      js.result.rowErrors.sort((a, b) => a.row - b.row || a.code.localeCompare(b.code)),
    );
    expect([sql.result.inputRecordCount, sql.result.outputRecordCount, sql.result.failedRecordCount]).toEqual([
      js.result.inputRecordCount,
      js.result.outputRecordCount,
      js.result.failedRecordCount,
    ]);
    expect(sql.rows).toEqual(js.rows);
    // The file exercises both outcomes: rows landed and rows refused.
    expect(js.result.outputRecordCount).toBeGreaterThan(3);
    expect(js.result.failedRecordCount).toBeGreaterThan(3);
    // A larger file's scratch copy is a Parquet file rather than a table: the same again.
    const streamed = await run('auto', { scratchTableBytes: 0 });
    expect(streamed.result.rowErrors.sort((a, b) => a.row - b.row || a.code.localeCompare(b.code))).toEqual(sql.result.rowErrors);
    expect(streamed.rows).toEqual(sql.rows);
    expect(streamed.result.outputRecordCount).toBe(sql.result.outputRecordCount);
    expect(js.rows.find((r) => r._id === 'p-1')).toMatchObject({
      person: { name: { firstName: 'Ann   Lee\t', lastName: 'LEE' } },
      identityMap: { CRM: [{ id: 'p-1', primary: true }], Email: [{ id: 'ann@example.com', primary: false }] },
    });
  });
});
