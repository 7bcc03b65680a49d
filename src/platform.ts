import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Config } from './config/config.js';
import { openDb, type Db } from './store/db.js';
import { migrate } from './store/migrate.js';
import { SecretBox } from './security/secret-box.js';
import { TokenIssuer } from './security/tokens.js';
import { IdentityService, AdminCredential, loadAdminToken, type Credentials } from './services/identity/index.js';
import { SandboxService, type SandboxPurger } from './services/sandbox/index.js';
import { purgeCatalogSandbox } from './services/catalog/index.js';
import { purgeDataPrepSandbox } from './services/data-prep/index.js';
import { purgeSchemaRegistrySandbox } from './services/schema-registry/index.js';
import { purgeFlowServiceSandbox } from './services/flow-service/index.js';
import { purgeIdentityNamespaceSandbox } from './services/identity-namespace/index.js';
import { SchemaRegistryService } from './services/schema-registry/index.js';
import { IdentityNamespaceService } from './services/identity-namespace/index.js';
import { CatalogService, TableCompactor } from './services/catalog/index.js';
import { IcebergCatalog } from './services/catalog/iceberg-catalog.js';
import { TableMaintenance } from './services/catalog/table-maintenance.js';
import { DataPrepService } from './services/data-prep/index.js';
import { DataAccessService } from './services/export/index.js';
import { BatchIngestionService } from './services/ingest/index.js';
import { QueryService, QuerySchedulesService, QueryTemplatesService } from './services/query/index.js';
import { deleteSandboxTemplates } from './services/query/templates.repo.js';
import { ConnectionParametersService } from './services/query/connection-parameters.js';
import { SqlLoginService } from './services/query/sql-login.js';
import { QueryAccountsService } from './services/query/accounts.service.js';
import { SqlGateway } from './sql-gateway/sql-gateway.js';
import { FlowService, Scheduler } from './services/flow-service/index.js';
import { openLake, type Lake } from './lake/index.js';
import { serviceLake } from './services/lake-errors.js';
import { Metrics } from './observability/metrics.js';
import { checkReadiness, type Readiness } from './observability/readiness.js';
import { ConnectorRegistry, defaultConnectors, defaultStreamingSources, withStreamingEgress, type LocalRootsOptions } from './connectors/index.js';
import { InletLog, StreamingInletService, httpInletSource } from './services/streaming-inlet/index.js';
import { EgressPolicy, type Resolver } from './connectors/egress/index.js';
import { ingest, previewFile, schemaColumns, schemaHasPath } from './pipeline/index.js';
import { startQueue, type JobQueue } from './store/queue.js';
import { JOB_QUEUES, type PlatformJobs } from './worker/jobs.js';
import { InFlight } from './worker/worker.js';
import { startBackground } from './worker/background.js';

/** Everything a Tributary process is made of, wired once. `main.ts` and the tests build it the same way. */
export interface Platform {
  config: Config;
  db: Db;
  secrets: SecretBox;
  lake: Lake;
  identity: IdentityService;
  schemaRegistry: SchemaRegistryService;
  identityNamespaces: IdentityNamespaceService;
  catalog: CatalogService;
  /** Rewrites datasets' small data files into few large ones (a background job; see compaction.ts). */
  compactor: TableCompactor;
  /** Upkeep of the datasets' Iceberg tables: snapshot expiry, metadata files, orphan removal (a periodic job). */
  tableMaintenance: TableMaintenance;
  /** What the Iceberg REST catalog (`/iceberg`) serves: each dataset's Iceberg table. */
  icebergCatalog: IcebergCatalog;
  dataPrep: DataPrepService;
  dataAccess: DataAccessService;
  batchIngestion: BatchIngestionService;
  query: QueryService;
  /** Query Service's PostgreSQL interface; `serve` starts it listening (`listen(port, host)`). */
  sqlGateway: SqlGateway;
  connectionParameters: ConnectionParametersService;
  queryAccounts: QueryAccountsService;
  queryTemplates: QueryTemplatesService;
  querySchedules: QuerySchedulesService;
  flowService: FlowService;
  /** AEP's streaming ingestion endpoint (`POST /collection/...`) of the HTTP API inlets. */
  streamingInlet: StreamingInletService;
  queue: JobQueue<PlatformJobs>;
  scheduler: Scheduler;
  sandboxes: SandboxService;
  /** Request and platform metrics (`/metrics`). */
  metrics: Metrics;
  /** Whether the database and the lake answer (`/ready`). */
  readiness(): Promise<Readiness>;
  /** The operator's credential for `/tributary/admin/…`. */
  admin: AdminCredential;
  /**
   * Starts the scheduler and an in-process worker (the embedded, one-process mode);
   * `{ scheduler: false }` is a `worker` process, which only runs jobs.
   */
  startBackground(options?: { scheduler?: boolean }): Promise<void>;
  /**
   * Stops taking jobs, lets the running run finish for `graceMs` (default 20 s), then hands it back
   * (pending again, with a fresh job) and closes the database.
   */
  close(options?: { graceMs?: number }): Promise<void>;
}

