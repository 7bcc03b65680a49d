import { createReadStream, createWriteStream, statSync } from 'node:fs';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { DuckDBInstance } from '@duckdb/node-api';
import { writeProfileCsv } from './profile-csv.js';

/** A generated bench file: where it is, how big, how DuckDB's plain reader reads it. */
export interface BenchFile {
  path: string;
  bytes: number;
  rows: number;
  /** The plain DuckDB reader for the COPY baseline (copy-baseline.ts). */
  reader: 'csv' | 'json' | 'parquet';
}

/** The profile CSV (see profile-csv.ts) and the count of its broken rows. */
export async function profileCsv(path: string, rows: number): Promise<BenchFile & { badRows: number }> {
  const { bytes, badRows } = await writeProfileCsv(path, rows);
  return { path, bytes, rows, reader: 'csv', badRows };
}

export async function gzipped(file: BenchFile, path: string): Promise<BenchFile> {
  await pipeline(createReadStream(file.path), createGzip({ level: 6 }), createWriteStream(path));
  return { ...file, path, bytes: statSync(path).size };
}

/**
 * The profile CSV's rows as nested records — name and contact objects, a tags array — in JSON lines or
 * Parquet. Values stay text, as in the CSV, so its broken values still fail their rows.
 */
export async function nested(csv: BenchFile, path: string, format: 'json' | 'parquet'): Promise<BenchFile> {
  const instance = await DuckDBInstance.create(':memory:', { memory_limit: '1GB', threads: '2' });
  const connection = await instance.connect();
  const q = (s: string) => `'${s.replaceAll("'", "''")}'`;
  try {
    await connection.run(`COPY (
        SELECT id, {'first': first_name, 'last': last_name} AS name,
          {'email': email, 'city': city, 'country': country_code} AS contact,
          birth_date, loyalty_points, created_at, [city, country_code] AS tags
        FROM read_csv(${q(csv.path)}, all_varchar = true, null_padding = true)
      ) TO ${q(path)} (FORMAT ${format})`);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  return { path, bytes: statSync(path).size, rows: csv.rows, reader: format };
}
