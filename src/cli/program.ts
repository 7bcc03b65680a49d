import { Command, CommanderError, Option } from 'commander';
import { ConfigError } from '../config/config.js';
import type { CliContext } from './context.js';
import { CliError, EXIT } from './exit-codes.js';
import { registerServerCommands } from './commands/server.command.js';
import { registerAdminCommands } from './commands/admin.command.js';
import { registerTenantCommands } from './commands/tenant.command.js';

const EPILOG = `
Exit codes: 0 success · 1 the operation failed (API error, failed run or batch) · 2 usage error · 3 server unreachable or no credentials.
Commands other than serve, worker and migrate talk to a running server (--url) with the credentials it wrote under --home;
org and client commands use the admin token (admin.json under --home, TRIBUTARY_ADMIN_TOKEN or --admin-token).`;

/** The `tributary` command line. Returns the process's exit code; long-running commands resolve when they stop. */
export async function runCli(argv: string[], ctx: CliContext): Promise<number> {
  let exitCode: number = EXIT.ok;
  const write = (text: string) => ctx.stderr.write(text);
  const run = async (work: () => Promise<number>) => {
    try {
      exitCode = await work();
    } catch (error) {
      if (error instanceof CliError) {
        const json = argv.includes('--json');
        ctx.stderr.write(
          json
            ? `${JSON.stringify({ error: error.message, exitCode: error.exitCode, ...(error.body !== undefined ? { body: error.body } : {}) })}\n`
            : `error: ${error.message}\n`,
        );
        exitCode = error.exitCode;
      } else if (error instanceof ConfigError) {
        ctx.stderr.write(`error: ${error.message}\n`);
        exitCode = EXIT.usage;
      } else throw error;
    }
  };

  const program = new Command('tributary')
    .description('Tributary: an AEP-compatible ingestion platform — server, worker and operator commands')
    .version('0.1.0')
    .addOption(new Option('--home <dir>', 'the server home: credentials.json and admin.json are read here').default(ctx.defaults.home))
    .addOption(new Option('--url <url>', 'address of the running server').default(ctx.defaults.url))
    .option('--sandbox <name>', 'sandbox to act in (default: the one in the credentials, usually prod)')
    .option('--credentials <file>', 'tenant credentials file (default: <home>/credentials.json)')
    .option('--admin-token <token>', 'admin token (default: TRIBUTARY_ADMIN_TOKEN, else <home>/admin.json)')
    .option('--json', 'machine-readable output')
    .addHelpText('after', EPILOG)
    .showHelpAfterError('(add --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (text) => ctx.stdout.write(text), writeErr: write });
  registerServerCommands(program, ctx, run);
  registerAdminCommands(program, ctx, run);
  registerTenantCommands(program, ctx, run);
  for (const command of allCommands(program)) {
    command
      .exitOverride()
      .configureOutput({ writeOut: (text) => ctx.stdout.write(text), writeErr: write })
      .showHelpAfterError('(add --help for usage)');
    if (command.commands.length > 0 && command !== program) command.addHelpCommand(false);
  }

  try {
    await program.parseAsync(argv.length ? argv : ['serve'], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return EXIT.ok;
      // A group without a subcommand (`tributary sandbox`) prints its help: a usage error.
      return EXIT.usage;
    }
    throw error;
  }
  return exitCode;
}

function allCommands(command: Command): Command[] {
  return [command, ...command.commands.flatMap(allCommands)];
}
