/**
 * Wall time spent per stage of an ingest (ms), summed over files, so a slow run can be explained
 * (`IngestResult.timings`, logged by the flow run executor). Stages may nest: then the outer one
 * includes the inner ones.
 */
export class StageTimes {
  readonly ms: Record<string, number> = {};

  add(stage: string, ms: number): void {
    this.ms[stage] = (this.ms[stage] ?? 0) + ms;
  }

  async time<T>(stage: string, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await work();
    } finally {
      this.add(stage, performance.now() - started);
    }
  }

  /** The figures rounded to whole milliseconds. */
  rounded(): Record<string, number> {
    return Object.fromEntries(Object.entries(this.ms).map(([k, v]) => [k, Math.round(v)]));
  }
}
