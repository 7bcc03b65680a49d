import { resolve } from 'node:path';
import { loadConfig } from './config/config.js';
import { runCli } from './cli/program.js';

/**
 * The composition root: the only module that reads the environment. It hands the CLI the parsed
 * configuration (lazily: a command that talks to a server needs none) and the defaults of its options.
 * `serve` (the default command) is what `npm start` runs.
 */
const env = process.env;
const exitCode = await runCli(process.argv.slice(2), {
  loadConfig: () => loadConfig(env),
  defaults: {
    home: resolve(env.TRIBUTARY_HOME || '.tributary'),
    url: env.TRIBUTARY_URL || `http://localhost:${env.PORT || '8080'}`,
    adminToken: env.TRIBUTARY_ADMIN_TOKEN || null,
  },
  stdout: process.stdout,
  stderr: process.stderr,
}).catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return 1;
});
// Servers and workers resolve once they have shut down; flush what is buffered, then leave.
process.exitCode = exitCode;
setImmediate(() => process.exit(exitCode));
