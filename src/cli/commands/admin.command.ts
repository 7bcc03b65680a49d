import type { Command } from 'commander';
import { AdminClient } from '../api-client.js';
import type { CliContext, ClientOptions } from '../context.js';
import { EXIT } from '../exit-codes.js';
import { Output, keyValues, table } from '../output.js';

type Run = (work: () => Promise<number>) => Promise<void>;

function admin(command: Command, ctx: CliContext): { client: AdminClient; out: Output } {
  const options = command.optsWithGlobals() as ClientOptions;
  return {
    client: AdminClient.create({ url: options.url, home: options.home, adminToken: options.adminToken ?? ctx.defaults.adminToken }),
    out: new Output(ctx.stdout, Boolean(options.json)),
  };
}

/** `org …` and `client …`: the operator's commands, through the admin API of a running server. */
export function registerAdminCommands(program: Command, ctx: CliContext, run: Run): void {
  const org = program.command('org').description('orgs (admin token)');
  org
    .command('create')
    .description('create an org with its production sandbox "prod"; --client also creates its first API client')
    .requiredOption('--name <name>', 'display name of the org')
    .option('--tenant-id <id>', 'Schema Registry tenant id (lower-case letters and digits); derived from the name when omitted')
    .option('--client <name>', 'also create an API client with this name and print its secret (shown once)')
    .action((options: { name: string; tenantId?: string; client?: string }, command: Command) =>
      run(async () => {
        const { client, out } = admin(command, ctx);
        const created = (await client.request('POST', '/orgs', { name: options.name, ...(options.tenantId ? { tenantId: options.tenantId } : {}) }))
          .body as Record<string, unknown>;
        const result: Record<string, unknown> = { ...created };
        if (options.client) {
          const c = (await client.request('POST', `/orgs/${encodeURIComponent(String(created.imsOrg))}/clients`, { name: options.client }))
            .body as Record<string, unknown>;
          result.clientId = c.clientId;
          result.clientSecret = c.clientSecret;
        }
        out.result(result, () => keyValues(result));
        return EXIT.ok;
      }),
    );
  org
    .command('list')
    .description('list orgs')
    .action((_o, command: Command) =>
      run(async () => {
        const { client, out } = admin(command, ctx);
        const { orgs } = (await client.request('GET', '/orgs')).body as { orgs: Array<Record<string, unknown>> };
        out.result(orgs, () => table(orgs, ['imsOrg', 'tenantId', 'name', 'createdDate']));
        return EXIT.ok;
      }),
    );

  const clients = program.command('client').description('API clients (admin token)');
  clients
    .command('create')
    .description('create an API client of an org; its secret is printed once')
    .requiredOption('--org <imsOrg>', 'the org (…@AdobeOrg)')
    .option('--name <name>', 'a name for the client', 'client')
    .action((options: { org: string; name: string }, command: Command) =>
      run(async () => {
        const { client, out } = admin(command, ctx);
        const created = (await client.request('POST', `/orgs/${encodeURIComponent(options.org)}/clients`, { name: options.name })).body as Record<
          string,
          unknown
        >;
        out.result(created, () => keyValues(created));
        return EXIT.ok;
      }),
    );
  clients
    .command('list')
    .description('list the API clients of an org')
    .requiredOption('--org <imsOrg>', 'the org')
    .action((options: { org: string }, command: Command) =>
      run(async () => {
        const { client, out } = admin(command, ctx);
        const { clients: list } = (await client.request('GET', `/orgs/${encodeURIComponent(options.org)}/clients`)).body as {
          clients: Array<Record<string, unknown>>;
        };
        out.result(list, () => table(list, ['clientId', 'name', 'secretVersion', 'revoked', 'createdDate']));
        return EXIT.ok;
      }),
    );
  clients
    .command('revoke <clientId>')
    .description('revoke an API client: its tokens are refused from the next call on')
    .action((clientId: string, _o, command: Command) =>
      run(async () => {
        const { client, out } = admin(command, ctx);
        const revoked = (await client.request('DELETE', `/clients/${encodeURIComponent(clientId)}`)).body as Record<string, unknown>;
        out.result(revoked, () => `revoked ${clientId}`);
        return EXIT.ok;
      }),
    );
  clients
    .command('rotate <clientId>')
    .description('give an API client a new secret (printed once); tokens issued under the old one are refused at once')
    .action((clientId: string, _o, command: Command) =>
      run(async () => {
        const { client, out } = admin(command, ctx);
        const rotated = (await client.request('POST', `/clients/${encodeURIComponent(clientId)}/rotate`)).body as Record<string, unknown>;
        out.result(rotated, () =>
          keyValues({ clientId: rotated.clientId, clientSecret: rotated.clientSecret, secretVersion: rotated.secretVersion }),
        );
        return EXIT.ok;
      }),
    );
}
