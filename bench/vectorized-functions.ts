/**
 * Throughput of a mapping whose expressions have no SQL twin (so they run in the plan as
 * vectorized scalar functions, plan/scalar-functions.ts) against the same mapping on the
 * JavaScript engine and DuckDB's plain `COPY (SELECT * FROM read_csv(…)) TO parquet` of the same
 * file, with the same engine limits (2 threads, 512 MB). In-process, on a local file, one run each
 * (`--runs N` for the median of N). Usage: `npx tsx bench/vectorized-functions.ts [--rows N] [--runs N]`.
 */
import { createReadStream, createWriteStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { Ajv } from 'ajv';
import { DuckDBInstance } from '@duckdb/node-api';
import { ingest, type FieldMapping, type TargetSchema } from '../src/pipeline/index.js';

const arg = (name: string, fallback: number) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : fallback;
};
const ROWS = arg('rows', 1_000_000);
const RUNS = arg('runs', 1);

const work = mkdtempSync(join(tmpdir(), 'bench-vectorized-'));
const csv = join(work, 'people.csv');

async function writeCsv(): Promise<void> {
  const out = createWriteStream(csv);
  out.write('id,email,name,day\n');
  let chunk: string[] = [];
  for (let i = 0; i < ROWS; i++) {
    chunk.push(`p-${i},user${i}@example.com,Name ${i},2024-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`);
    if (chunk.length === 10_000) {
      if (!out.write(`${chunk.join('\n')}\n`)) await once(out, 'drain');
      chunk = [];
    }
  }
  out.end(chunk.length ? `${chunk.join('\n')}\n` : '');
  await once(out, 'finish');
}

const SCHEMA = {
  type: 'object',
  properties: { _id: { type: 'string' }, hash: { type: 'string' }, day: { type: 'string' }, name: { type: 'string' } },
};
const target: TargetSchema = (() => {
  const check = new Ajv({ allErrors: true, strict: false }).compile(SCHEMA);
  return { schema: SCHEMA, validate: (row) => (check(row) ? [] : [{ path: '', message: 'invalid' }]) };
})();

const MAPPINGS: Record<string, FieldMapping[]> = {
  'sha256(email)': [
    { sourceType: 'ATTRIBUTE', source: 'id', destination: '_id' },
    { sourceType: 'EXPRESSION', source: 'sha256(email)', destination: 'hash' },
  ],
  'format(date(day, …), …)': [
    { sourceType: 'ATTRIBUTE', source: 'id', destination: '_id' },
    { sourceType: 'EXPRESSION', source: 'format(date(day, "yyyy-MM-dd"), "dd/MM/yyyy")', destination: 'day' },
  ],
  'concat + upper (SQL twins)': [
    { sourceType: 'ATTRIBUTE', source: 'id', destination: '_id' },
    { sourceType: 'EXPRESSION', source: 'upper(concat(name, " ", email))', destination: 'name' },
  ],
};

async function plainCopy(): Promise<number> {
  const instance = await DuckDBInstance.create(':memory:', { memory_limit: '512MB', threads: '2' });
  const connection = await instance.connect();
  const started = performance.now();
  await connection.run(`COPY (SELECT * FROM read_csv('${csv}')) TO '${join(work, 'copy.parquet')}' (FORMAT parquet)`);
  const ms = performance.now() - started;
  connection.closeSync();
  instance.closeSync();
  return ms;
}

async function run(mappings: FieldMapping[], engineMode: 'auto' | 'javascript'): Promise<number> {
  const outputDir = mkdtempSync(join(work, 'out-'));
  const started = performance.now();
  const result = await ingest({
    files: [{ path: csv, size: statSync(csv).size, open: async () => createReadStream(csv) }],
    format: { format: 'delimited' },
    mappings,
    target,
    outputDir,
    engineMode,
  });
  const ms = performance.now() - started;
  rmSync(outputDir, { recursive: true, force: true });
  if (result.outputRecordCount !== ROWS) throw new Error(`${engineMode}: ${result.outputRecordCount} of ${ROWS} rows landed`);
  if (engineMode === 'auto' && !(result.timings && 'csvToScratch' in result.timings)) throw new Error('the plan did not run');
  return ms;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const times = async (work: () => Promise<number>) => {
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) ms.push(await work());
  return median(ms);
};
const rate = (ms: number) => Math.round(ROWS / (ms / 1000));

try {
  if (!existsSync(csv)) await writeCsv();
  const copy = await times(plainCopy);
  console.log(`rows ${ROWS}, ${(statSync(csv).size / 1e6).toFixed(0)} MB; plain COPY: ${rate(copy)} rows/s`);
  for (const [label, mappings] of Object.entries(MAPPINGS)) {
    const plan = await times(() => run(mappings, 'auto'));
    const js = await times(() => run(mappings, 'javascript'));
    console.log(
      `${label}: plan ${rate(plan)} rows/s (${(copy / plan).toFixed(2)}× COPY), JavaScript ${rate(js)} rows/s (${(copy / js).toFixed(2)}× COPY)`,
    );
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