export interface PlatformOptions {
  /** Where background work reports problems; the server passes its logger. */
  log?: (message: string, fields?: Record<string, unknown>) => void;
  /** How connectors resolve host names (`dns.lookup` by default); tests inject one that answers forbidden addresses. */
  resolver?: Resolver;
}

/** The master key: from the configuration, or generated once and kept under the home, readable only by its owner. */
function loadMasterKey(config: Config): Buffer {
  if (config.masterKey) return config.masterKey;
  const file = join(config.home, 'master.key');
  if (existsSync(file)) return Buffer.from(readFileSync(file, 'utf8').trim(), 'hex');
  const key = randomBytes(32);
  writeFileSync(file, key.toString('hex'), { mode: 0o600 });
  return key;
}

/** Where Local Folder connections may read: the configured roots, never the platform's own folders. */
function localFolderPolicy(config: Config): LocalRootsOptions {
  const own = [config.home, config.lakeDir, ...(config.lake.kind === 's3' ? [config.lake.localDir] : [])];
  return { roots: config.localRoots, protectedFolders: own };
}

/** The pipeline's ingest with the operator's file limits as defaults of every request. */
function withFileLimits(limits: Config['fileLimits']): typeof ingest {
  const decompressionLimits = {
    ...(limits.maxInflatedBytes !== undefined ? { maxBytes: limits.maxInflatedBytes } : {}),
    ...(limits.maxInflateRatio !== undefined ? { maxRatio: limits.maxInflateRatio } : {}),
  };
  return (request) =>
    ingest({
      ...(limits.maxRecordBytes !== undefined ? { maxRecordBytes: limits.maxRecordBytes } : {}),
      ...(limits.segmentBytes !== undefined ? { segmentBytes: limits.segmentBytes } : {}),
      ...request,
      decompressionLimits: { ...decompressionLimits, ...request.decompressionLimits },
    });
}

