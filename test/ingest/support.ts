import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { expect } from 'vitest';
import type { TestPlatform } from '../support/platform.js';

export const CATALOG = '/data/foundation/catalog';
export const IMPORT = '/data/foundation/import';
export const EXPORT = '/data/foundation/export';
export const QUERY = '/data/foundation/query';

/** A profile schema with the person and personal-details field groups (names, e-mail with a format). */
export async function makeDataset(
  t: TestPlatform,
  name: string,
  headers: Record<string, string> = {},
): Promise<{ datasetId: string; schemaId: string }> {
  const schema = await t.call(
    'POST',
    '/data/foundation/schemaregistry/tenant/schemas',
    {
      type: 'object',
      title: `${name} schema`,
      allOf: [
        { $ref: 'https://ns.adobe.com/xdm/context/profile' },
        { $ref: 'https://ns.adobe.com/xdm/context/profile-person-details' },
        { $ref: 'https://ns.adobe.com/xdm/context/profile-personal-details' },
      ],
    },
    headers,
  );
  expect(schema.statusCode).toBe(201);
  const dataset = await t.call('POST', `${CATALOG}/dataSets`, { name, schemaRef: { id: schema.json().$id } }, headers);
  expect(dataset.statusCode).toBe(201);
  return { datasetId: dataset.json()[0].split('/').pop(), schemaId: schema.json().$id };
}

/** Sends one SQL query through the Query Service API and waits for it to end. */
export async function sql(
  t: TestPlatform,
  text: string,
  headers: Record<string, string> = {},
): Promise<{ state: string; rows: Array<Record<string, unknown>>; errors: Array<{ code: string; message: string }>; id: string }> {
  const submitted = await t.call('POST', `${QUERY}/queries`, { dbName: 'prod:all', sql: text }, headers);
  expect(submitted.statusCode).toBe(202);
  const id = submitted.json().id as string;
  expect(['SUBMITTED', 'IN_PROGRESS']).toContain(submitted.json().state);
  await t.platform.query.settled(id);
  const query = (await t.call('GET', `${QUERY}/queries/${id}`, undefined, headers)).json();
  if (query.state !== 'SUCCESS') return { state: query.state, rows: [], errors: query.errors, id };
  const results = await t.call('GET', `${QUERY}/queries/${id}/results`, undefined, headers);
  expect(results.statusCode).toBe(200);
  return { state: query.state, rows: results.json().rows, errors: [], id };
}

/** The count of rows SQL sees in a table, as a number. */
export async function count(t: TestPlatform, table: string, headers: Record<string, string> = {}): Promise<number> {
  const result = await sql(t, `SELECT count(*)::INTEGER AS n FROM ${table}`, headers);
  expect(result.state, JSON.stringify(result.errors)).toBe('SUCCESS');
  return result.rows[0]!.n as number;
}

/** Raw bytes as an upload (`application/octet-stream`). */
export function upload(t: TestPlatform, method: 'PUT' | 'PATCH', url: string, body: Buffer | string, headers: Record<string, string> = {}) {
  return t.app.inject({ method, url, payload: Buffer.from(body), headers: { ...t.headers, 'content-type': 'application/octet-stream', ...headers } });
}

export async function parquetBytes(dir: string, select: string): Promise<Buffer> {
  const { readFileSync } = await import('node:fs');
  const path = join(dir, `gen-${Date.now()}-${Math.random().toString(16).slice(2)}.parquet`);
  const instance = await DuckDBInstance.create(':memory:');
  const connection = await instance.connect();
  try {
    await connection.run(`COPY (${select}) TO '${path}' (FORMAT parquet)`);
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
  return readFileSync(path);
}

/**
 * COMPLETE answers at once with the batch `processing` (AEP processes it asynchronously); this waits, reading
 * Catalog, until a worker (`t.platform.startBackground`) has ended it, and returns Catalog's batch.
 */
export async function completeBatch(t: TestPlatform, batchId: string, headers: Record<string, string> = {}): Promise<Record<string, any>> {
  const done = await t.call('POST', `${IMPORT}/batches/${batchId}?action=COMPLETE`, undefined, headers);
  expect(done.statusCode, done.body).toBe(200);
  expect(done.json().status).toBe('processing');
  return waitForBatch(t, batchId, headers);
}

/** Catalog's batch once it is no longer `loading` or `processing` (fails the test after 60 s). */
export async function waitForBatch(t: TestPlatform, batchId: string, headers: Record<string, string> = {}): Promise<Record<string, any>> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const batch = (await t.call('GET', `${CATALOG}/batches/${batchId}`, undefined, headers)).json()[batchId];
    if (!['loading', 'processing'].includes(batch.status)) return { id: batchId, ...batch };
    if (Date.now() > deadline) throw new Error(`batch ${batchId} is still ${batch.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
