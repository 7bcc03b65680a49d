import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import type { Db } from '../../store/db.js';
import type { LocalFiles } from '../../lake/index.js';
import type { CatalogService, DatasetRecord } from '../catalog/index.js';
import { conflict, invalid, notFound } from '../errors.js';
import type { Scope } from '../scope.js';
import * as repo from './queries.repo.js';
import { QuerySlots, SlotWaitEnded } from './query-slots.js';
import { ResultStore } from './result-store.js';
import { insertInto } from './insert-into.js';
import { applyQueryParameters, parseQueryParameters } from './sql-parameters.js';
import { classifyStatement } from './statement.js';
import { serviceError } from '../error-codes.js';
import {
  SqlFailure,
  checkSqlText,
  describeSandboxedSql,
  runSandboxedSql,
  streamSandboxedSql,
  type SqlDescription,
  type SqlLimits,
  type TableSource,
  type Truncation,
} from './sandboxed-sql.js';

export interface QueryServiceOptions {
  /** Folder for result files and the engines' spill folders (the home). */
  dataDir: string;
  /** Rows kept per result (default 10,000). */
  maxRows?: number;
  /** Bytes of JSON rows kept per result (default 64 MiB). */
  maxResultBytes?: number;
  /** Queries running at once in this process (default 2); the others wait, SUBMITTED, first come first served. */
  concurrency?: number;
  /** Wall-clock limit of a query in ms (default 60,000, as Query Service's interactive limit). */
  timeoutMs?: number;
  /** DuckDB memory per query (default "512MB"); what does not fit spills to disk under `dataDir`. */
  memoryLimit?: string;
  threads?: number;
  log?: (message: string, fields?: Record<string, unknown>) => void;
  /**
   * A dataset's columns and their types, from its schema: every column shows in SQL, NULL where a
   * batch wrote no value. Without it (or when the schema cannot be resolved) a table is what its files hold.
   */
  columnsOf?: (scope: Scope, dataset: DatasetRecord) => Promise<TableSource['columns']>;
  /** Query templates, for `templateId` on POST /queries (and on schedules). */
  templates?: { resolve(scope: Scope, id: string): Promise<{ id: string; name: string; sql: string; queryParameters: Record<string, string> }> };
  /** Rows an INSERT INTO may land per query (default 1,000,000): the rows are spooled to disk, never held. */
  maxInsertRows?: number;
}

/** Where a query came from, when it was not a plain POST /queries. */
export interface QueryOrigin {
  scheduleId: string;
  runId: string;
}

/** A query as Query Service shows it. */
export interface QueryView {
  id: string;
  request: { dbName?: string; sql: string; name?: string; description?: string; templateId?: string };
  state: repo.QueryState;
  created: string;
  updated: string;
  elapsedTime: number;
  rowCount?: number;
  client: string;
  userId: string;
  isCTAS: false;
  isInsertInto: boolean;
  errors: Array<{ code: string; message: string }>;
  _links: Record<string, unknown>;
  version: number;
}

export interface QueryResults {
  queryId: string;
  columns: Array<{ name: string; type: string }>;
  rows: Array<Record<string, unknown>>;
  /** Rows of the whole result (the page holds `rows.length` of them from `_page.start`). */
  rowCount: number;
  /** True when the query had more rows than a result keeps. */
  truncated: boolean;
  /** Which limit cut the result short, and why, when one did. */
  truncation?: { limit: 'rows' | 'bytes'; message: string };
  _page: { start: number; count: number };
}

/** A result page: everything but the rows, and the rows as JSON texts, read as they are sent. */
export interface QueryResultsPage {
  head: Omit<QueryResults, 'rows'>;
  rows: AsyncIterable<string>;
}

const BASE = '/data/foundation/query';

/** A query definition resolved to the SQL that runs. */
export interface ResolvedDefinition {
  sql: string;
  name?: string;
  description?: string;
  dbName?: string;
  templateId?: string;
  /** An INSERT INTO: the dataset named and the SELECT whose rows land in it. */
  insertInto?: { target: string; select: string };
}
/** Error codes of failed queries (Query Service reports SQLSTATE-like codes). */
const CODES = { refused: '42501', timeout: '57014', cancelled: '57014', error: '42000', internal: 'XX000' } as const;

