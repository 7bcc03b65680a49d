/** Why a wait for a slot ended without one. */
export class SlotWaitEnded extends Error {
  constructor(readonly reason: 'cancelled' | 'timeout') {
    super(reason === 'cancelled' ? 'cancelled while queued' : 'timed out while queued');
  }
}

interface Waiter {
  grant: (release: () => void) => void;
  fail: (error: SlotWaitEnded) => void;
}

/**
 * A fixed number of slots for running queries, handed out first come, first served. Each DuckDB engine may use its
 * whole memory limit, so the number of engines alive at once is what bounds a process's memory.
 */
export class QuerySlots {
  private busy = 0;
  private readonly waiting: Waiter[] = [];

  constructor(readonly size: number) {
    if (!Number.isInteger(size) || size < 1) throw new Error('a query slot pool needs at least one slot');
  }

  /** Queries running now. */
  get running(): number {
    return this.busy;
  }

  /** Queries waiting for a slot. */
  get queued(): number {
    return this.waiting.length;
  }

  /**
   * Resolves with a release function once a slot is free. Rejects with `SlotWaitEnded` when `signal` aborts or
   * `waitMs` passes first; a waiter that gives up leaves the line without taking a slot.
   */
  acquire(options: { signal?: AbortSignal; waitMs?: number } = {}): Promise<() => void> {
    const { signal, waitMs } = options;
    if (signal?.aborted) return Promise.reject(new SlotWaitEnded('cancelled'));
    if (this.busy < this.size && this.waiting.length === 0) {
      this.busy += 1;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const leave = () => {
        if (timer) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
        const at = this.waiting.indexOf(waiter);
        if (at >= 0) this.waiting.splice(at, 1);
      };
      const onAbort = () => {
        leave();
        reject(new SlotWaitEnded('cancelled'));
      };
      const waiter: Waiter = {
        grant: (release) => {
          leave();
          resolve(release);
        },
        fail: (error) => {
          leave();
          reject(error);
        },
      };
      this.waiting.push(waiter);
      signal?.addEventListener('abort', onAbort, { once: true });
      if (waitMs !== undefined) timer = setTimeout(() => waiter.fail(new SlotWaitEnded('timeout')), waitMs);
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      // The slot passes straight to the next in line, so a newcomer cannot overtake it.
      const next = this.waiting[0];
      if (next) next.grant(this.releaser());
      else this.busy -= 1;
    };
  }
}
