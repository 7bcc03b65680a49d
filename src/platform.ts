import { existsSync, mkdirSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import type { Config } from './config/config.js';
import { openDb, type Db } from './store/db.js';
import { migrate } from './store/migrate.js';
import { SecretBox } from './security/secret-box.js';
import { TokenIssuer } from './security/tokens.js';
import { IdentityService, type Credentials } from './services/identity/index.js';
import { SchemaRegistryService } from './services/schema-registry/index.js';
import { CatalogService } from './services/catalog/index.js';
import { DataPrepService } from './services/data-prep/index.js';
import { DataAccessService } from './services/export/index.js';
import { FlowService, Scheduler } from './services/flow-service/index.js';
import { openLake, type Lake } from './lake/index.js';
import { ConnectorRegistry, defaultConnectors } from './connectors/index.js';
import { ingest, previewFile, schemaHasPath } from './pipeline/index.js';
import { RUN_QUEUE, startQueue, type JobQueue } from './store/queue.js';

/** Everything a Tributary process is made of, wired once. `main.ts` and the tests build it the same way. */
export interface Platform {
  config: Config;
  db: Db;
  secrets: SecretBox;
  lake: Lake;
  identity: IdentityService;
  schemaRegistry: SchemaRegistryService;
  catalog: CatalogService;
  dataPrep: DataPrepService;
  dataAccess: DataAccessService;
  flowService: FlowService;
  queue: JobQueue;
  scheduler: Scheduler;
  /** Starts the scheduler and an in-process worker (the embedded, one-process mode). */
  startBackground(): Promise<void>;
  close(): Promise<void>;
}

export interface PlatformOptions {
  /** Where background work reports problems; the server passes its logger. */
  log?: (message: string, fields?: Record<string, unknown>) => void;
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

export async function createPlatform(config: Config, options: PlatformOptions = {}): Promise<Platform> {
  const log = options.log ?? (() => undefined);
  mkdirSync(config.home, { recursive: true });
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: join(config.home, 'db') });
  await migrate(db);
  const masterKey = loadMasterKey(config);
  const secrets = new SecretBox(masterKey);
  const lake = openLake(config.lake);
  const identity = new IdentityService(db, new TokenIssuer(masterKey, config.tokenTtlSeconds));
  const schemaRegistry = new SchemaRegistryService(db);
  const catalog = new CatalogService(db, lake, { schemaExists: (scope, id) => schemaRegistry.exists(scope, id) });
  // Mapping destinations are checked against the target schema when a mapping set is saved.
  const dataPrep = new DataPrepService(db, {
    schemaLookup: async (scope, id) => (await schemaRegistry.targetSchema(scope, id).catch(() => null))?.schema ?? null,
    hasPath: schemaHasPath,
  });
  const dataAccess = new DataAccessService(catalog);
  const queue = await startQueue(db);
  const flowService = new FlowService({
    db,
    queue,
    secrets,
    connectors: new ConnectorRegistry(defaultConnectors()),
    identity,
    catalog,
    dataPrep,
    schemaRegistry,
    pipeline: { ingest, previewFile },
    settleSeconds: config.settleSeconds,
    log,
  });
  const scheduler = new Scheduler(db, queue, config.schedulerTickMs, (error) => log('scheduler tick failed', { error: String(error) }));
  let background = false;
  return {
    config,
    db,
    secrets,
    lake,
    identity,
    schemaRegistry,
    catalog,
    dataPrep,
    dataAccess,
    flowService,
    queue,
    scheduler,
    async startBackground() {
      if (background) return;
      background = true;
      // One process owns the embedded database: whatever was in flight when it last stopped is dead.
      if (db.kind === 'pglite') {
        await catalog.recoverStaleBatches();
        await flowService.executor.failInterruptedRuns();
      }
      scheduler.start();
      await queue.work(RUN_QUEUE, async (data) => flowService.executor.execute(String(data.runId)));
    },
    async close() {
      await scheduler.stop();
      await queue.stop();
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
