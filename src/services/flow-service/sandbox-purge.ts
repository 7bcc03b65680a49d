import type { Db } from '../../store/db.js';
import type { Scope } from '../scope.js';
import { deleteSandboxRuns, sandboxHasRunInProgress } from './runs.repo.js';

/**
 * Sandbox reset, first step: disables the sandbox's flows so the scheduler starts nothing more, and waits
 * (up to `waitMs`) for its runs in progress to end, so none writes into a dataset being removed.
 */
export async function stopFlowServiceSandbox(db: Db, scope: Scope, waitMs = 30_000): Promise<void> {
  await db.query(`update flows set state = 'disabled', next_run_at = null where org_id = $1 and sandbox_id = $2`, [scope.orgId, scope.sandboxId]);
  const deadline = Date.now() + waitMs;
  while (Date.now() < deadline) {
    if (!(await sandboxHasRunInProgress(db, scope))) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Sandbox reset: removes flows (their runs and file manifests cascade), source/target connections and base connections. */
export async function purgeFlowServiceSandbox(db: Db, scope: Scope): Promise<void> {
  await stopFlowServiceSandbox(db, scope);
  await db.transaction(async (tx) => {
    const params = [scope.orgId, scope.sandboxId];
    // A queued job of a removed run finds no run and ends at once.
    await deleteSandboxRuns(tx, scope);
    await tx.query('delete from flows where org_id = $1 and sandbox_id = $2', params);
    await tx.query('delete from endpoint_connections where org_id = $1 and sandbox_id = $2', params);
    await tx.query('delete from base_connections where org_id = $1 and sandbox_id = $2', params);
  });
}