export async function createPlatform(config: Config, options: PlatformOptions = {}): Promise<Platform> {
  const log = options.log ?? (() => undefined);
  mkdirSync(config.home, { recursive: true });
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: join(config.home, 'db') });
  await migrate(db);
  const masterKey = loadMasterKey(config);
  const secrets = new SecretBox(masterKey);
  // Services see the lake's refusals as service failures (src/services/lake-errors.ts).
  const lake = serviceLake(openLake(config.lake, { warn: log }));
  // The landing folder the tutorial copies its files into; operators may point TRIBUTARY_LOCAL_ROOTS elsewhere.
  mkdirSync(join(config.home, 'landing'), { recursive: true });
  const identity = new IdentityService(db, new TokenIssuer(masterKey, config.tokenTtlSeconds));
  const identityNamespaces = new IdentityNamespaceService(db);
  // A schema a dataset uses only evolves additively; Catalog is built below and asked at call time.
  const schemaRegistry = new SchemaRegistryService(db, {
    namespaces: identityNamespaces,
    schemaInUse: async (scope, schemaId): Promise<boolean> => (await catalog.listDatasets(scope, { schemaRefId: schemaId, limit: 1 })).length > 0,
  });
  const catalog = new CatalogService(db, lake, {
    schemaExists: (scope, id) => schemaRegistry.exists(scope, id),
    // Each dataset's Iceberg table follows the schema its batches are written against.
    tableSchema: async (scope, id) => (await schemaRegistry.targetSchema(scope, id)).schema,
  });
  const compactor = new TableCompactor(db, lake, { ...config.compaction, memoryLimit: config.query.memoryLimit }, log);
  // Mapping destinations are checked against the target schema when a mapping set is saved.
  const dataPrep = new DataPrepService(db, {
    schemaLookup: async (scope, id) => (await schemaRegistry.targetSchema(scope, id).catch(() => null))?.schema ?? null,
    hasPath: schemaHasPath,
    targetLookup: (scope, id) => schemaRegistry.targetSchema(scope, id).catch(() => null),
    namespaceExists: async (scope, code) => (await identityNamespaces.find(scope, code)) !== undefined,
  });
  const queryTemplates = new QueryTemplatesService(db);
  const query = new QueryService(db, catalog, {
    templates: queryTemplates,
    dataDir: config.home,
    concurrency: config.query.concurrency,
    maxResultBytes: config.query.maxResultBytes,
    memoryLimit: config.query.memoryLimit,
    log,
    columnsOf: async (scope, dataset) => schemaColumns((await schemaRegistry.targetSchema(scope, dataset.schemaRef.id)).schema),
  });
  const queryAccounts = new QueryAccountsService(db);
  const sqlLogin = new SqlLoginService(identity, (user, secret, sandboxName) => queryAccounts.login(user, secret, sandboxName));
  const sqlGateway = new SqlGateway({
    login: (user, password, database) => sqlLogin.login(user, password, database),
    runnerFor: (scope, signal) => ({
      run: (sql, params) => query.runInteractive(scope, sql, params, signal),
      describe: (sql) => query.describeInteractive(scope, sql),
    }),
    log,
  });
  const connectionParameters = new ConnectionParametersService(() => sqlGateway.endpoint);
  const dataAccess = new DataAccessService(catalog, (scope, id, limit) => query.previewDataset(scope, id, limit));
  const queue = await startQueue<PlatformJobs>(db, { queues: JOB_QUEUES });
  const pipeline = { ingest: withFileLimits(config.fileLimits), previewFile };
  // Uploads go through the same pipeline as flow runs, validated against the dataset's schema.
  const batchIngestion = new BatchIngestionService({
    db,
    queue,
    catalog,
    lake,
    pipeline,
    targetSchema: (scope, schemaId) => schemaRegistry.targetSchema(scope, schemaId),
    ...(config.fileLimits.maxRecordBytes !== undefined ? { maxRecordBytes: config.fileLimits.maxRecordBytes } : {}),
  });
  // The HTTP inlets' records live in the store: the inlet source reads them from there, like any stream.
  const inlets = new InletLog(db);
  const streamingInlet = new StreamingInletService(inlets, identity, { maxBacklog: config.inletMaxBacklog });
  const egress = new EgressPolicy({ mode: config.egress, ...(options.resolver ? { resolver: options.resolver } : {}) });
  const flowService = new FlowService({
    db,
    streaming: withStreamingEgress([...defaultStreamingSources(), httpInletSource(inlets)], egress),
    inlets,
    queue,
    secrets,
    connectors: new ConnectorRegistry(defaultConnectors({ localFolders: localFolderPolicy(config), egress })),
    identity,
    catalog,
    dataPrep,
    schemaRegistry,
    pipeline,
    settleSeconds: config.settleSeconds,
    scratchDir: join(config.scratchDir, 'runs'),
    runHeartbeatMs: config.runHeartbeatMs,
    stream: config.stream,
    log,
    // A stream lands a small file every few seconds: every TRIBUTARY_COMPACT_MIN_FILES of them, a compaction job.
    onStreamBatchLanded: (scope, datasetId) => compactor.noteLanded(queue, { orgId: scope.orgId, sandboxId: scope.sandboxId, datasetId }),
  });
  const querySchedules = new QuerySchedulesService({
    db,
    queue,
    query,
    scopeOf: async (orgId, sandboxId, clientId) => ({ ...(await identity.systemScope(orgId, sandboxId)), clientId }),
    log,
  });
  const tableMaintenance = new TableMaintenance(
    db,
    lake,
    {
      snapshotRetentionMs: config.tables.snapshotRetentionMs,
      orphanMinAgeMs: config.tables.orphanMinAgeMs,
      intervalMs: config.tables.maintenanceIntervalMs,
    },
    (datasetId, error) => log('table upkeep failed', { datasetId, error: String(error) }),
  );
  const scheduler = new Scheduler(db, queue, config.schedulerTickMs, (error) => log('scheduler tick failed', { error: String(error) }), {
    // Scheduled queries whose slot has come are queued on the same tick.
    everyTick: [() => querySchedules.queueDue()],
    // What the upkeep looks for has been silent for ten heartbeats (a minute for a query's outcome): once a heartbeat is often enough.
    // Table upkeep is one throttled job per interval (an hour by default), whichever process asks first.
    // Compaction: once per TRIBUTARY_COMPACT_INTERVAL_MS, datasets with many live files get a compaction job.
    upkeep: [
      () => flowService.executor.failAbandonedRuns(),
      () => batchIngestion.failAbandonedImports(),
      () => querySchedules.settleOrphanedRuns(),
      () => tableMaintenance.schedule(queue),
      () => compactor.sweep(queue),
    ],
    upkeepMs: Math.min(config.runHeartbeatMs, batchIngestion.heartbeatMs),
  });
  // Reset order matters: flows stop first, so nothing writes while datasets and schemas go.
  const sandboxPurgers: SandboxPurger[] = [
    { area: 'flowservice', purgeSandbox: (scope) => purgeFlowServiceSandbox(db, scope) },
    { area: 'catalog', purgeSandbox: (scope) => purgeCatalogSandbox(db, lake, scope) },
    { area: 'conversion', purgeSandbox: (scope) => purgeDataPrepSandbox(db, scope) },
    {
      area: 'query',
      purgeSandbox: async (scope) => {
        await querySchedules.purgeSandbox(scope);
        await deleteSandboxTemplates(db, scope);
        await query.purgeSandbox(scope);
      },
    },
    { area: 'schemaregistry', purgeSandbox: (scope) => purgeSchemaRegistrySandbox(db, scope) },
    { area: 'idnamespace', purgeSandbox: (scope) => purgeIdentityNamespaceSandbox(db, scope) },
  ];
  const sandboxes = new SandboxService(db, sandboxPurgers, { log });
  const admin = new AdminCredential(loadAdminToken(config.home, config.adminToken));
  const inFlight = new InFlight();
  let closed = false;
  let background = false;
  return {
    config,
    icebergCatalog: new IcebergCatalog(db),
    db,
    secrets,
    lake,
    identity,
    schemaRegistry,
    identityNamespaces,
    catalog,
    compactor,
    tableMaintenance,
    dataPrep,
    dataAccess,
    batchIngestion,
    query,
    sqlGateway,
    connectionParameters,
    queryAccounts,
    queryTemplates,
    querySchedules,
    flowService,
    streamingInlet,
    queue,
    scheduler,
    sandboxes,
    metrics: new Metrics(db),
    readiness: () => checkReadiness({ db, lakeDir: config.lakeDir }),
    admin,
    async startBackground(options = {}) {
      if (background) return;
      background = true;
      await startBackground(
        { db, queue, catalog, query, sandboxes, scheduler, flowService, batchIngestion, querySchedules, compactor, tableMaintenance, inFlight },
        options,
      );
    },
    async close(options = {}) {
      // Idempotent: a signal handler and a test teardown may both ask.
      if (closed) return;
      closed = true;
      await sqlGateway.close();
      await scheduler.stop();
      // Micro-batches not committed are dropped and their leases given back: another process goes on from the checkpoints.
      await flowService.streams.stop();
      const grace = setTimeout(() => inFlight.abortAll(new Error('the process is shutting down')), options.graceMs ?? 20_000);
      try {
        await queue.stop();
      } finally {
        clearTimeout(grace);
      }
      await sandboxes.settle();
      await db.close();
    },
  };
}

/**
 * The first start creates an org, its `prod` sandbox and a client, and keeps them in
 * `credentials.json` (0600); later starts reuse that file.
 */
export async function ensureCredentials(platform: Platform): Promise<Credentials> {
  const file = join(platform.config.home, 'credentials.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as Credentials;
  const credentials = await platform.identity.bootstrap();
  writeFileSync(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
  return credentials;
}
