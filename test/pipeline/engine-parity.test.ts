import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ingest, type FieldMapping } from '../../src/pipeline/index.js';
import { openEngine } from '../../src/pipeline/engine/duckdb.js';
import { FUNCTION_DEFS } from '../../src/pipeline/mapping/expression/functions/index.js';
import { engineAccepts, runPlan } from '../../src/pipeline/plan/run-plan.js';
import { delimitedPlanSource } from '../../src/pipeline/plan/plan-source.js';
import { compileSqlPlan } from '../../src/pipeline/plan/sql-plan.js';
import { delimitedSource } from '../../src/pipeline/read/delimited.js';
import { rootField } from '../../src/pipeline/schema/xdm-fields.js';
import { memoryFile, PROFILE_SCHEMA, query, targetSchema } from './support.js';
import { VECTORIZED_CASES, type VectorizedCase } from './vectorized-cases.js';

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

  async function run(engineMode: 'auto' | 'javascript', engine?: { scratchTableBytes?: number; capturedRows?: number }) {
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
    // The plan read the file once and found its flagged rows again afterwards, with no scratch copy.
    expect(sql.result.timings).toHaveProperty('findFlagged');
    expect(sql.result.timings).not.toHaveProperty('csvToScratch');
    // Flagged rows too many to hold: the plan keeps a scratch copy, a table for a small file and a Parquet file for a
    // larger one — the same again.
    for (const engine of [{ capturedRows: 0 }, { capturedRows: 0, scratchTableBytes: 0 }]) {
      const scratch = await run('auto', engine);
      expect(scratch.result.timings).toHaveProperty('csvToScratch');
      expect(scratch.result.rowErrors.sort((a, b) => a.row - b.row || a.code.localeCompare(b.code))).toEqual(sql.result.rowErrors);
      expect(scratch.rows).toEqual(sql.rows);
      expect(scratch.result.outputRecordCount).toBe(sql.result.outputRecordCount);
    }
    expect(js.rows.find((r) => r._id === 'p-1')).toMatchObject({
      person: { name: { firstName: 'Ann   Lee\t', lastName: 'LEE' } },
      identityMap: { CRM: [{ id: 'p-1', primary: true }], Email: [{ id: 'ann@example.com', primary: false }] },
    });
  });
});

/**
 * Every Data Prep function with no SQL twin runs in the plan as a vectorized scalar function (see
 * plan/scalar-functions.ts). One wide file holds, for every function, inputs that land; then one
 * row per function with inputs that fail it (all other functions fed good inputs), and a row of
 * empty fields. Both engines must write the same rows and the same row errors, and the plan must
 * hand the JavaScript mapper exactly the rows that fail, no more.
 */
