/**
 * The README's tutorial, pasted as it stands: its shell block is cut out of README.md and run by bash (with curl
 * and jq, as a reader would) in a fresh folder where the server was started the way the README says, with the
 * default local-folder root. The only change is the port: the block's `http://localhost:8080` becomes the free
 * port this server took. The landed Parquet file the block downloads is read back with DuckDB.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchTributary, type Launched } from '../support/launch.js';

const ROOT = join(import.meta.dirname, '..', '..');
const README_HOST = 'http://localhost:8080';

/** The first ```sh block under the README's "The tutorial against localhost" heading. */
function tutorialBlock(): string {
  const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = readme.split('\n## The tutorial against localhost\n')[1];
  const block = section && /```sh\n([\s\S]*?)\n```/.exec(section)?.[1];
  if (!block) throw new Error('README.md has no shell block under "## The tutorial against localhost"');
  return block;
}

describe("the README's tutorial", () => {
  let folder: string;
  let server: Launched<string>;

  beforeAll(async () => {
    folder = mkdtempSync(join(tmpdir(), 'tributary-readme-'));
    // As the README says: `npm start` in the folder, default home ./.tributary and default roots (no TRIBUTARY_LOCAL_ROOTS).
    server = await launchTributary(process.execPath, [join(ROOT, 'bin', 'tributary.js'), 'serve'], {
      home: join(folder, '.tributary'),
      tickMs: 250,
      cwd: folder,
      env: { TRIBUTARY_LOCAL_ROOTS: undefined },
    });
  }, 180_000);

  afterAll(async () => {
    await server?.stop();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('runs green in bash and lands the three valid rows of its CSV', async () => {
    const block = tutorialBlock();
    expect(block).toContain(README_HOST);
    const script = block.replaceAll(README_HOST, server.ready);
    const run = spawnSync('timeout', ['300', 'bash', '-c', script], { cwd: folder, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    // What step 10 prints: the run's summary (one row failed, the batch landed), then the batch's files and its row errors.
    expect(run.stdout).toMatch(/"status": "partialSuccess"/);
    expect(run.stdout).toMatch(/"inputRecordCount": 4/);
    expect(run.stdout).toMatch(/"outputRecordCount": 3/);
    expect(run.stdout).toContain('not-an-email');

    const parquet = join(folder, 'out.parquet');
    expect(existsSync(parquet)).toBe(true);
    const instance = await DuckDBInstance.create(':memory:');
    const connection = await instance.connect();
    try {
      const rows = (
        await connection.runAndReadAll(`SELECT _id, personalEmail.address AS email FROM read_parquet('${parquet}') ORDER BY _id`)
      ).getRowObjectsJson();
      expect(rows).toEqual([
        { _id: 'p-1', email: 'ada@example.com' },
        { _id: 'p-2', email: 'grace@example.com' },
        { _id: 'p-4', email: 'alan@example.com' },
      ]);
    } finally {
      connection.closeSync();
      instance.closeSync();
    }
  }, 360_000);
});
