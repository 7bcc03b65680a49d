import type { RunDocument } from './api-shapes.js';

/** What `runs watch` knows of a run at one moment, from `GET /runs/{id}`. */
export interface RunSnapshot {
  id: string;
  status: string;
  filesDone: number;
  filesTotal: number;
  bytesRead: number;
  bytesTotal: number;
  records: number | null;
  failedRecords: number | null;
  errors: number;
  startedAt: number | null;
  completedAt: number | null;
  /** Set for a streaming flow's run: it sums up the micro-batches of a window and grows until the window ends. */
  stream?: { windowEnd: number; microBatches: number; lagMs: number | null };
}

const FINAL = new Set(['success', 'partialSuccess', 'failed', 'cancelled']);
export const isFinal = (status: string) => FINAL.has(status);

/** Reads the run object of Flow Service (with `metrics.progress` while it runs) into a snapshot. */
export function snapshot(run: RunDocument): RunSnapshot {
  const metrics = run.metrics ?? {};
  const progress = metrics.progress ?? {};
  const status = String(metrics.statusSummary?.status ?? 'pending');
  const final = isFinal(status);
  const files = metrics.fileSummary ?? {};
  const size = metrics.sizeSummary ?? {};
  const records = metrics.recordSummary ?? {};
  return {
    id: String(run.id),
    status,
    filesDone: final ? Number(files.inputFileCount ?? 0) : Number(progress.filesDone ?? 0),
    filesTotal: final ? Number(files.inputFileCount ?? 0) : Number(progress.filesTotal ?? 0),
    bytesRead: final ? Number(size.inputBytes ?? 0) : Number(progress.bytesRead ?? 0),
    bytesTotal: final ? Number(size.inputBytes ?? 0) : Number(progress.bytesTotal ?? 0),
    records: final ? Number(records.outputRecordCount ?? 0) : null,
    failedRecords: final ? Number(records.failedRecordCount ?? 0) : null,
    errors: metrics.statusSummary?.errors?.length ?? 0,
    startedAt: metrics.durationSummary?.startedAtUTC ?? null,
    completedAt: metrics.durationSummary?.completedAtUTC ?? null,
    ...(metrics.streamSummary
      ? {
          stream: {
            windowEnd: Number(run.windowEndTime ?? 0),
            microBatches: Number(metrics.streamSummary.microBatchCount ?? 0),
            lagMs: metrics.streamSummary.lagMs ?? null,
          },
        }
      : {}),
  };
}

/** A run as a row of `runs list`: a streaming window run's lag at its last micro-batch too (blank for a file run). */
export function listRow(run: RunDocument): Record<string, string | number> {
  const s = snapshot(run);
  return {
    id: run.id,
    flowId: run.flowId ?? '',
    status: s.status,
    files: s.filesTotal,
    records: s.records ?? '',
    failed: s.failedRecords ?? '',
    lag: s.stream && s.stream.lagMs !== null ? `${s.stream.lagMs.toLocaleString('en-US')} ms` : '',
    started: s.startedAt ? new Date(s.startedAt).toISOString() : '',
  };
}

/** True once there is nothing more to watch: a run that ended, or a streaming window run whose window is over. */
export function isDone(s: RunSnapshot, now: number): boolean {
  return s.stream ? now >= s.stream.windowEnd : isFinal(s.status);
}

function bytes(n: number): string {
  const units = ['B', 'kB', 'MB', 'GB', 'TB'];
  let value = n;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** One line: a bar over the bytes read, files done, records, the rate and the errors. */
export function renderLine(s: RunSnapshot, now: number, width = 24): string {
  if (s.stream) return renderStreamLine(s, s.stream);
  const fraction = isFinal(s.status) ? 1 : s.bytesTotal > 0 ? Math.min(1, s.bytesRead / s.bytesTotal) : 0;
  const filled = Math.round(fraction * width);
  const bar = `[${'#'.repeat(filled)}${'-'.repeat(width - filled)}]`;
  const elapsed = s.startedAt ? Math.max(0.001, ((s.completedAt ?? now) - s.startedAt) / 1000) : null;
  const rate =
    elapsed === null
      ? ''
      : s.records !== null
        ? ` · ${Math.round(s.records / elapsed).toLocaleString('en-US')} rec/s`
        : ` · ${bytes(s.bytesRead / elapsed)}/s`;
  const records = s.records === null ? 'records: at commit' : `${s.records.toLocaleString('en-US')} records`;
  const failed = s.failedRecords ? ` (${s.failedRecords.toLocaleString('en-US')} failed)` : '';
  return `${bar} ${Math.round(fraction * 100)
    .toString()
    .padStart(
      3,
    )}% · ${s.filesDone}/${s.filesTotal} files · ${bytes(s.bytesRead)}/${bytes(s.bytesTotal)} · ${records}${failed}${rate} · ${s.errors} errors · ${s.status}`;
}

/** A streaming window run: records so far, the rate over the window, the lag behind the stream, and when the window ends. */
function renderStreamLine(s: RunSnapshot, stream: NonNullable<RunSnapshot['stream']>): string {
  const records = s.records ?? 0;
  const elapsed = s.startedAt && s.completedAt ? Math.max(0.001, (s.completedAt - s.startedAt) / 1000) : null;
  const rate = elapsed === null ? '' : ` · ${Math.round(records / elapsed).toLocaleString('en-US')} rec/s`;
  const failed = s.failedRecords ? ` (${s.failedRecords.toLocaleString('en-US')} failed)` : '';
  const lag = stream.lagMs === null ? '' : ` · lag ${stream.lagMs.toLocaleString('en-US')} ms`;
  return `stream · ${records.toLocaleString('en-US')} records${failed}${rate}${lag} · ${stream.microBatches} micro-batches · window until ${new Date(stream.windowEnd).toISOString()} · ${s.status}`;
}