/**
 * Query Service (`/data/foundation/query`): SQL over the datasets of the caller's org and sandbox. Each query runs
 * in its own in-memory DuckDB holding one view per dataset the SQL names (by its `adobe/pqs/table` name or its id)
 * over the Parquet of that dataset's successful batches only; the engine is then shut off from every other file.
 * Queries run in the background: POST answers 202 at once; the query object tells the state, and
 * `GET /queries/{id}/results` (a Tributary addition: AEP serves results over its PostgreSQL interface) the rows.
 */
export class QueryService {
  /** Limits in force for new queries (tests lower them). */
  readonly limits: SqlLimits;
  /** Slots for running queries; `slots.running` and `slots.queued` tell how busy the process is. */
  readonly slots: QuerySlots;
  private readonly running = new Map<string, { controller: AbortController; done: Promise<void> }>();
  private readonly store: ResultStore;
  private readonly spillRoot: string;

  constructor(
    private readonly db: Db,
    private readonly catalog: CatalogService,
    private readonly options: QueryServiceOptions,
  ) {
    this.limits = {
      maxRows: options.maxRows ?? 10_000,
      maxResultBytes: options.maxResultBytes ?? 64 * 1024 * 1024,
      timeoutMs: options.timeoutMs ?? 60_000,
      memoryLimit: options.memoryLimit ?? '512MB',
      threads: options.threads ?? 2,
    };
    this.slots = new QuerySlots(options.concurrency ?? 2);
    this.store = new ResultStore(join(options.dataDir, 'query-results'));
    this.spillRoot = join(options.dataDir, 'query-spill');
  }

  /**
   * `POST /queries`: records the query and starts it; answers with the query in `SUBMITTED`. The body is AEP's
   * query definition: `sql` or `templateId` (the template's SQL with its default `queryParameters`, which the
   * body's own override), `$name` parameters, and `insertIntoParameters.datasetName` to land the rows in a dataset.
   */
  async submit(scope: Scope, body: unknown, origin?: QueryOrigin): Promise<QueryView> {
    const definition = await this.resolveDefinition(scope, body);
    const id = randomUUID();
    await repo.insertQuery(this.db, scope, {
      id,
      sql: definition.sql,
      ...(definition.name !== undefined ? { name: definition.name } : {}),
      ...(definition.description !== undefined ? { description: definition.description } : {}),
      ...(definition.dbName !== undefined ? { dbName: definition.dbName } : {}),
      ...(definition.templateId !== undefined ? { templateId: definition.templateId } : {}),
      ...(definition.insertInto !== undefined ? { insertInto: { target: definition.insertInto.target } } : {}),
      ...(origin ? { origin } : {}),
    });
    const view = await this.get(scope, id);
    const controller = new AbortController();
    const done = this.execute(scope, id, definition, controller.signal).finally(() => this.running.delete(id));
    this.running.set(id, { controller, done });
    return view;
  }

