/**
 * Incremental selection over a large listing, on both databases: 50,000 listed files (a storage listing
 * generated here, in no particular order) against a manifest of 45,000 rows. The selection takes exactly
 * the new and changed files, lists the storage once, sorts the listing through files in chunks, and reads
 * the manifest by pages: no query returns more than a page, so the manifest is never held whole.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FileStorage, StorageEntry } from '../../src/connectors/index.js';
import type { Db } from '../../src/store/db.js';
import { FileSelector } from '../../src/services/flow-service/file-selection.js';
import type { FlowPlan } from '../../src/services/flow-service/flows.service.js';
import { parseSchedule } from '../../src/services/flow-service/schedule.js';
import { startTestPlatform, type TestDatabase, type TestPlatform } from '../support/platform.js';

const LISTED = 50_000;
const UNCHANGED = 30_000; // part-00000 … part-29999: the manifest has their listed version
const CHANGED = 10_000; // part-30000 … part-39999: the manifest has an older version
const FAILED_ONLY = 1_000; // part-40000 … part-40999: only a failed read of this very version in the manifest, so a retry
const VANISHED = 4_000; // gone-…: in the manifest, no longer listed
const LISTED_TWICE = 100; // part-00000 … part-00099 are listed a second time
const PAGE_ROWS = 1_000;
const CHUNK_ENTRIES = 8_000;
const HOUR_AGO = Date.now() - 3_600_000;

const name = (i: number) => `part-${String(i).padStart(5, '0')}.csv`;

/** A bucket's listing in a scrambled order, as a storage that lists in its own order would give it. */
function* listing(): Iterable<StorageEntry> {
  // 7919 is prime and does not divide LISTED: i → i·7919 mod LISTED visits every file once.
  for (let k = 0; k < LISTED; k++) {
    const i = (k * 7919) % LISTED;
    yield { type: 'file', name: name(i), path: `/bucket/${name(i)}`, size: 10, modifiedAt: HOUR_AGO, etag: i < UNCHANGED ? 'v1' : 'v2' };
  }
  for (let i = 0; i < LISTED_TWICE; i++)
    yield { type: 'file', name: name(i), path: `/bucket/${name(i)}`, size: 10, modifiedAt: HOUR_AGO, etag: 'v1' };
}

describe.each(['pglite', 'postgres'] as TestDatabase[])('incremental selection over 50,000 listed files on %s', (database) => {
  let t: TestPlatform;
  let spillDir: string;
  const flowId = randomUUID();
  const runId = randomUUID();
  const sandboxId = randomUUID();

  beforeAll(async () => {
    t = await startTestPlatform({ database });
    spillDir = mkdtempSync(join(tmpdir(), 'tributary-selection-'));
    const db = t.platform.db;
    await db.query(
      `insert into flows (id, org_id, sandbox_id, doc, state, last_operation, etag, created_client, updated_client)
       values ($1, 'org', $2, '{}', 'enabled', '{}', gen_random_uuid(), 'test', 'test')`,
      [flowId, sandboxId],
    );
    await db.query(
      `insert into flow_runs (id, flow_id, org_id, sandbox_id, status, window_end, etag, created_client)
       values ($1, $2, 'org', $3, 'success', now(), gen_random_uuid(), 'test')`,
      [runId, flowId, sandboxId],
    );
    const manifest = (from: number, to: number, version: string, status: string, prefix = 'part-') =>
      db.query(
        `insert into flow_files (flow_id, path, version_tag, size, status, run_id)
         select $1, '/bucket/' || $2 || lpad(i::text, 5, '0') || '.csv', $3, 10, $4, $5 from generate_series($6::int, $7::int) i`,
        [flowId, prefix, version, status, runId, from, to - 1],
      );
    await manifest(0, UNCHANGED, 'etag:v1', 'ingested');
    await manifest(UNCHANGED, UNCHANGED + CHANGED, 'etag:v1', 'ingested');
    await manifest(UNCHANGED + CHANGED, UNCHANGED + CHANGED + FAILED_ONLY, 'etag:v2', 'failed');
    await manifest(0, VANISHED, 'etag:v1', 'ingested', 'gone-');
  }, 120_000);
  afterAll(async () => {
    await t?.close();
    if (spillDir) rmSync(spillDir, { recursive: true, force: true });
  });

  it('takes exactly the new and changed files, the listing once, the manifest a page at a time', async () => {
    let walks = 0;
    const storage: Partial<FileStorage> = {
      stat: async (path) => (path === '/bucket' ? { type: 'folder', name: 'bucket', path } : null),
      async *walk() {
        walks += 1;
        yield* listing();
      },
      close: async () => undefined,
    };
    const endpoints = { fileSource: async () => ({ baseConnectionId: 'c', path: '/bucket', recursive: false, format: {} }) };
    const connections = { open: async () => ({ storage }) };
    let largestManifestPage = 0;
    let manifestQueries = 0;
    const db = t.platform.db;
    const counting = {
      query: async (sql: string, params?: unknown[]) => {
        const rows = await db.query(sql, params);
        if (/from flow_files/.test(sql)) {
          manifestQueries += 1;
          largestManifestPage = Math.max(largestManifestPage, rows.length);
        }
        return rows;
      },
      exec: (sql: string) => db.exec(sql),
    } as unknown as Db;
    const selector = new FileSelector(counting, endpoints as any, connections as any, 0, {
      spillDir,
      chunkEntries: CHUNK_ENTRIES,
      pageRows: PAGE_ROWS,
    });
    const plan = { id: flowId, schedule: parseSchedule({ frequency: 'once' }) } as FlowPlan;
    const scope = { orgId: 'org', sandboxId } as any;

    const { chosen, skipped } = await selector.select(scope, plan, new Date());

    const expected = [...Array(LISTED - UNCHANGED).keys()].map((k) => `/bucket/${name(UNCHANGED + k)}`);
    expect(chosen.map((c) => c.entry.path)).toEqual(expected);
    expect(chosen.filter((c) => c.decision === 'changed').length).toBe(CHANGED);
    // A version that only failed before (unclassified: its retry is due) is taken again, as a retry.
    expect(chosen.filter((c) => c.decision === 'retry').length).toBe(FAILED_ONLY);
    expect(chosen.filter((c) => c.decision === 'new').length).toBe(LISTED - UNCHANGED - CHANGED - FAILED_ONLY);
    expect(chosen.every((c) => c.versionTag === 'etag:v2')).toBe(true);
    // The duplicates are taken once, and counted with neither side.
    expect(skipped).toBe(UNCHANGED);
    expect(walks).toBe(1);
    // 45,000 manifest rows in pages of at most PAGE_ROWS.
    expect(largestManifestPage).toBeLessThanOrEqual(PAGE_ROWS);
    expect(manifestQueries).toBeGreaterThanOrEqual((UNCHANGED + CHANGED + FAILED_ONLY + VANISHED) / PAGE_ROWS);
    // The sort's chunk files are gone.
    expect(readdirSync(spillDir)).toEqual([]);
  }, 180_000);
});
