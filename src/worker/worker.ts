import type { JobQueue } from '../store/queue.js';

/** How each queue's jobs are done: one handler per queue, typed by what that queue's jobs carry. */
export type JobHandlers<Jobs extends object> = {
  [Name in keyof Jobs & string]: (data: Jobs[Name], jobId: string) => Promise<void>;
};

/** Starts taking the jobs of every queue of the registry, one at a time per queue and process. */
export async function startWorker<Jobs extends object>(queue: JobQueue<Jobs>, handlers: JobHandlers<Jobs>): Promise<void> {
  for (const name of Object.keys(handlers) as Array<keyof Jobs & string>) await queue.work(name, handlers[name]);
}

/**
 * The work in progress of a process, so that shutting down can ask it to stop: a job's work runs under an
 * abort signal from here, and `abortAll` fires them once the grace period is over.
 */
export class InFlight {
  private readonly running = new Set<AbortController>();

  async run<T>(work: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const abort = new AbortController();
    this.running.add(abort);
    try {
      return await work(abort.signal);
    } finally {
      this.running.delete(abort);
    }
  }

  abortAll(reason: Error): void {
    for (const abort of this.running) abort.abort(reason);
  }
}
