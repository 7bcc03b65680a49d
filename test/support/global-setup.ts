import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDb } from '../../src/store/db.js';
import { migrate } from '../../src/store/migrate.js';
import { startQueue } from '../../src/store/queue.js';
import { JOB_QUEUES } from '../../src/worker/jobs.js';
import { POSTGRES_ADMIN_URL } from './postgres.js';
import './provided-context.js';

/**
 * Runs once before all test files: makes the run's database templates (see provided-context.ts) and
 * returns the teardown that removes the PostgreSQL one (the PGlite one is kept for the next run).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  mkdirSync('test-output', { recursive: true });
  pruneStaleHomes();
  const postgresName = newPostgresTemplateName();
  const [pgliteDir, postgres] = await Promise.all([
    pgliteTemplate(),
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
    if (postgres) await dropPostgresTemplate(POSTGRES_ADMIN_URL, postgres);
  };
}

/** Brings a database to what a platform's first start leaves: every migration and pg-boss's schema and queues. */
async function prepare(options: { databaseUrl: string | null; dataDir: string }): Promise<void> {
  const db = await openDb(options);
  try {
    await migrate(db);
    const queue = await startQueue(db, { queues: JOB_QUEUES });
    await queue.stop();
  } finally {
    await db.close();
  }
}

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const CACHE = join(ROOT, 'node_modules', '.cache', 'tributary-test-templates');

/**
 * What the PGlite template is made of: the migrations, the code that opens, migrates and installs the
 * queue, and the installed PGlite and pg-boss. A change to any of them makes a new template.
 */
function pgliteTemplateKey(): string {
  const hash = createHash('sha256');
  const migrations = join(ROOT, 'src', 'store', 'migrations');
  const files = [
    ...readdirSync(migrations)
      .sort()
      .map((name) => join(migrations, name)),
    ...['db.ts', 'migrate.ts', 'queue.ts', 'pglite-initdb.mjs'].map((name) => join(ROOT, 'src', 'store', name)),
    join(ROOT, 'test', 'support', 'global-setup.ts'),
    join(ROOT, 'node_modules', '@electric-sql', 'pglite', 'package.json'),
    join(ROOT, 'node_modules', 'pg-boss', 'package.json'),
  ];
  for (const file of files) hash.update(file.slice(ROOT.length)).update('\0').update(readFileSync(file)).update('\0');
  return hash.digest('hex').slice(0, 16);
}

/**
 * The migrated PGlite data dir, made once and kept under node_modules/.cache for later runs while its key
 * holds: initdb and the migrations take seconds, more on a loaded machine, and running a single test file
 * would pay them every time. Test platforms only ever copy it.
 */
async function pgliteTemplate(): Promise<string> {
  const key = pgliteTemplateKey();
  const final = join(CACHE, `pglite-${key}`);
  if (existsSync(join(final, 'db', 'PG_VERSION'))) return join(final, 'db');
  mkdirSync(CACHE, { recursive: true });
  pruneCache(key);
  const build = mkdtempSync(join(CACHE, '.build-'));
  try {
    await prepare({ databaseUrl: null, dataDir: join(build, 'db') });
    // Whole or not at all: a run that finds the folder finds a finished template.
    renameSync(build, final);
  } catch (error) {
    rmSync(build, { recursive: true, force: true });
    // Another run finished the same template first.
    if (!existsSync(join(final, 'db', 'PG_VERSION'))) throw error;
  }
  return join(final, 'db');
}

/** Removes templates of other keys, and builds a killed run left, once a day old: a recent one may be in use. */
function pruneCache(key: string): void {
  const dayAgo = Date.now() - 24 * 60 * 60 * 1000;
  for (const name of readdirSync(CACHE)) {
    const path = join(CACHE, name);
    if (name !== `pglite-${key}` && statSync(path).mtimeMs < dayAgo) rmSync(path, { recursive: true, force: true });
  }
}

/**
 * Test homes a killed run left on /dev/shm (see platform.ts) hold RAM until a reboot: remove those a day
 * old, which no run still going on can be using.
 */
function pruneStaleHomes(): void {
  const dayAgo = Date.now() - 24 * 60 * 60 * 1000;
  let names: string[];
  try {
    names = readdirSync('/dev/shm');
  } catch {
    return;
  }
  for (const name of names.filter((n) => n.startsWith('tributary-test-'))) {
    const path = join('/dev/shm', name);
    try {
      if (statSync(path).mtimeMs < dayAgo) rmSync(path, { recursive: true, force: true });
    } catch {
      // Someone else's, or gone meanwhile.
    }
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
