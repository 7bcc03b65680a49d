import { access, constants, mkdir } from 'node:fs/promises';
import type { Db } from '../store/db.js';

export interface Readiness {
  status: 'ready' | 'unavailable';
  checks: Record<'database' | 'lake' | 'queue', { ok: boolean; error?: string }>;
}

async function check(work: () => Promise<unknown>): Promise<{ ok: boolean; error?: string }> {
  try {
    await work();
    return { ok: true };
  } catch (error) {
    return { ok: false, error: (error as Error).message };
  }
}

/** Whether this process can serve: the database answers, the lake folder is writable and the job queue's tables are there. */
export async function checkReadiness(deps: { db: Db; lakeDir: string }): Promise<Readiness> {
  const [database, lake, queue] = await Promise.all([
    check(() => deps.db.query('select 1')),
    check(async () => {
      await mkdir(deps.lakeDir, { recursive: true });
      await access(deps.lakeDir, constants.R_OK | constants.W_OK);
    }),
    check(() => deps.db.query('select count(*) from pgboss.queue')),
  ]);
  const checks = { database, lake, queue };
  return { status: Object.values(checks).every((c) => c.ok) ? 'ready' : 'unavailable', checks };
}
