import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Db, openDb } from '../../src/store/db.js';
import { listMigrations, migrate } from '../../src/store/migrate.js';
import { dumpSchema } from '../../src/store/schema-dump.js';
import { createTestDatabase, POSTGRES_ADMIN_URL } from '../support/postgres.js';

/**
 * The migrations against both backends: from an empty database, and from every earlier version
 * (a database a previous release left behind), always ending at exactly src/store/schema.sql.
 */
const MIGRATIONS = listMigrations();
const NAMES = MIGRATIONS.map((m) => m.name);
const SCHEMA = readFileSync(new URL('../../src/store/schema.sql', import.meta.url), 'utf8');

/** Brings a database to the state a release with only `migrations` would have left it in. */
async function applyAsPreviousRelease(db: Db, migrations: typeof MIGRATIONS): Promise<void> {
  await db.exec(`create table if not exists schema_migrations (
    version integer primary key, name text not null, applied_at timestamptz not null default now())`);
  for (const m of migrations) {
    await db.transaction(async (tx) => {
      await tx.exec(m.sql);
      await tx.query('insert into schema_migrations (version, name) values ($1, $2)', [m.version, m.name]);
    });
  }
}

async function versions(db: Db): Promise<number[]> {
  return (await db.query<{ version: number }>('select version from schema_migrations order by version')).map((r) => r.version);
}

interface Backend {
  /** A database with nothing in it, and a function that disposes of it. */
  fresh(): Promise<{ db: Db; dispose: () => Promise<void> }>;
}

/** PGlite: one embedded database for the file (each holds hundreds of MB), emptied per case. */
function pgliteBackend(): Backend & { close(): Promise<void> } {
  let dir = '';
  let db: Db | null = null;
  return {
    async fresh() {
      if (!db) {
        dir = mkdtempSync(join(tmpdir(), 'tributary-migrations-'));
        db = await openDb({ databaseUrl: null, dataDir: dir });
      }
      await db.exec('drop schema public cascade; create schema public;');
      const current = db;
      return { db: current, dispose: async () => undefined };
    },
    async close() {
      await db?.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** PostgreSQL: a database of its own per case, dropped once its pool has really gone. */
const postgresBackend: Backend = {
  async fresh() {
    const database = await createTestDatabase();
    const db = await openDb({ databaseUrl: database.url, dataDir: '' });
    return {
      db,
      dispose: async () => {
        await db.close();
        await waitForNoConnections(new URL(database.url).pathname.slice(1));
        await database.drop();
      },
    };
  },
};

async function waitForNoConnections(name: string): Promise<void> {
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  try {
    for (let i = 0; i < 100; i++) {
      const { rows } = await admin.query<{ n: number }>('select count(*)::int as n from pg_stat_activity where datname = $1', [name]);
      if (rows[0]?.n === 0) return;
      await new Promise((done) => setTimeout(done, 50));
    }
  } finally {
    await admin.end();
  }
}

it('the migrations are numbered without duplicates, in order', () => {
  const numbers = MIGRATIONS.map((m) => m.version);
  expect(numbers).toEqual([...new Set(numbers)].sort((a, b) => a - b));
  expect(NAMES[0]).toBe('001_identity.sql');
  expect(SCHEMA.startsWith('-- The schema the migrations')).toBe(true);
});

const lite = pgliteBackend();
afterAll(() => lite.close());

describe.each([
  ['pglite', lite as Backend],
  ['postgres', postgresBackend],
])('migrations on %s', (_kind, backend) => {
  let db: Db;
  let dispose: () => Promise<void>;

  async function start(): Promise<void> {
    ({ db, dispose } = await backend.fresh());
  }

  describe('from an empty database', () => {
    beforeAll(start);
    afterAll(() => dispose());

    it('applies every migration, in order, and records each', async () => {
      expect(await migrate(db)).toEqual(NAMES);
      expect(await versions(db)).toEqual(MIGRATIONS.map((m) => m.version));
    });

    it('produces exactly src/store/schema.sql (run `npm run db:dump-schema` after changing a migration)', async () => {
      expect(await dumpSchema(db)).toBe(SCHEMA);
    });

    it('applies nothing the second time', async () => {
      expect(await migrate(db)).toEqual([]);
      expect(await versions(db)).toHaveLength(MIGRATIONS.length);
    });
  });

  describe.each(MIGRATIONS.slice(1).map((m, i) => [m.name, i + 1] as const))('%s onto the version before it', (_name, count) => {
    beforeAll(start);
    afterAll(() => dispose());

    it('applies the migrations after that version only, keeps the data, and ends at the schema dump', async () => {
      await applyAsPreviousRelease(db, MIGRATIONS.slice(0, count));
      // An org written by the previous release survives every later migration.
      await db.query("insert into orgs (id, tenant_id, name) values ('0123456789abcdef01234567@AdobeOrg', 'acme', 'Acme')");
      expect(await migrate(db)).toEqual(NAMES.slice(count));
      expect(await versions(db)).toEqual(MIGRATIONS.map((m) => m.version));
      expect(await db.query('select id, tenant_id, name from orgs')).toEqual([
        { id: '0123456789abcdef01234567@AdobeOrg', tenant_id: 'acme', name: 'Acme' },
      ]);
      expect(await dumpSchema(db)).toBe(SCHEMA);
    });
  });
});
