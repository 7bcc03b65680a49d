/**
 * The life of a flow run, with AEP's status values. A run is created `pending`; a worker claims it
 * (`inProgress`); it ends `success` (everything it took landed), `partialSuccess` (a batch landed, but
 * some rows or whole files failed), or `failed` (nothing could land). A run in progress may also be
 * handed back (`pending` again: its worker stopped at shutdown and a later job takes it anew), taken over
 * (`inProgress` again, under a new attempt, when its worker stopped beating and the queue retried it), or
 * failed as abandoned. A pending or running run may be `cancelled`. The four ends are final.
 */
export type RunStatus = 'pending' | 'inProgress' | 'success' | 'partialSuccess' | 'failed' | 'cancelled';

export const RUN_STATUSES: readonly RunStatus[] = ['pending', 'inProgress', 'success', 'partialSuccess', 'failed', 'cancelled'];

/** Every legal move, from each status; anything absent is a programming error. */
export const RUN_TRANSITIONS = {
  pending: ['inProgress', 'cancelled'],
  inProgress: ['inProgress', 'pending', 'success', 'partialSuccess', 'failed', 'cancelled'],
  success: [],
  partialSuccess: [],
  failed: [],
  cancelled: [],
} as const satisfies Record<RunStatus, readonly RunStatus[]>;

/** The statuses a run no longer leaves. */
export type FinalRunStatus = {
  [S in RunStatus]: (typeof RUN_TRANSITIONS)[S] extends readonly [] ? S : never;
}[RunStatus];

export const FINAL_RUN_STATUSES: readonly FinalRunStatus[] = ['success', 'partialSuccess', 'failed', 'cancelled'];

/** A run still pending or in progress: the flow has an open run. */
export const OPEN_RUN_STATUSES: readonly RunStatus[] = ['pending', 'inProgress'];

export function isFinal(status: RunStatus): status is FinalRunStatus {
  return RUN_TRANSITIONS[status].length === 0;
}

export function canMove(from: RunStatus, to: RunStatus): boolean {
  return (RUN_TRANSITIONS[from] as readonly RunStatus[]).includes(to);
}

/** The statuses a run may be in to move to `to`: what a conditional update of its status must require. */
export function statusesBefore(to: RunStatus): RunStatus[] {
  return RUN_STATUSES.filter((from) => canMove(from, to));
}

/** Thrown for a move the table does not allow: always a bug in the caller, never bad input. */
export class IllegalRunTransition extends Error {
  constructor(from: RunStatus, to: RunStatus) {
    super(`a run cannot go from ${from} to ${to}`);
  }
}

export function assertTransition(from: RunStatus, to: RunStatus): void {
  if (!canMove(from, to)) throw new IllegalRunTransition(from, to);
}

/** What a finished run ends as, from what landed and what was lost. */
export function runOutcome(result: { landed: boolean; failedRecords: number; failedFiles: number }): 'success' | 'partialSuccess' | 'failed' {
  if (!result.landed) return 'failed';
  return result.failedRecords > 0 || result.failedFiles > 0 ? 'partialSuccess' : 'success';
}
