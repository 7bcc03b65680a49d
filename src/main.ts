import { loadConfig, ConfigError } from './config/config.js';
import { createPlatform, ensureCredentials } from './platform.js';
import { buildApp } from './http/app.js';

/** The composition root: the only module that reads the environment. */
async function serve(): Promise<void> {
  const config = loadConfig(process.env);
  let logBackground: (message: string, fields?: Record<string, unknown>) => void = () => undefined;
  const platform = await createPlatform(config, { log: (message, fields) => logBackground(message, fields) });
  const credentials = await ensureCredentials(platform);
  const app = await buildApp(platform, { logLevel: config.logLevel });
  logBackground = (message, fields) => app.log.info(fields ?? {}, message);
  await platform.startBackground();
  const address = await app.listen({ port: config.port, host: config.host });
  const base = address.replace('[::1]', 'localhost').replace('127.0.0.1', 'localhost');
  process.stdout.write(
    [
      '',
      `Tributary is running at ${base}`,
      `  API base:      ${base}   (use it in place of https://platform.adobe.io)`,
      `  Token:         POST ${base}/ims/token/v3`,
      `  IMS org:       ${credentials.imsOrg}`,
      `  Tenant id:     ${credentials.tenantId}`,
      `  Sandbox:       ${credentials.sandboxName}`,
      `  Client id:     ${credentials.clientId}   (the x-api-key)`,
      `  Credentials:   ${config.home}/credentials.json (client secret inside)`,
      '',
    ].join('\n'),
  );
  const stop = async () => {
    await app.close();
    await platform.close();
    process.exit(0);
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

const command = process.argv[2] ?? 'serve';
const commands: Record<string, () => Promise<void>> = { serve };
const run = commands[command];
if (!run) {
  process.stderr.write(`unknown command "${command}"; available: ${Object.keys(commands).join(', ')}\n`);
  process.exit(2);
}
run().catch((error: unknown) => {
  process.stderr.write(`${error instanceof ConfigError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
