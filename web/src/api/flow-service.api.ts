import type { Api } from './client.js';

const FS = '/data/foundation/flowservice';

export const LOCAL_FOLDER_SPEC = '9c1d2e3f-4a5b-4c6d-8e7f-a0b1c2d3e4f5';
export const DATA_LAKE_SPEC = 'c604ff05-7f1a-43c0-8e18-33bf874cb11c';
export const KINESIS_SPEC = '86043421-563b-46ec-8e6c-e23184711bf6';
export const EVENT_HUBS_SPEC = 'bf9f5905-92b7-48bf-bf20-455bc6b60a4e';
/** AEP's HTTP API streaming inlet: its connection is where records are posted, not a storage to read. */
export const HTTP_INLET_SPEC = 'bc7b00d6-623a-4dfc-9fdb-f1240aeadaeb';
/** AEP's "Stream data with optional transformation": runs while enabled, takes no schedule. */
export const STREAMING_FLOW_SPEC = 'd69717ba-71b4-4313-b654-49f9cf126d7a';

export interface JsonSchema {
  type?: string | string[];
  title?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  enum?: unknown[];
  default?: unknown;
  format?: string;
  pattern?: string;
  items?: JsonSchema;
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  [key: string]: unknown;
}

export interface AuthSpec {
  name: string;
  type: string;
  spec: JsonSchema;
}

export interface ConnectionSpec {
  id: string;
  name: string;
  version?: string;
  attributes?: {
    category?: string;
    isSource?: boolean;
    uiAttributes?: { label?: string; category?: { key?: string } | string; isPreview?: boolean; documentationLink?: string };
  };
  authSpec?: AuthSpec[];
  /** What a source connection of the spec takes in `params` (a stream's: `stream`, `dataType`, `reset`, …). */
  sourceSpec?: { name?: string; type?: string; spec?: JsonSchema };
}

export interface Connection {
  id: string;
  name: string;
  description?: string;
  connectionSpec: { id: string; version?: string };
  auth?: { specName?: string; params?: Record<string, unknown> };
  state?: string;
  etag?: string;
  createdAt?: number;
  updatedAt?: number;
}

export interface SourceConnection {
  id: string;
  name: string;
  description?: string;
  baseConnectionId?: string;
  connectionSpec?: { id: string };
  /** A file source's path, or a stream source's stream (Kinesis) or event hub. */
  params?: { path?: string; type?: string; recursive?: boolean; stream?: string; eventHubName?: string };
  data?: { format?: string };
  createdAt?: number;
  etag?: string;
}

/** A JSON Patch operation, as Flow Service's PATCH takes them. */
export interface PatchOp {
  op: 'add' | 'replace' | 'remove';
  path: string;
  value?: unknown;
}

export interface ExploreEntry {
  /** `stream`: a Kinesis stream or an event hub, listed by a streaming connection's root. */
  type: 'file' | 'folder' | 'stream';
  name: string;
  path: string;
  canPreview?: boolean;
}

export interface Column {
  name: string;
  type: string;
}

export interface FilePreview {
  format: string;
  schema: { columns: Column[] };
  data: Array<Record<string, unknown>>;
  /** Records read that cannot become rows (a Tributary addition; absent when there are none). */
  invalidRows?: Array<{ row: number; code: string; message: string }>;
}

export interface PreviewOptions {
  fileType: 'delimited' | 'json' | 'parquet';
  columnDelimiter?: string;
  encoding?: string;
  compressionType?: string;
}

export interface ScheduleParams {
  frequency: 'once' | 'minute' | 'hour' | 'day' | 'week';
  /** The API answers it as a string ("15"), as Adobe's spec types it; the wizard keeps a number. */
  interval?: number | string;
  startTime: number;
  backfill?: boolean;
}

export interface Flow {
  id: string;
  name: string;
  description?: string;
  state: 'enabled' | 'disabled' | string;
  etag?: string;
  flowSpec: { id: string };
  sourceConnectionIds: string[];
  targetConnectionIds: string[];
  scheduleParams?: ScheduleParams & Record<string, unknown>;
  createdAt?: number;
  lastRunDetails?: { id: string; state: string; startedAtUTC?: number; completedAtUTC?: number };
}

export interface RunMetrics {
  recordSummary?: { inputRecordCount?: number; outputRecordCount?: number; failedRecordCount?: number };
  fileSummary?: { inputFileCount?: number; outputFileCount?: number; failedFileCount?: number };
  /** A streaming flow's window run (Tributary's addition): its micro-batches and the lag behind the stream at the last one. */
  streamSummary?: { microBatchCount?: number; lagMs?: number };
  sizeSummary?: { inputBytes?: number; outputBytes?: number };
  durationSummary?: { startedAtUTC?: number; completedAtUTC?: number };
  statusSummary?: { status?: string; errors?: Array<{ code?: string; message?: string }> };
}

export interface Run {
  id: string;
  flowId: string;
  createdAt?: number;
  batchId?: string;
  metrics: RunMetrics;
  activities?: Array<{ id?: string; batchId?: string }>;
  /** A streaming flow's run sums up one time window (epoch ms). */
  windowStartTime?: number;
  windowEndTime?: number;
}

interface Items<T> {
  items: T[];
}

