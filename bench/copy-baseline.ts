/**
 * The yardstick: DuckDB's plain CSV → Parquet copy of the bench file, with the same engine limits
 * as an ingest (2 threads, 512 MB). Run as its own process so its peak memory is its own; prints
 * one JSON line: {ms, rows, peakRssBytes}.
 */
import { readFileSync } from 'node:fs';
import { DuckDBInstance } from '@duckdb/node-api';

const [csv, parquet, tempDir] = process.argv.slice(2) as [string, string, string];
const instance = await DuckDBInstance.create(':memory:', { memory_limit: '512MB', threads: '2', temp_directory: tempDir });
const connection = await instance.connect();
const quoted = (s: string) => `'${s.replaceAll("'", "''")}'`;
const started = performance.now();
// The bench file has ragged rows on purpose; null_padding lets the plain reader take them.
await connection.run(`COPY (SELECT * FROM read_csv(${quoted(csv)}, null_padding = true)) TO ${quoted(parquet)} (FORMAT parquet)`);
const ms = performance.now() - started;
const rows = Number((await connection.runAndReadAll(`SELECT count(*) FROM read_parquet(${quoted(parquet)})`)).getRows()[0]![0]);
const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
console.log(JSON.stringify({ ms, rows, peakRssBytes: hwm ? Number(hwm[1]) * 1024 : process.memoryUsage().rss }));
connection.closeSync();
instance.closeSync();
