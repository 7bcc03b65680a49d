/**
 * Writes src/store/schema.sql: what the migrations produce on a fresh PostgreSQL database.
 *
 *   npm run db:dump-schema            (server: postgres://postgres@127.0.0.1:5432/postgres)
 *   POSTGRES_ADMIN_URL=postgres://… npm run db:dump-schema
 *
 * It creates a scratch database, runs the migrations, describes the result (src/store/schema-dump.ts)
 * and drops the database. Run it in the commit that adds a migration; test/store/migrations.test.ts
 * fails while the file and the migrations disagree.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { openDb } from '../src/store/db.js';
import { migrate } from '../src/store/migrate.js';
import { dumpSchema } from '../src/store/schema-dump.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const target = join(root, 'src/store/schema.sql');
const adminUrl = process.env.POSTGRES_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const name = `tributary_schema_dump_${randomBytes(6).toString('hex')}`;
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`create database ${name}`);
try {
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = await openDb({ databaseUrl: url.toString(), dataDir: '' });
  try {
    await migrate(db);
    writeFileSync(target, await dumpSchema(db));
  } finally {
    await db.close();
  }
} finally {
  // pool.end() resolves before the server has seen every connection go: wait, then drop.
  for (let i = 0; i < 50; i++) {
    const [row] = (await admin.query('select count(*)::int as n from pg_stat_activity where datname = $1', [name])).rows;
    if (row.n === 0) break;
    await new Promise((done) => setTimeout(done, 100));
  }
  await admin.query(`drop database if exists ${name}`);
  await admin.end();
}
console.log(`wrote ${target}`);