  /**
   * A query definition checked and resolved to the SQL that runs, refusing what cannot run (a 400, nothing
   * recorded): a missing template, CREATE TABLE AS, an INSERT INTO whose SELECT does not parse. Other SQL is
   * recorded and fails when it runs, with the engine's message, as before.
   */
  async resolveDefinition(scope: Scope, body: unknown): Promise<ResolvedDefinition> {
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      throw invalid('the request body must be a JSON object: {"sql": "SELECT …"}');
    const { sql, name, description, dbName, templateId, queryParameters, insertIntoParameters, ctasParameters } = body as Record<string, unknown>;
    for (const [key, value] of Object.entries({ name, description, dbName, templateId })) {
      if (value !== undefined && value !== null && typeof value !== 'string') throw invalid(`"${key}" must be a string`);
    }
    const parameters = parseQueryParameters(queryParameters);
    let text: string;
    let fromTemplate: string | undefined;
    if (typeof templateId === 'string' && sql === undefined) {
      if (!this.options.templates) throw invalid('query templates are not available');
      const template = await this.options.templates.resolve(scope, templateId);
      text = applyQueryParameters(template.sql, { ...template.queryParameters, ...parameters });
      fromTemplate = template.id;
    } else {
      text = applyQueryParameters(checkSqlText(sql), parameters);
    }
    checkSqlText(text);
    const target =
      insertIntoParameters === undefined || insertIntoParameters === null
        ? undefined
        : (insertIntoParameters as { datasetName?: unknown }).datasetName;
    if (insertIntoParameters !== undefined && insertIntoParameters !== null && (typeof target !== 'string' || target === ''))
      throw invalid('"insertIntoParameters.datasetName" must name a dataset (its table name or id)');
    let insertInto: ResolvedDefinition['insertInto'];
    const insertLike = /^\s*insert\s+into\s+\S+\s+(?:select|with|from|\()/i.test(text);
    if (ctasParameters !== undefined && ctasParameters !== null) await classifyStatement(text, { ctas: true });
    if (insertLike || typeof target === 'string') {
      const statement = await classifyStatement(text, { insertInto: target as string | undefined });
      if (statement.kind === 'insert') insertInto = { target: statement.target, select: statement.sql };
    }
    return {
      sql: text,
      ...(typeof name === 'string' ? { name } : {}),
      ...(typeof description === 'string' ? { description } : {}),
      ...(typeof dbName === 'string' ? { dbName } : {}),
      ...(fromTemplate ? { templateId: fromTemplate } : {}),
      ...(insertInto ? { insertInto } : {}),
    };
  }

  async get(scope: Scope, id: string): Promise<QueryView> {
    return this.view(await this.row(scope, id));
  }

  /** `GET /queries`: newest first by default; `orderby` `created`/`updated` with `+`/`-`; `limit`; `start` as an offset. */
  async list(
    scope: Scope,
    query: { limit?: string; start?: string; orderby?: string },
  ): Promise<{ queries: QueryView[]; _page: Record<string, unknown>; _links: Record<string, unknown>; version: number }> {
    const limit = query.limit === undefined ? 50 : Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw invalid('limit must be an integer from 1 to 1000');
    const start = query.start === undefined ? 0 : Number(query.start);
    if (!Number.isInteger(start) || start < 0) throw invalid('start must be an integer ≥ 0');
    const orderby = (query.orderby ?? '-created').trim();
    const match = /^([+-]?)(created|updated)$/.exec(orderby);
    if (!match) throw invalid('orderby must be created or updated, with + or - in front');
    const rows = await repo.selectQueries(this.db, scope, {
      limit,
      start,
      orderBy: match[2] === 'created' ? 'created_at' : 'updated_at',
      descending: match[1] === '-',
    });
    const queries = rows.map((r) => this.view(r));
    return {
      queries,
      _page: { orderby, start: String(start), count: queries.length, ...(queries.length === limit ? { next: String(start + limit) } : {}) },
      _links:
        queries.length === limit
          ? { next: { href: `${BASE}/queries?orderby=${encodeURIComponent(orderby)}&limit=${limit}&start=${start + limit}` } }
          : {},
      version: 1,
    };
  }

  /** `PATCH /queries/{id}` with `{"op": "cancel"}`. */
  async cancel(scope: Scope, id: string, body: unknown): Promise<{ message: string; statusCode: number }> {
    const op = (body as { op?: unknown } | null)?.op;
    if (typeof op !== 'string' || op.toLowerCase() !== 'cancel') throw invalid('the body must be {"op": "cancel"}');
    const row = await this.row(scope, id);
    if (!['SUBMITTED', 'IN_PROGRESS'].includes(row.state)) throw conflict(`query ${id} is ${row.state}; only a running query can be cancelled`);
    const running = this.running.get(id);
    if (running) {
      running.controller.abort();
      await running.done;
    } else {
      await repo.markDone(this.db, id, { state: 'KILLED', errors: [{ code: CODES.cancelled, message: 'the query was cancelled' }] });
    }
    return { message: 'query cancel request received', statusCode: 202 };
  }

  /**
   * A page of the rows of a successful query (Tributary's `GET /queries/{id}/results`): `start` (a row offset,
   * default 0) and `limit` (default all). The rows are read from the result's file as the caller consumes them.
   */
  async results(scope: Scope, id: string, query: { start?: string; limit?: string } = {}): Promise<QueryResultsPage> {
    const start = query.start === undefined ? 0 : Number(query.start);
    if (!Number.isInteger(start) || start < 0) throw invalid('start must be an integer ≥ 0');
    const limit = query.limit === undefined ? Number.MAX_SAFE_INTEGER : Number(query.limit);
    if (!Number.isInteger(limit) || limit < 1) throw invalid('limit must be an integer ≥ 1');
    const row = await this.row(scope, id);
    if (row.state === 'SUBMITTED' || row.state === 'IN_PROGRESS')
      throw conflict(`query ${id} is ${row.state}; its results are ready once it is SUCCESS`);
    if (row.state !== 'SUCCESS') throw conflict(`query ${id} is ${row.state}: ${row.errors.map((e) => e.message).join('; ')}`);
    // Checked before answering: once the body streams, a missing file could only cut the response short.
    if (row.result_index && !this.store.has(id)) throw conflict(`the result of query ${id} is no longer stored; submit the query again`);
    const rowCount = Number(row.row_count ?? 0);
    const count = Math.max(0, Math.min(limit, rowCount - start));
    const truncation = this.truncation(row.truncated ? (row.truncated_by ?? 'rows') : null);
    const head = {
      queryId: id,
      columns: row.columns ?? [],
      rowCount,
      truncated: row.truncated,
      ...(truncation ? { truncation } : {}),
      _page: { start, count },
    };
    const page = { start, limit: count };
    const rows = row.result_index
      ? this.store.read(id, row.result_index, page)
      : (async function* () {
          for (const r of (row.rows ?? []).slice(page.start, page.start + page.limit)) yield JSON.stringify(r);
        })();
    return { head, rows };
  }

  /**
   * Runs one statement now and answers with its rows (the PostgreSQL interface, where a client waits on its
   * connection): the same tables, locked-down engine, slots and limits as `POST /queries`, but nothing is recorded
   * and the rows, bounded by the result limits, come back as arrays in column order. Throws `SqlFailure`.
   */
  async runInteractive(
    scope: Scope,
    sql: string,
    params: Array<string | null> = [],
    signal?: AbortSignal,
  ): Promise<{ columns: Array<{ name: string; type: string }>; rows: unknown[][]; truncation?: NonNullable<QueryResults['truncation']> }> {
    const text = checkSqlText(sql);
    return this.inSlot(signal, async () => {
      const { sources, release } = await this.tablesFor(scope, text);
      try {
        const rows: unknown[][] = [];
        const sink = { write: async (json: string) => void rows.push(JSON.parse(json) as unknown[]) };
        const spillDir = join(this.spillRoot, `interactive-${randomUUID()}`);
        const result = await streamSandboxedSql(text, sources, { ...this.limits, spillDir }, sink, signal, { params, rows: 'arrays' });
        const truncation = this.truncation(result.truncated);
        return { columns: result.columns, rows, ...(truncation ? { truncation } : {}) };
      } finally {
        release();
      }
    });
  }

  /** The parameters and columns of a statement, without running it (a Describe of a prepared statement). */
  async describeInteractive(scope: Scope, sql: string): Promise<SqlDescription> {
    const text = checkSqlText(sql);
    // An engine is opened for it, so it takes a slot like a query: the slots are what bound the memory.
    return this.inSlot(undefined, async () => {
      const { sources, release } = await this.tablesFor(scope, text);
      try {
        return await describeSandboxedSql(text, sources, this.limits);
      } finally {
        release();
      }
    });
  }

  /** Runs `work` holding one of the query slots, waiting at most the query timeout for it. */
  private async inSlot<T>(signal: AbortSignal | undefined, work: () => Promise<T>): Promise<T> {
    const release = await this.acquireSlot(signal);
    try {
      return await work();
    } finally {
      release();
    }
  }

  /** A query slot, waited for at most the query timeout; a wait that ends without one is a `SqlFailure`. */
  private acquireSlot(signal: AbortSignal | undefined): Promise<() => void> {
    return this.slots.acquire({ ...(signal ? { signal } : {}), waitMs: this.limits.timeoutMs }).catch((error: unknown) => {
      if (!(error instanceof SlotWaitEnded)) throw error;
      throw error.reason === 'cancelled'
        ? new SqlFailure('cancelled', 'the query was cancelled')
        : new SqlFailure('timeout', `the query waited longer than ${this.limits.timeoutMs} ms for one of ${this.slots.size} query slots`);
    });
  }

  /** Waits for a query this process runs (tests, and callers that want the answer now). */
  async settled(id: string): Promise<void> {
    await this.running.get(id)?.done;
  }

  /** The first rows of a dataset (Data Access's dataset preview). */
  async previewDataset(
    scope: Scope,
    datasetId: string,
    limit = 100,
  ): Promise<{ columns: Array<{ name: string; type: string }>; rows: Array<Record<string, unknown>> }> {
    const dataset = await this.catalog.getDataset(scope, datasetId);
    const files = await this.catalog.datasetFiles(scope, dataset.id);
    const table = { name: 'preview', files: files.paths };
    try {
      const result = await runSandboxedSql(`SELECT * FROM preview LIMIT ${Math.max(1, Math.min(limit, 100))}`, [table], {
        ...this.limits,
        maxRows: limit,
      });
      return { columns: result.columns.filter((c) => c.name !== '_empty'), rows: result.rows };
    } catch (error) {
      throw invalid(`the dataset cannot be previewed: ${(error as Error).message}`);
    } finally {
      files.release();
    }
  }

  /**
   * Start-up recovery: queries left running by a process that died are `FAILED`, since nothing will finish them.
   * The embedded mode owns its database, so it fails every one (`olderThanMs` 0); with PostgreSQL, where other
   * processes may be running queries, pass the timeout: a query older than that has ended or been abandoned.
   * Queries this process runs are never touched.
   */
  async failInterruptedQueries(options: { olderThanMs?: number } = {}): Promise<string[]> {
    const failed = await repo.failInterrupted(
      this.db,
      options.olderThanMs ?? 0,
      {
        code: CODES.internal,
        message: 'the process running this query stopped before it finished; submit it again',
      },
      [...this.running.keys()],
    );
    if (failed.length > 0) this.options.log?.('queries left running by a stopped process marked FAILED', { count: failed.length });
    await this.store.sweepPartial(options.olderThanMs ?? 0);
    return failed;
  }

  /** Sandbox reset: removes the sandbox's queries and their result files. */
  async purgeSandbox(scope: Scope): Promise<void> {
    await this.store.remove(await repo.deleteSandboxQueries(this.db, scope));
  }

  // ── internals ──────────────────────────────────────────────────────────────────────────────

  /**
   * Waits, SUBMITTED, for a slot (at most the query timeout, so a query still SUBMITTED past it was left by a
   * dead process), then runs IN_PROGRESS, writing the rows to the result's file as they are read.
   */
  private async execute(scope: Scope, id: string, definition: ResolvedDefinition, signal: AbortSignal): Promise<void> {
    let release: (() => void) | undefined;
    let writer: ReturnType<ResultStore['create']> | undefined;
    let tables: Awaited<ReturnType<QueryService['tablesFor']>> | undefined;
    try {
      release = await this.acquireSlot(signal);
      const sql = definition.insertInto?.select ?? definition.sql;
      tables = await this.tablesFor(scope, sql);
      if (!(await repo.markRunning(this.db, id, tables.referenced))) return;
      writer = this.store.create(id);
      if (definition.insertInto) {
        const dataset = await this.datasetNamed(scope, definition.insertInto.target);
        const landed = await insertInto({
          catalog: this.catalog,
          scope,
          dataset,
          columns: await this.options.columnsOf?.(scope, dataset).catch(() => undefined),
          sql,
          tables: tables.sources,
          limits: { ...this.limits, maxRows: this.options.maxInsertRows ?? 1_000_000 },
          workDir: join(this.spillRoot, `insert-${id}`),
          queryId: id,
          signal,
        });
        await repo.noteInsert(this.db, id, { target: definition.insertInto.target, datasetId: dataset.id, batchId: landed.batchId });
        // An INSERT keeps no rows: its result is empty, and `rowCount` is the rows it landed.
        const index = await writer.finish();
        writer = undefined;
        await repo.markDone(this.db, id, { state: 'SUCCESS', columns: landed.columns, rowCount: landed.rowCount, bytes: 0, truncated: null, index });
        return;
      }
      const result = await streamSandboxedSql(sql, tables.sources, { ...this.limits, spillDir: join(this.spillRoot, id) }, writer, signal);
      const index = await writer.finish();
      writer = undefined;
      if (!(await repo.markDone(this.db, id, { state: 'SUCCESS', ...result, index }))) await this.store.remove([id]);
    } catch (error) {
      await writer?.discard().catch(() => undefined);
      const failure = error instanceof SqlFailure ? error : null;
      if (!failure) this.options.log?.('query failed', { queryId: id, error: String(error) });
      await repo
        .markDone(this.db, id, {
          state: failure?.code === 'cancelled' ? 'KILLED' : 'FAILED',
          errors: [{ code: failure ? CODES[failure.code] : CODES.internal, message: failure ? failure.message : 'the query could not be run' }],
        })
        .catch(() => undefined);
    } finally {
      tables?.release();
      release?.();
    }
  }

  /** The dataset an INSERT INTO names: by its table name (`adobe/pqs/table`) or its id. */
  private async datasetNamed(scope: Scope, name: string): Promise<DatasetRecord> {
    for (let start = 0; ; start += 100) {
      const page = await this.catalog.listDatasets(scope, { limit: 100, start, orderBy: 'asc:created' });
      const found = page.find((d) => {
        const tag = d.tags['adobe/pqs/table'];
        return d.id === name || (Array.isArray(tag) && typeof tag[0] === 'string' && tag[0].toLowerCase() === name.toLowerCase());
      });
      if (found) return found;
      if (page.length < 100) break;
    }
    throw new SqlFailure('error', `INSERT INTO ${name}: no dataset of this sandbox has that table name or id`);
  }

  private truncation(limit: Truncation): QueryResults['truncation'] | null {
    if (limit === 'bytes')
      return { limit, message: `the result was cut at ${this.limits.maxResultBytes} bytes of rows (the server's result size limit)` };
    if (limit === 'rows') return { limit, message: `the result was cut at ${this.limits.maxRows} rows (the server's result row limit)` };
    return null;
  }

  /**
   * The datasets the SQL may name, as tables: every dataset of the scope whose table name or id appears in the
   * text (a cheap test that may include too many, never too few). Names come from the `adobe/pqs/table` tag,
   * unique within a sandbox since Catalog gives a clashing name a numeric suffix (an older database may still hold
   * a clash: then the older dataset keeps the name and both stay reachable by id). Their files stay on local disk until
   * `release()`, which the caller calls once the engine has read them.
   */
  private async tablesFor(scope: Scope, sql: string): Promise<{ sources: TableSource[]; referenced: Array<{ id: string }>; release: () => void }> {
    const text = sql.toLowerCase();
    const datasets: DatasetRecord[] = [];
    for (let start = 0; ; start += 100) {
      const page = await this.catalog.listDatasets(scope, { limit: 100, start, orderBy: 'asc:created' });
      datasets.push(...page);
      if (page.length < 100) break;
    }
    const sources: TableSource[] = [];
    const referenced: Array<{ id: string }> = [];
    const names = new Set<string>();
    const held: LocalFiles[] = [];
    const release = () => {
      for (const files of held) files.release();
    };
    try {
      for (const dataset of datasets) {
        const tag = dataset.tags['adobe/pqs/table'];
        const tableName = Array.isArray(tag) && typeof tag[0] === 'string' ? tag[0] : null;
        const byName = tableName !== null && text.includes(tableName.toLowerCase()) && !names.has(tableName.toLowerCase());
        const byId = text.includes(dataset.id);
        if (!byName && !byId) continue;
        const files = await this.catalog.datasetFiles(scope, dataset.id);
        held.push(files);
        const columns = await this.options.columnsOf?.(scope, dataset).catch(() => undefined);
        const table = { files: files.paths, ...(columns ? { columns } : {}) };
        if (byName) {
          names.add(tableName!.toLowerCase());
          sources.push({ name: tableName!, ...table });
        }
        if (byId) sources.push({ name: dataset.id, ...table });
        referenced.push({ id: dataset.id });
      }
    } catch (error) {
      release();
      throw error;
    }
    return { sources, referenced, release };
  }

  private async row(scope: Scope, id: string): Promise<repo.QueryRow> {
    const row = await repo.findQuery(this.db, scope, id);
    if (!row) throw notFound(`query "${id}" not found`);
    return row;
  }

  private view(row: repo.QueryRow): QueryView {
    const started = row.started_at ? new Date(row.started_at).getTime() : null;
    const ended = row.completed_at ? new Date(row.completed_at).getTime() : Date.now();
    const self = `${BASE}/queries/${row.id}`;
    return {
      id: row.id,
      request: {
        ...(row.db_name ? { dbName: row.db_name } : {}),
        sql: row.sql,
        ...(row.name ? { name: row.name } : {}),
        ...(row.description ? { description: row.description } : {}),
        ...(row.template_id ? { templateId: row.template_id } : {}),
      },
      state: row.state,
      created: new Date(row.created_at).toISOString(),
      updated: new Date(row.updated_at).toISOString(),
      elapsedTime: started === null ? 0 : ended - started,
      ...(row.row_count !== null ? { rowCount: Number(row.row_count) } : {}),
      client: row.client_id,
      userId: `${row.client_id}@AdobeID`,
      isCTAS: false,
      isInsertInto: row.insert_into !== null && row.insert_into !== undefined,
      errors: row.errors,
      _links: {
        self: { href: self },
        cancel: { href: self, method: 'PATCH', body: '{"op":"cancel"}' },
        results: { href: `${self}/results` },
        referenced_datasets: row.referenced.map((d) => ({ id: d.id, href: `/data/foundation/catalog/dataSets/${d.id}` })),
        ...(row.insert_into?.batchId ? { batch: { href: `/data/foundation/catalog/batches/${row.insert_into.batchId}` } } : {}),
      },
      version: 1,
    };
  }
}