export function flowService(api: Api) {
  const one = async <T>(path: string) => (await api.get<Items<T>>(path)).items[0]!;
  return {
    connectionSpecs: async () => (await api.get<Items<ConnectionSpec>>(`${FS}/connectionSpecs`)).items,
    connectionSpec: (id: string) => one<ConnectionSpec>(`${FS}/connectionSpecs/${id}`),
    connections: async () => (await api.get<Items<Connection>>(`${FS}/connections`)).items,
    /** An HTTP API inlet's connection answers where to post beside its id (`inletId`, `inletUrl`). */
    createConnection: (body: unknown) => api.post<{ id: string; etag?: string; inletId?: string; inletUrl?: string }>(`${FS}/connections`, body),
    /** Flow Service wants the resource's etag in If-Match on every PATCH. */
    patchConnection: (id: string, etag: string, ops: PatchOp[]) =>
      api.patch<{ id: string; etag?: string }>(`${FS}/connections/${id}`, ops, { headers: { 'If-Match': etag } }),
    deleteConnection: (id: string) => api.delete(`${FS}/connections/${id}`),
    sourceConnections: async () => (await api.get<Items<SourceConnection>>(`${FS}/sourceConnections`)).items,
    deleteSourceConnection: (id: string) => api.delete(`${FS}/sourceConnections/${id}`),
    deleteFlow: (id: string) => api.delete(`${FS}/flows/${id}`),
    testConnection: (id: string) => api.get<unknown>(`${FS}/connections/${id}/test`),
    explore: (id: string, folder: string | null) =>
      api.get<ExploreEntry[]>(
        folder === null
          ? `${FS}/connections/${id}/explore?objectType=root`
          : `${FS}/connections/${id}/explore?objectType=folder&object=${encodeURIComponent(folder)}`,
      ),
    preview: (id: string, path: string, options: PreviewOptions) => {
      const query = new URLSearchParams({ objectType: 'file', object: path, preview: 'true', fileType: options.fileType });
      if (options.columnDelimiter) query.set('columnDelimiter', options.columnDelimiter);
      if (options.encoding) query.set('encoding', options.encoding);
      if (options.compressionType && options.compressionType !== 'none') query.set('compressionType', options.compressionType);
      return api.get<FilePreview>(`${FS}/connections/${id}/explore?${query}`);
    },
    /** A stream's most recent records, with the columns inferred from them as a JSON file's are. */
    previewStream: (id: string, stream: string) =>
      api.get<FilePreview>(`${FS}/connections/${id}/explore?${new URLSearchParams({ objectType: 'stream', object: stream, preview: 'true' })}`),
    createSourceConnection: (body: unknown) => api.post<{ id: string }>(`${FS}/sourceConnections`, body),
    createTargetConnection: (body: unknown) => api.post<{ id: string }>(`${FS}/targetConnections`, body),
    sourceConnection: (id: string) =>
      one<{ id: string; name: string; params?: { path?: string }; baseConnectionId: string }>(`${FS}/sourceConnections/${id}`),
    targetConnection: (id: string) => one<{ id: string; params?: { dataSetId?: string } }>(`${FS}/targetConnections/${id}`),
    flowSpecByName: async (name: string) =>
      (await api.get<Items<{ id: string; name: string }>>(`${FS}/flowSpecs?property=${encodeURIComponent(`name=="${name}"`)}`)).items[0],
    createFlow: (body: unknown) => api.post<{ id: string }>(`${FS}/flows`, body),
    flows: async () => (await api.get<Items<Flow>>(`${FS}/flows`)).items,
    flow: (id: string) => one<Flow>(`${FS}/flows/${id}`),
    flowAction: (id: string, op: 'ENABLE' | 'DISABLE', etag?: string) =>
      api.post(`${FS}/flows/${id}/action?op=${op}`, undefined, etag ? { headers: { 'If-Match': etag } } : {}),
    runs: async (flowId: string) => (await api.get<Items<Run>>(`${FS}/runs?property=${encodeURIComponent(`flowId==${flowId}`)}`)).items,
    run: (id: string) => one<Run>(`${FS}/runs/${id}`),
    /**
     * A run now: AEP's `POST /runs` for a flow scheduled once, Tributary's `POST /flows/{id}/runs` for one on a
     * schedule (AEP starts on-demand runs only for flows scheduled once).
     */
    runNow: (flowId: string, scheduledOnce: boolean) =>
      scheduledOnce ? api.post<{ id: string }>(`${FS}/runs`, { flowId }) : api.post<{ id: string }>(`${FS}/flows/${flowId}/runs`),
  };
}

/** How a connector's data comes in: files read on a schedule, a stream read continuously, or records posted to an inlet. */
export type SourceKind = 'files' | 'stream' | 'inlet';

export function sourceKind(spec: Pick<ConnectionSpec, 'id' | 'attributes'>): SourceKind {
  if (spec.id === HTTP_INLET_SPEC) return 'inlet';
  return spec.id === KINESIS_SPEC || spec.id === EVENT_HUBS_SPEC || spec.attributes?.category === 'Streaming' ? 'stream' : 'files';
}

/** True for a flow of the streaming flow spec: no schedule, no runs on demand, one run per time window. */
export function isStreamingFlow(flow: Pick<Flow, 'flowSpec'>): boolean {
  return flow.flowSpec?.id === STREAMING_FLOW_SPEC;
}

/** The label a user knows a connector by. */
export function specLabel(spec: ConnectionSpec): string {
  return spec.attributes?.uiAttributes?.label ?? spec.name;
}

export function runStatus(run: Run): string {
  return run.metrics?.statusSummary?.status ?? 'unknown';
}

/** The batch a run wrote, wherever the run shows it. */
export function runBatchId(run: Run): string | undefined {
  return run.batchId ?? run.activities?.find((a) => a.batchId)?.batchId;
}
