import pg from 'pg';
import { randomBytes } from 'node:crypto';

/** The PostgreSQL server of development and CI machines; override with TEST_POSTGRES_URL. */
export const POSTGRES_ADMIN_URL = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * Creates a database of its own for a test file and returns its URL and a function that drops it.
 * With `template` (the run's migrated template database) it is a clone, so the platform's migrations are a no-op.
 */
export async function createTestDatabase(options: { template?: string | null } = {}): Promise<{ url: string; drop: () => Promise<void> }> {
  const name = `tributary_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  try {
    await admin.query(`create database ${name}${options.template ? ` template ${options.template}` : ''}`);
  } finally {
    await admin.end();
  }
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await client.connect();
      await client.query(`drop database if exists ${name} with (force)`);
      await client.end();
    },
  };
}
