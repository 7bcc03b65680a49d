/**
 * The yardstick: DuckDB's plain `COPY (SELECT * FROM read_…(file)) TO '….parquet'` of a bench file, with the
 * same engine limits as an ingest (2 threads, 512 MB). Run as its own process so its peak memory is its own;
 * prints one JSON line: {ms, cpu (CPU seconds of the COPY, all threads), rows, peakRssBytes}.
 * Usage: copy-baseline.ts <csv|json|parquet> <input> <output.parquet> <temp dir>
 */
import { readFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const [reader, input, parquet, tempDir] = process.argv.slice(2) as [string, string, string, string];
const quoted = (s: string) => `'${s.replaceAll("'", "''")}'`;
// The bench CSV has ragged rows on purpose; null_padding lets the plain reader take them. DuckDB reads .gz itself.
const READERS: Record<string, string> = {
  csv: `read_csv(${quoted(input)}, null_padding = true)`,
  json: `read_json(${quoted(input)})`,
  parquet: `read_parquet(${quoted(input)})`,
};
const read = READERS[reader];
if (!read) throw new Error(`reader must be one of ${Object.keys(READERS).join(', ')}, got ${reader}`);
const instance = await DuckDBInstance.create(':memory:', { memory_limit: '512MB', threads: '2', temp_directory: tempDir });
const connection = await instance.connect();
const started = performance.now();
const cpuAtStart = process.cpuUsage();
await connection.run(`COPY (SELECT * FROM ${read}) TO ${quoted(parquet)} (FORMAT parquet)`);
const ms = performance.now() - started;
// process.cpuUsage is getrusage(RUSAGE_SELF): every thread of the process, DuckDB's included.
const used = process.cpuUsage(cpuAtStart);
const cpu = (used.user + used.system) / 1e6;
const rows = Number((await connection.runAndReadAll(`SELECT count(*) FROM read_parquet(${quoted(parquet)})`)).getRows()[0]![0]);
const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
console.log(JSON.stringify({ ms, cpu, rows, peakRssBytes: hwm ? Number(hwm[1]) * 1024 : process.memoryUsage().rss }));
connection.closeSync();
instance.closeSync();
