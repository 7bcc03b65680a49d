/**
 * The parts of the API's answers the CLI reads. Every field is optional: the CLI prints what a
 * server sends and must not fail on a run that has not started or a batch still processing.
 */

export interface FlowDocument {
  id: string;
  name?: string;
  state?: string;
  scheduleParams?: { frequency?: string };
  lastRunDetails?: { id?: string; state?: string };
}

export interface RunDocument {
  id: string;
  flowId?: string;
  metrics?: {
    progress?: { filesDone?: number; filesTotal?: number; bytesRead?: number; bytesTotal?: number };
    statusSummary?: { status?: string; errors?: unknown[] };
    fileSummary?: { inputFileCount?: number };
    sizeSummary?: { inputBytes?: number };
    recordSummary?: { outputRecordCount?: number; failedRecordCount?: number };
    durationSummary?: { startedAtUTC?: number; completedAtUTC?: number };
    /** A streaming flow's window run: its micro-batches so far and the lag at the last one. */
    streamSummary?: { microBatchCount?: number; lagMs?: number };
  };
  windowEndTime?: number;
}

export interface BatchDocument {
  status?: string;
  recordCount?: number;
  failedRecordCount?: number;
  errors?: unknown[];
}
