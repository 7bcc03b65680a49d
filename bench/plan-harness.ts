/**
 * One bench case in this process, without the server: for CPU profiles (`node --cpu-prof --import tsx …`)
 * and DuckDB's `EXPLAIN ANALYZE` of the statements a compiled plan runs.
 *
 * Usage: `npx tsx bench/plan-harness.ts <setup.json> <flat|nestedMappings|hashed> <file> [--remote] [--runs N] [--explain]`
 * - setup.json: what `BENCH_SCHEMA_OUT=… npm run bench` writes (the resolved schema and the mapping sets);
 * - the format follows the file's extension (.csv, .csv.gz, .json, .parquet);
 * - `--remote`: the file is streamed in as a remote object is (no local path: spooled in segments);
 * - `--throttle MBPS`: with --remote, the stream gives at most MBPS megabytes a second (a network-bound download);
 * - `--segment BYTES`: with --remote, the size of the segments it is cut into (the pipeline's default otherwise);
 * - `--explain`: prints `EXPLAIN ANALYZE` of every statement the engine runs, after the runs;
 * - `--sql FILE`: writes those statements to FILE, separated by lines of `;;`.
 * Prints, per run, the CPU seconds of the process (every thread, DuckDB's included), its peak RSS and the stage times.
 */
import { createReadStream, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { DuckDBConnection } from '@duckdb/node-api';
import { ingest, type FieldMapping, type SourceFormat } from '../src/pipeline/index.js';
import { openEngine } from '../src/pipeline/engine/duckdb.js';
import { compileTarget } from '../src/services/schema-registry/validator.js';

const [setupPath, mappingName, file] = process.argv.slice(2) as [string, string, string];
const flag = (name: string) => process.argv.includes(`--${name}`);
const runsAt = process.argv.indexOf('--runs');
const runs = runsAt > 0 ? Number(process.argv[runsAt + 1]) : 1;
const option = (name: string) => {
  const at = process.argv.indexOf(`--${name}`);
  return at > 0 ? Number(process.argv[at + 1]) : undefined;
};
const throttle = option('throttle');
const segmentBytes = option('segment');
const setup = JSON.parse(readFileSync(setupPath, 'utf8')) as { schema: Record<string, unknown>; mappings: Record<string, FieldMapping[]> };
const mappings = setup.mappings[mappingName];
if (!mappings) throw new Error(`mapping set must be one of ${Object.keys(setup.mappings).join(', ')}`);
const format: SourceFormat = file.endsWith('.parquet')
  ? { format: 'parquet' }
  : file.endsWith('.json')
    ? { format: 'json' }
    : file.endsWith('.gz')
      ? { format: 'delimited', compressionType: 'gzip' }
      : { format: 'delimited' };

// Every statement the engine runs, to explain afterwards (the plan's SQL names its scratch files, so they are kept).
const statements: string[] = [];
let first = true;
const sqlAt = process.argv.indexOf('--sql');
const sqlOut = sqlAt > 0 ? process.argv[sqlAt + 1] : undefined;
if (flag('explain') || sqlOut) {
  const run = DuckDBConnection.prototype.run;
  // Only the first run's statements are kept: the others repeat them.
  DuckDBConnection.prototype.run = function (this: DuckDBConnection, sql: string, ...rest: unknown[]) {
    if (first && /^\s*(COPY|CREATE)/i.test(sql)) statements.push(sql);
    return (run as (...a: unknown[]) => ReturnType<typeof run>).call(this, sql, ...rest);
  } as typeof run;
}

const target = compileTarget(setup.schema);
const work = mkdtempSync(join(tmpdir(), 'plan-harness-'));
try {
  for (let i = 0; i < runs; i++) {
    const outputDir = mkdtempSync(join(work, 'out-'));
    const before = process.cpuUsage();
    const started = performance.now();
    const result = await ingest({
      files: [
        {
          path: file,
          size: statSync(file).size,
          open: async () => (throttle ? throttled(createReadStream(file), throttle * 1e6) : createReadStream(file)),
          ...(flag('remote') ? {} : { localPath: async () => file }),
        },
      ],
      format,
      mappings,
      target,
      outputDir,
      workDir: work,
      ...(segmentBytes ? { segmentBytes } : {}),
    });
    const used = process.cpuUsage(before);
    console.log(
      JSON.stringify({
        run: i + 1,
        ms: Math.round(performance.now() - started),
        cpu: Number(((used.user + used.system) / 1e6).toFixed(2)),
        // The process's peak resident memory so far (VmHWM), and V8's heap now: what the engine holds beside what JavaScript does.
        peakRssMb: peakRssMb(),
        heapMb: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
        rows: result.inputRecordCount,
        output: result.outputRecordCount,
        failed: result.failedRecordCount,
        timings: result.timings,
      }),
    );
    // The first run's output stays for --explain, whose statements write there again.
    if (!first || !statements.length) rmSync(outputDir, { recursive: true, force: true });
    first = false;
  }
  if (sqlOut) writeFileSync(sqlOut, statements.join('\n;;\n'));
  if (flag('explain')) await explain(statements);
} finally {
  rmSync(work, { recursive: true, force: true });
}
/**
 * The stream's chunks at `bytesPerSecond`, as a socket gives them: time the reader spends elsewhere earns no
 * burst afterwards (the sender is held back once the buffers are full), so each chunk comes its own time after
 * the later of the previous one and the reader's asking.
 */
function throttled(stream: Readable, bytesPerSecond: number): Readable {
  let due = performance.now();
  return Readable.from(
    (async function* () {
      for await (const chunk of stream as AsyncIterable<Buffer>) {
        due = Math.max(due, performance.now()) + (chunk.length / bytesPerSecond) * 1000;
        const wait = due - performance.now();
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        yield chunk;
      }
    })(),
  );
}

/** The process's peak resident set so far, in MiB (Linux). */
function peakRssMb(): number | undefined {
  const line = readFileSync('/proc/self/status', 'utf8').match(/^VmHWM:\s+(\d+) kB/m);
  return line ? Math.round(Number(line[1]) / 1024) : undefined;
}

/** EXPLAIN ANALYZE of the statements of the first run, on an engine of the ingest's settings (local files only). */
async function explain(sqls: string[]): Promise<void> {
  const engine = await openEngine();
  try {
    for (const sql of sqls) {
      console.log(`\n-- ${sql.replace(/\s+/g, ' ').slice(0, 2000)}`);
      try {
        const result = await engine.connection.runAndReadAll(`EXPLAIN ANALYZE ${sql}`);
        for (const row of result.getRows()) console.log(String(row[1]));
      } catch (error) {
        console.log(`(not explained: ${(error as Error).message.split('\n')[0]})`);
      }
    }
  } finally {
    engine.close();
  }
}