describe('vectorized Data Prep functions: SQL plan and JavaScript mapper agree', () => {
  const names = Object.keys(VECTORIZED_CASES);
  const width = (c: VectorizedCase) => Math.max(...[...c.good, ...c.bad].map((inputs) => inputs.length));
  const inputColumn = (name: string, i: number) => `${name}_${'abcd'[i]}`;
  const columns = ['id', ...names.flatMap((name) => Array.from({ length: width(VECTORIZED_CASES[name]!) }, (_, i) => inputColumn(name, i)))];
  const schema: Record<string, unknown> = {
    type: 'object',
    properties: {
      _id: { type: 'string' },
      ...Object.fromEntries(names.map((name) => [`f_${name}`, VECTORIZED_CASES[name]!.field ?? { type: 'string' }])),
    },
  };
  const mappings: FieldMapping[] = [
    { sourceType: 'ATTRIBUTE', source: 'id', destination: '_id' },
    ...names.map(
      (name): FieldMapping => ({
        sourceType: 'EXPRESSION',
        source: VECTORIZED_CASES[name]!.expr.replace(/\$([a-d])/g, (_, letter: string) => inputColumn(name, 'abcd'.indexOf(letter))),
        destination: `f_${name}`,
      }),
    ),
  ];
  const rowOf = (id: string, pick: (name: string) => string[] | null) => [
    id,
    ...names.flatMap((name) => {
      const inputs = pick(name) ?? [];
      return Array.from({ length: width(VECTORIZED_CASES[name]!) }, (_, i) => inputs[i] ?? '');
    }),
  ];
  const goodVariants = Math.max(...names.map((name) => VECTORIZED_CASES[name]!.good.length));
  const rows = [
    ...Array.from({ length: goodVariants }, (_, v) =>
      rowOf(`good-${v}`, (name) => VECTORIZED_CASES[name]!.good[v % VECTORIZED_CASES[name]!.good.length]!),
    ),
    ...names.flatMap((bad) =>
      VECTORIZED_CASES[bad]!.bad.map((inputs, j) => rowOf(`bad-${bad}-${j}`, (name) => (name === bad ? inputs : VECTORIZED_CASES[name]!.good[0]!))),
    ),
    rowOf('empty', () => null),
  ];
  const quote = (field: string) => `"${field.replaceAll('"', '""')}"`;
  const CSV = [columns, ...rows].map((fields) => fields.map(quote).join(',')).join('\n');
  const volatileFields = names.filter((name) => VECTORIZED_CASES[name]!.volatile).map((name) => `f_${name}`);
  const dirs: string[] = [];

  beforeAll(() => {
    // now() and timestamp() read the clock: the same instant for both engines.
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2024-05-06T07:08:09.010Z') });
  });
  afterAll(() => {
    vi.useRealTimers();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  async function run(engineMode: 'auto' | 'javascript', engine?: { scratchTableBytes?: number; capturedRows?: number }) {
    const out = mkdtempSync(join(tmpdir(), `vectorized-${engineMode}-`));
    dirs.push(out);
    const result = await ingest({
      files: [memoryFile('/in/functions.csv', CSV)],
      format: { format: 'delimited' },
      mappings,
      target: targetSchema(schema),
      outputDir: out,
      engineMode,
      ...(engine ? { engine } : {}),
    });
    const written = await query(
      `SELECT to_json(t)::VARCHAR AS row FROM read_parquet('${join(out, 'part-*.parquet')}', union_by_name = true) t ORDER BY _id`,
    );
    return { result, rows: written.map((r) => JSON.parse(r.row as string) as Record<string, unknown>) };
  }

  const byRow = (errors: Array<{ row: number; code: string; field?: string }>) =>
    [...errors].sort((a, b) => a.row - b.row || (a.field ?? '').localeCompare(b.field ?? '') || a.code.localeCompare(b.code));

  it('covers every Data Prep function with no SQL twin, and compiles each case into the plan as one vectorized function', () => {
    const twins = new Set(['concat', 'lower', 'upper', 'trim', 'ltrim', 'rtrim']);
    for (const def of FUNCTION_DEFS.filter((d) => !twins.has(d.name))) {
      expect(VECTORIZED_CASES, def.name).toHaveProperty(def.name);
      expect(VECTORIZED_CASES[def.name]!.expr, def.name).toMatch(new RegExp(`\\b${def.name}\\(`, 'i'));
    }
    const plan = compileSqlPlan(mappings, rootField(schema), schema, columns);
    expect(plan?.functions).toHaveLength(names.length);
    expect(plan?.derived).toHaveLength(names.length);
  });

  /** The ids of the rows the plan hands the JavaScript mapper (with `capturedRows` 0, from its scratch copy). */
  async function flaggedByPlan(capturedRows?: number): Promise<string[]> {
    const dir = mkdtempSync(join(tmpdir(), 'vectorized-plan-'));
    dirs.push(dir);
    const path = join(dir, 'functions.csv');
    writeFileSync(path, CSV);
    const source = await delimitedSource(path, { format: 'delimited' });
    const plan = compileSqlPlan(mappings, rootField(schema), schema, source!.names);
    const engine = await openEngine();
    try {
      expect(await engineAccepts(engine, plan!)).toBe(true);
      const flagged: string[] = [];
      await runPlan(
        engine,
        plan!,
        delimitedPlanSource(source!),
        join(dir, 'out.parquet'),
        { kind: 'table' },
        async (batch) => {
          for (const record of batch) flagged.push(String(record.values?.id));
        },
        undefined,
        undefined,
        capturedRows,
      );
      // Its statements ran on more threads (the functions' callers wait for JavaScript), and the engine has its own back.
      expect((await engine.connection.runAndReadAll(`SELECT current_setting('threads')`)).getRowsJS()[0]![0]).toBe(2n);
      return flagged;
    } finally {
      engine.close();
    }
  }

  it('gives the same rows and the same row errors as the JavaScript mapper', async () => {
    const sql = await run('auto');
    const js = await run('javascript');
    // The plan ran, reading the file once (its stages are timed), and the JavaScript path did not use one.
    expect(sql.result.timings).toHaveProperty('findFlagged');
    expect(js.result.timings).not.toHaveProperty('sourceToOutput');
    expect(byRow(sql.result.rowErrors)).toEqual(byRow(js.result.rowErrors));
    expect([sql.result.inputRecordCount, sql.result.outputRecordCount, sql.result.failedRecordCount]).toEqual([
      js.result.inputRecordCount,
      js.result.outputRecordCount,
      js.result.failedRecordCount,
    ]);
    // Every good row landed; every bad row failed, on the field of its function only.
    expect(js.rows.map((r) => r._id)).toEqual(Array.from({ length: goodVariants }, (_, v) => `good-${v}`));
    const failed = new Map<number, Set<string>>();
    for (const e of js.result.rowErrors) failed.set(e.row, (failed.get(e.row) ?? new Set()).add(e.field ?? ''));
    rows.forEach((fields, i) => {
      const bad = /^bad-(.+)-\d+$/.exec(fields[0]!)?.[1];
      if (bad) expect([...(failed.get(i + 1) ?? [])], fields[0]).toEqual([`f_${bad}`]);
    });
    // uuid() and guid(): every row its own value, in both engines; the rest compared as is.
    for (const result of [sql, js])
      for (const field of volatileFields) {
        const values = result.rows.map((r) => r[field]).filter((v) => v !== undefined && v !== null);
        expect(values.length).toBeGreaterThan(0);
        expect(new Set(values).size).toBe(values.length);
        for (const v of values) expect(v).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      }
    const fixed = (r: Record<string, unknown>) => Object.fromEntries(Object.entries(r).filter(([k]) => !volatileFields.includes(k)));
    expect(sql.rows.map(fixed)).toEqual(js.rows.map(fixed));
    // With a scratch copy (flagged rows too many to hold), in a table or a Parquet file (larger files), derived
    // columns included: the same again.
    for (const engine of [{ capturedRows: 0 }, { capturedRows: 0, scratchTableBytes: 0 }]) {
      const scratch = await run('auto', engine);
      expect(scratch.result.timings).toHaveProperty('csvToScratch');
      expect(byRow(scratch.result.rowErrors)).toEqual(byRow(js.result.rowErrors));
      expect(scratch.rows.map(fixed)).toEqual(js.rows.map(fixed));
    }
    // The plan hands the JavaScript mapper exactly the rows that fail, either way: every good row stays in the plan.
    const failing = [...failed.keys()].sort((a, b) => a - b).map((row) => rows[row - 1]![0]);
    expect(await flaggedByPlan()).toEqual(failing);
    expect(await flaggedByPlan(0)).toEqual(failing);
  });
});
