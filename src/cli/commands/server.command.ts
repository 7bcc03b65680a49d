import type { Command } from 'commander';
import { join } from 'node:path';
import type { CliContext } from '../context.js';
import { CliError, EXIT } from '../exit-codes.js';

/** How long a running run may take to finish after SIGTERM before it is handed back (s). */
const GRACE_SECONDS = 20;

/**
 * SIGTERM/SIGINT: stop taking requests and jobs, let the running run finish or hand it back, close, exit 0.
 * A second signal exits at once.
 */
function onShutdown(stop: () => Promise<void>, log: (message: string) => void): Promise<number> {
  return new Promise((resolve) => {
    let stopping = false;
    const handler = (signal: NodeJS.Signals) => {
      if (stopping) {
        log(`${signal} again: exiting now`);
        process.exit(1);
      }
      stopping = true;
      log(`${signal}: shutting down (the running run has ${GRACE_SECONDS} s to finish, then it is handed back)`);
      stop().then(
        () => resolve(EXIT.ok),
        (error: unknown) => {
          log(`shutdown failed: ${(error as Error).message}`);
          resolve(EXIT.failed);
        },
      );
    };
    process.on('SIGTERM', handler);
    process.on('SIGINT', handler);
  });
}

// The platform is loaded only by the commands that run it: the client commands start fast.
const load = async () => ({
  ...(await import('../../platform.js')),
  ...(await import('../../http/app.js')),
  ...(await import('../../observability/logger.js')),
});

async function serve(ctx: CliContext): Promise<number> {
  const config = ctx.loadConfig();
  const { createLogger, createPlatform, ensureCredentials, buildApp } = await load();
  const logger = createLogger({ level: config.logLevel });
  const platform = await createPlatform(config, { log: (message, fields) => logger.info(fields ?? {}, message) });
  const credentials = await ensureCredentials(platform);
  const app = await buildApp(platform, { logLevel: config.logLevel });
  await platform.startBackground();
  const address = await app.listen({ port: config.port, host: config.host });
  const base = address.replace('[::1]', 'localhost').replace('127.0.0.1', 'localhost');
  const sqlPort = config.sql.port === null ? null : await platform.sqlGateway.listen(config.sql.port, config.sql.host);
  ctx.stdout.write(
    [
      '',
      `Tributary is running at ${base}`,
      `  API base:      ${base}   (use it in place of https://platform.adobe.io)`,
      `  Token:         POST ${base}/ims/token/v3`,
      `  SQL (psql):    ${sqlPort === null ? 'off (TRIBUTARY_SQL_PORT)' : `host=${config.sql.host} port=${sqlPort} dbname=${credentials.sandboxName}:all user=${credentials.imsOrg} password=<token>`}`,
      `  API docs:      ${base}/docs`,
      `  IMS org:       ${credentials.imsOrg}`,
      `  Tenant id:     ${credentials.tenantId}`,
      `  Sandbox:       ${credentials.sandboxName}`,
      `  Client id:     ${credentials.clientId}   (the x-api-key)`,
      `  Credentials:   ${config.home}/credentials.json (client secret inside)`,
      `  Admin token:   ${config.adminToken ? 'from TRIBUTARY_ADMIN_TOKEN' : `${config.home}/admin.json`}`,
      '',
    ].join('\n'),
  );
  return onShutdown(
    async () => {
      await app.close();
      await platform.close({ graceMs: GRACE_SECONDS * 1000 });
    },
    (message) => logger.info(message),
  );
}

async function worker(ctx: CliContext): Promise<number> {
  const config = ctx.loadConfig();
  if (!config.databaseUrl) {
    throw new CliError(
      'worker needs PostgreSQL (set DATABASE_URL): the embedded database (PGlite) belongs to one process, so `serve` runs the jobs itself. ' +
        'Point serve and every worker at the same PostgreSQL to scale out.',
      EXIT.usage,
    );
  }
  const { createLogger, createPlatform } = await load();
  const logger = createLogger({ level: config.logLevel });
  const platform = await createPlatform(config, { log: (message, fields) => logger.info(fields ?? {}, message) });
  await platform.startBackground({ scheduler: false });
  logger.info({ role: 'worker' }, 'worker started: taking flow-run jobs');
  return onShutdown(
    () => platform.close({ graceMs: GRACE_SECONDS * 1000 }),
    (message) => logger.info(message),
  );
}

async function migrateCommand(ctx: CliContext, json: boolean): Promise<number> {
  const config = ctx.loadConfig();
  const { openDb } = await import('../../store/db.js');
  const { migrate } = await import('../../store/migrate.js');
  const db = await openDb({ databaseUrl: config.databaseUrl, dataDir: join(config.home, 'db') });
  try {
    const applied = await migrate(db);
    ctx.stdout.write(
      json ? `${JSON.stringify({ applied })}\n` : applied.length ? `applied: ${applied.join(', ')}\n` : 'the database is up to date\n',
    );
    return EXIT.ok;
  } finally {
    await db.close();
  }
}

export function registerServerCommands(program: Command, ctx: CliContext, run: (work: () => Promise<number>) => Promise<void>): void {
  program
    .command('serve')
    .description('run the API, the scheduler and an in-process worker (the default; what `npm start` runs)')
    .addHelpText(
      'after',
      '\nSettings come from the environment: PORT, HOST, TRIBUTARY_HOME, DATABASE_URL, TRIBUTARY_LAKE, LOG_LEVEL, … (see the README).',
    )
    .action(() => run(() => serve(ctx)));
  program
    .command('worker')
    .description('run flow-run jobs only (no API, no scheduler); needs PostgreSQL (DATABASE_URL)')
    .action(() => run(() => worker(ctx)));
  program
    .command('migrate')
    .description('apply pending database migrations and exit (never against an embedded database a running server holds)')
    .action((_options, command: Command) => run(() => migrateCommand(ctx, Boolean(command.optsWithGlobals().json))));
}
