import { describe, expect, it } from 'vitest';
import { isDone, listRow, renderLine, snapshot } from '../../src/cli/progress-bar.js';

describe('runs watch on a streaming flow', () => {
  const run = {
    id: 'r1',
    windowEndTime: Date.UTC(2026, 0, 1, 13),
    metrics: {
      statusSummary: { status: 'partialSuccess' },
      recordSummary: { outputRecordCount: 1200, failedRecordCount: 3 },
      durationSummary: { startedAtUTC: Date.UTC(2026, 0, 1, 12), completedAtUTC: Date.UTC(2026, 0, 1, 12, 0, 10) },
      streamSummary: { microBatchCount: 5, lagMs: 250 },
    },
  };

  it('shows records, rate, lag and micro-batches of the window', () => {
    const line = renderLine(snapshot(run), Date.UTC(2026, 0, 1, 12, 0, 11));
    expect(line).toBe(
      'stream · 1,200 records (3 failed) · 120 rec/s · lag 250 ms · 5 micro-batches · window until 2026-01-01T13:00:00.000Z · partialSuccess',
    );
  });

  it('keeps watching a final-looking window run until its window ends', () => {
    const s = snapshot(run);
    expect(isDone(s, Date.UTC(2026, 0, 1, 12, 30))).toBe(false);
    expect(isDone(s, Date.UTC(2026, 0, 1, 13))).toBe(true);
    expect(isDone(snapshot({ id: 'f', metrics: { statusSummary: { status: 'success' } } }), 0)).toBe(true);
  });

  it('lists a window run with its lag, and a file run without one', () => {
    expect(listRow({ ...run, flowId: 'f1' })).toEqual({
      id: 'r1',
      flowId: 'f1',
      status: 'partialSuccess',
      files: 0,
      records: 1200,
      failed: 3,
      lag: '250 ms',
      started: '2026-01-01T12:00:00.000Z',
    });
    const fileRun = {
      id: 'r2',
      metrics: { statusSummary: { status: 'success' }, fileSummary: { inputFileCount: 2 }, recordSummary: { outputRecordCount: 4 } },
    };
    expect(listRow(fileRun)).toMatchObject({ files: 2, records: 4, lag: '' });
    // A window run whose micro-batches reported no lag yet shows none rather than a made-up zero.
    expect(listRow({ ...run, metrics: { ...run.metrics, streamSummary: { microBatchCount: 1 } } }).lag).toBe('');
  });
});
