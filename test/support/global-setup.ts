import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDb } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { startQueue } from '../../src/store/queue.js';
import { POSTGRES_ADMIN_URL } from './postgres.js';
import './provided-context.js';

/**
 * Runs once before all test files: makes the run's database templates (see provided-context.ts) and
 * returns the teardown that removes them.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  mkdirSync('test-output', { recursive: true });
  const pgliteRoot = mkdtempSync(join(tmpdir(), 'tributary-template-'));
  const pgliteDir = join(pgliteRoot, 'db');
  const postgresName = newPostgresTemplateName();
  const [, postgres] = await Promise.all([
    prepare({ databaseUrl: null, dataDir: pgliteDir }),
    createPostgresTemplate(POSTGRES_ADMIN_URL, postgresName).then(
      () => postgresName,
      (error: Error) => {
        // Not every machine has the server; the PostgreSQL tests then fail on their own, the others run.
        console.warn(`no PostgreSQL template database (${error.message}): test databases are migrated one by one`);
        return null;
      },
    ),
  ]);
  project.provide('pgliteTemplateDir', pgliteDir);
  project.provide('postgresTemplateName', postgres);
  return async () => {
    rmSync(pgliteRoot, { recursive: true, force: true });
    if (postgres) await dropPostgresTemplate(POSTGRES_ADMIN_URL, postgres);
  };
}

/** Brings a database to what a platform's first start leaves: every migration and pg-boss's schema and queues. */
async function prepare(options: { databaseUrl: string | null; dataDir: string }): Promise<void> {
  const db = await openDb(options);
  try {
    await migrate(db);
    const queue = await startQueue(db);
    await queue.stop();
  } finally {
    await db.close();
  }
}

/** Template names carry their creation time, so a run can drop the ones a crashed run left behind. */
const TEMPLATE_PREFIX = 'tributary_tpl_';
const STALE_AFTER_SECONDS = 12 * 60 * 60;

/** Unique per run: two runs on one server (two CI jobs, two engineers) each clone their own. */
function newPostgresTemplateName(): string {
  return `${TEMPLATE_PREFIX}${Math.floor(Date.now() / 1000)}_${process.pid}_${Math.random().toString(16).slice(2, 8)}`;
}

async function createPostgresTemplate(adminUrl: string, name: string): Promise<void> {
  await withAdmin(adminUrl, async (admin) => {
    const existing = await admin.query<{ datname: string }>('select datname from pg_database where datname like $1', [`${TEMPLATE_PREFIX}%`]);
    const now = Math.floor(Date.now() / 1000);
    for (const { datname } of existing.rows) {
      const created = Number(datname.slice(TEMPLATE_PREFIX.length).split('_')[0]);
      // A recent one may belong to a run still going on.
      if (Number.isFinite(created) && now - created > STALE_AFTER_SECONDS) await admin.query(`drop database if exists ${datname} with (force)`);
    }
    await admin.query(`create database ${name}`);
  });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  // prepare closes its pool before this returns: CREATE DATABASE … TEMPLATE refuses a template with sessions on it,
  // and no connections allowed keeps it so for the whole run.
  await prepare({ databaseUrl: url.toString(), dataDir: '' });
  await withAdmin(adminUrl, (admin) => admin.query(`alter database ${name} with allow_connections false`));
}

async function dropPostgresTemplate(adminUrl: string, name: string): Promise<void> {
  await withAdmin(adminUrl, (admin) => admin.query(`drop database if exists ${name} with (force)`));
}

async function withAdmin<T>(adminUrl: string, work: (admin: pg.Client) => Promise<T>): Promise<T> {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.end();
  }
}
