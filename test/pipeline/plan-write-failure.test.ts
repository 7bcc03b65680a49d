import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FieldMapping } from '../../src/pipeline/index.js';
import { openEngine, sqlString } from '../../src/pipeline/engine/duckdb.js';
import { FileFailure } from '../../src/pipeline/errors.js';
import { delimitedPlanSource, parquetPlanSource, sourceAttributes, type PlanSource } from '../../src/pipeline/plan/plan-source.js';
import { runPlan } from '../../src/pipeline/plan/run-plan.js';
import { compileSqlPlan } from '../../src/pipeline/plan/sql-plan.js';
import { delimitedSource } from '../../src/pipeline/read/delimited.js';
import { rootField } from '../../src/pipeline/schema/xdm-fields.js';
import { PROFILE_SCHEMA } from './support.js';

const MAPPINGS: FieldMapping[] = [
  { sourceType: 'ATTRIBUTE', source: 'id', destination: '_id' },
  { sourceType: 'ATTRIBUTE', source: 'email', destination: 'personalEmail.address' },
];
const CSV = 'id,email\np-1,a@example.com\np-2,not an email\np-3,c@example.com\n';

/**
 * A plan whose rows were read and cannot be written fails its file as `writeFailed` (a transient failure, retried),
 * not as a file the engine cannot read — whether it reads the file once and writes as it reads (Parquet, whose reader
 * numbers the rows) or keeps a scratch copy first (CSV).
 */
describe('a compiled plan that cannot write its output', () => {
  const dir = mkdtempSync(join(tmpdir(), 'plan-write-failure-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const sources: Array<[string, (engine: Awaited<ReturnType<typeof openEngine>>) => Promise<PlanSource | null>]> = [
    [
      'Parquet, read once',
      async (engine) => {
        const path = join(dir, 'people.parquet');
        writeFileSync(join(dir, 'people.csv'), CSV);
        await engine.connection.run(`COPY (SELECT * FROM read_csv(${sqlString(join(dir, 'people.csv'))})) TO ${sqlString(path)} (FORMAT parquet)`);
        return parquetPlanSource(engine, path, sourceAttributes(MAPPINGS));
      },
    ],
    [
      'CSV, through a scratch copy',
      async () => {
        const path = join(dir, 'people.csv');
        writeFileSync(path, CSV);
        const source = await delimitedSource(path, { format: 'delimited' });
        return source && delimitedPlanSource(source);
      },
    ],
  ];

  for (const [name, make] of sources) {
    it(`fails the file as writeFailed: ${name}`, async () => {
      const engine = await openEngine();
      try {
        const source = await make(engine);
        const plan = compileSqlPlan(MAPPINGS, rootField(PROFILE_SCHEMA), PROFILE_SCHEMA, source!);
        const flagged: unknown[] = [];
        const outcome = runPlan(engine, plan!, source!, join(dir, 'no such folder', 'part-00000.parquet'), { kind: 'table' }, async (batch) => {
          flagged.push(...batch);
        });
        const error = await outcome.then(
          () => null,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(FileFailure);
        expect(error).toMatchObject({ code: 'FILE-5007', message: expect.stringMatching(/^cannot write the rows as Parquet: /) });
        // Nothing was handed to the JavaScript mapper: the file failed as a whole.
        expect(flagged).toEqual([]);
      } finally {
        engine.close();
      }
    });
  }
});
