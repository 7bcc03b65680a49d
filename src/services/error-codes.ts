import { FILE_CODES } from '../pipeline/errors.js';
import { type FailureKind, ServiceError } from './errors.js';

/**
 * The registry of error codes for flow runs, their files and partial ingestion: each code names one
 * failure only. A code answered over HTTP carries its failure kind (the HTTP layer maps kinds to status
 * codes); a code recorded in a run's or a batch's errors has `kind: null`.
 */
interface CodeDef {
  code: string;
  kind: FailureKind | null;
  /** What the code means, for whoever reads the registry. */
  summary: string;
}

const define = <T extends Record<string, CodeDef>>(defs: T) => defs;

export const CODES = define({
  // Answered by the runs API.
  runNotFound: { code: 'FLOW-1013', kind: 'not_found', summary: 'no run with this id in the sandbox' },
  runActionUnknown: { code: 'FLOW-1014', kind: 'invalid', summary: 'the op of POST /runs/{id}/action is not one Flow Service knows' },
  runNotRetriggerable: { code: 'FLOW-1011', kind: 'conflict', summary: 'only a run that failed, or partly failed, can be re-triggered' },

  // Answered by the HTTP API streaming inlet (POST /collection/...).
  inletNotFound: { code: 'STREAM-1004', kind: 'not_found', summary: 'no HTTP API inlet with this id' },
  inletWrongScope: { code: 'STREAM-1003', kind: 'forbidden', summary: "the access token is not of the inlet's org and sandbox" },
  inletMessageInvalid: {
    code: 'STREAM-1000',
    kind: 'invalid',
    summary: 'a message is not a JSON object, or an XDM envelope lacks its schemaRef or xdmEntity',
  },
  inletBatchInvalid: { code: 'STREAM-1001', kind: 'invalid', summary: 'a batch post is not {"messages": [...]} with at least one message' },
  inletMessageTooLarge: { code: 'STREAM-1013', kind: 'too_large', summary: 'a message is over 1 MB' },
  inletBacklogFull: { code: 'STREAM-1029', kind: 'too_many_requests', summary: "the inlet's unconsumed backlog is at its limit" },

  // Recorded in a run's errors.
  runUnexpected: { code: 'FLOW-RUN-1000', kind: null, summary: 'the run failed for a reason no other code names' },
  flowDeleted: { code: 'FLOW-RUN-1001', kind: null, summary: 'the flow was deleted before its run started' },
  datasetWithoutSchema: { code: 'FLOW-RUN-1002', kind: null, summary: "the flow's dataset has no schema" },
  runInterrupted: { code: 'FLOW-RUN-1003', kind: null, summary: 'the run was in progress when the embedded server restarted' },
  runAbandoned: { code: 'FLOW-RUN-1004', kind: null, summary: 'the worker running the run stopped beating' },
  runSuperseded: { code: 'FLOW-RUN-1005', kind: null, summary: 'another run of the flow was in progress (migration 013)' },
  runRetried: { code: 'FLOW-RUN-1006', kind: null, summary: "an interrupted attempt's batch, failed when the run was retried" },
  noFileReadable: { code: 'FLOW-RUN-2002', kind: null, summary: 'every file the run took failed whole' },
  batchUnexpected: { code: 'FLOW-RUN-3000', kind: null, summary: 'writing the batch failed for a reason no other code names' },
  batchNotLanded: { code: 'FLOW-RUN-3001', kind: null, summary: 'the batch landed nothing: no valid row, or its commit failed' },
  fileAlreadyClaimed: { code: 'FLOW-RUN-3003', kind: 'conflict', summary: 'a file version was ingested by another batch of the flow' },

  // Answered by Query Service's templates and schedules (`/data/foundation/query`).
  queryTemplateNotFound: { code: 'QS-1001', kind: 'not_found', summary: 'no query template with this id in the sandbox' },
  scheduleNotFound: { code: 'QS-1002', kind: 'not_found', summary: 'no scheduled query with this id in the sandbox' },
  scheduleRunNotFound: { code: 'QS-1003', kind: 'not_found', summary: 'no run with this id for the scheduled query' },
  scheduleCronInvalid: { code: 'QS-1004', kind: 'invalid', summary: 'schedule.schedule is not a cron expression (or @once, @hourly, …)' },
  scheduleInvalid: { code: 'QS-1005', kind: 'invalid', summary: 'a schedule field other than the cron is missing or malformed' },
  scheduleNotDisabled: { code: 'QS-1006', kind: 'invalid', summary: 'a schedule must be disabled before it is deleted' },
  scheduleHasActiveRuns: { code: 'QS-1007', kind: 'invalid', summary: 'a schedule with queued or running runs cannot be deleted' },
  scheduleDisabled: { code: 'QS-1008', kind: 'invalid', summary: 'a disabled schedule cannot be triggered' },
  scheduleStateUnchanged: { code: 'QS-1009', kind: 'invalid', summary: 'the schedule is already in the state the PATCH asks for' },
  schedulePatchInvalid: { code: 'QS-1010', kind: 'invalid', summary: 'the PATCH is not one a schedule takes (/state, /schedule/schedule)' },
  scheduleRunNotCancellable: { code: 'QS-1011', kind: 'conflict', summary: 'only a queued or running run can be cancelled' },
  scheduleRunOpInvalid: { code: 'QS-1012', kind: 'invalid', summary: 'the body of PATCH /runs/{id} is not {"op": "cancel"}' },
  querySqlSyntax: { code: 'QS-1013', kind: 'invalid', summary: 'the SQL of a query, template or schedule does not parse' },
  queryCtasUnsupported: { code: 'QS-1014', kind: 'invalid', summary: 'CREATE TABLE … AS SELECT (and ctasParameters) are refused' },
  // Recorded in the errors of the Catalog batch an INSERT INTO opened.
  insertRowsUnfit: { code: 'QS-BATCH-1001', kind: null, summary: "an INSERT INTO's rows do not cast to the dataset's field types" },
  queryTemplateUnknown: { code: 'QS-1015', kind: 'invalid', summary: 'the templateId of a query or schedule names no template of the sandbox' },
  // Streaming sources.
  notFiles: { code: 'FLOW-1020', kind: 'invalid', summary: 'a file operation (browse a folder, read a file) on a streaming connection' },
  notAStream: { code: 'FLOW-1021', kind: 'invalid', summary: 'a stream operation on a connection that is not a streaming source' },
  streamNotReadable: {
    code: 'FLOW-1022',
    kind: 'invalid',
    summary: 'a streaming source whose connections are stored but whose streams cannot be read yet',
  },
  streamingFlowRunRefused: {
    code: 'FLOW-1023',
    kind: 'invalid',
    summary: 'a run asked for (on demand, now, or re-triggered) of a streaming flow, which runs continuously',
  },
  streamLeaseLost: {
    code: 'FLOW-STREAM-1001',
    kind: null,
    summary: "a micro-batch's consumer lost its partition's lease before the batch committed; it is rolled back",
  },
  streamBatchAbandoned: {
    code: 'FLOW-STREAM-1002',
    kind: null,
    summary: "a micro-batch's consumer died before committing it; the process taking the partition over fails it",
  },
  streamRecordNotJson: { code: 'FLOW-STREAM-2001', kind: null, summary: 'a stream record that is not one JSON object' },
  streamRecordTooLarge: { code: 'FLOW-STREAM-2002', kind: null, summary: 'a stream record larger than the record limit' },

  // Recorded in a batch's errors, by flows and the Batch Ingestion API alike.
  partialIngestionExceeded: {
    code: 'TRIB-BATCH-1004',
    kind: null,
    summary: 'the failed share of the input (rows, and files that could not be read) is above the partial ingestion threshold',
  },
});

export type CodeName = keyof typeof CODES;

/** A ServiceError for a code that is answered over HTTP, keeping what caused it. */
export function serviceError(name: CodeName, message: string, options: { cause?: unknown; details?: unknown } = {}): ServiceError {
  const def: CodeDef = CODES[name];
  if (def.kind === null) throw new Error(`${def.code} is recorded, never answered`);
  const error = new ServiceError(def.kind, message, def.code, options.details);
  if (options.cause !== undefined) error.cause = options.cause;
  return error;
}

/** An entry of a run's (or a batch's) errors. */
export function recorded(name: CodeName, message: string): { code: string; message: string } {
  return { code: CODES[name].code, message };
}

/** Every code of the registry and of the pipeline's file failures: used to prove no code names two failures. */
export function allCodes(): string[] {
  return [...Object.values(CODES).map((d) => d.code), ...Object.values(FILE_CODES).map((d) => d.code)];
}
