import { Readable } from 'node:stream';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { DuckDBInstance } from '@duckdb/node-api';
import type { SourceFile, TargetSchema } from '../../src/pipeline/index.js';

/** A source file served from memory, as a connector would stream it. */
export function memoryFile(path: string, content: string | Buffer): SourceFile {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  return { path, size: bytes.length, open: async () => Readable.from([bytes]) };
}

/** A resolved, profile-like XDM schema (the shape Schema Registry's xed-full returns). */
export const PROFILE_SCHEMA: Record<string, unknown> = {
  $id: 'https://ns.adobe.com/acme/schemas/test',
  type: 'object',
  'meta:class': 'https://ns.adobe.com/xdm/context/profile',
  properties: {
    _id: { type: 'string' },
    person: {
      type: 'object',
      properties: {
        name: { type: 'object', properties: { firstName: { type: 'string' }, lastName: { type: 'string' } } },
        birthDate: { type: 'string', format: 'date', 'meta:xdmType': 'date' },
      },
    },
    personalEmail: { type: 'object', properties: { address: { type: 'string', format: 'email' } } },
    loyalty: { type: 'object', properties: { points: { type: 'integer', 'meta:xdmType': 'int', minimum: -2147483648, maximum: 2147483647 } } },
    createdAt: { type: 'string', format: 'date-time', 'meta:xdmType': 'date-time' },
    score: { type: 'number' },
    active: { type: 'boolean' },
    tags: { type: 'array', items: { type: 'string' } },
    identityMap: {
      type: 'object',
      'meta:xdmType': 'map',
      additionalProperties: {
        type: 'array',
        items: { type: 'object', properties: { id: { type: 'string' }, primary: { type: 'boolean' }, authenticatedState: { type: 'string' } } },
      },
    },
  },
};

/** Validation as the real target does it: ajv over the resolved schema, paths with dots. */
export function targetSchema(schema: Record<string, unknown> = PROFILE_SCHEMA): TargetSchema {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats.default(ajv);
  const check = ajv.compile(schema);
  return {
    schema,
    validate(row) {
      if (check(row)) return [];
      return (check.errors ?? []).map((e) => ({
        path: e.instancePath.slice(1).replaceAll('/', '.'),
        message: `${e.instancePath || '/'} ${e.message ?? 'is invalid'}`,
      }));
    },
  };
}

/** Runs SQL over files with a throwaway DuckDB; returns JSON-friendly rows. */
export async function query(sql: string): Promise<Array<Record<string, unknown>>> {
  const instance = await DuckDBInstance.create(':memory:', { threads: '1', memory_limit: '256MB' });
  const connection = await instance.connect();
  try {
    await connection.run(`SET TimeZone = 'UTC'`);
    return (await connection.runAndReadAll(sql)).getRowObjectsJson() as Array<Record<string, unknown>>;
  } finally {
    connection.closeSync();
    instance.closeSync();
  }
}
