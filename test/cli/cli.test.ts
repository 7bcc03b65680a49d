/**
 * The `tributary` binary against a started server: `serve` runs as a child process in a fresh home, and
 * each command runs as its own process, as a person or a script would run it (exit codes and --json output).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fillSandbox, type Call } from '../ops/fill-sandbox.js';
import { launchTributary, type Launched } from '../support/launch.js';
import { seedPgliteHome } from '../support/templates.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'tributary.js');

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string> = {}): Promise<Result> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env: { ...process.env, LOG_LEVEL: 'warn', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('error', reject);
    child.once('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

describe('the tributary CLI against a running server', () => {
  let server: Launched<string>;
  let home: string;
  let base: string;
  let folder: string;
  const json = (result: Result) => JSON.parse(result.stdout);
  const at = (args: string[]) => cli([...args, '--home', home, '--url', base]);

  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'tributary-cli-'));
    // The run's migrated embedded database: the e2e test is the one that starts from a cold home.
    seedPgliteHome(home);
    folder = mkdtempSync(join(tmpdir(), 'tributary-cli-data-'));
    server = await launchTributary(process.execPath, [BIN, 'serve'], { home, tickMs: 200 });
    base = server.ready;
  }, 120_000);

  afterAll(async () => {
    await server?.stop();
    rmSync(home, { recursive: true, force: true });
    rmSync(folder, { recursive: true, force: true });
  });

  it('prints help for every command and exits 0; usage errors exit 2', async () => {
    const help = await cli(['--help']);
    expect(help.code).toBe(0);
    for (const command of ['serve', 'worker', 'migrate', 'org', 'client', 'sandbox', 'flows', 'runs', 'ingest'])
      expect(help.stdout).toContain(command);
    expect(help.stdout).toMatch(/Exit codes: 0 success/);
    const watchHelp = await cli(['runs', 'watch', '--help']);
    expect(watchHelp.code).toBe(0);
    expect(watchHelp.stdout).toContain('--flow <flowId>');
    expect((await cli(['no-such-command'])).code).toBe(2);
    expect((await cli(['sandbox'])).code).toBe(2);
    expect((await cli(['org', 'create'])).stderr).toContain("required option '--name <name>'");
  });

  it('refuses to start a worker on the embedded database', async () => {
    const worker = await cli(['worker'], { TRIBUTARY_HOME: home });
    expect(worker.code).toBe(2);
    expect(worker.stderr).toMatch(/worker needs PostgreSQL/);
  });

  it('exits 3 when the server cannot be reached or there are no credentials', async () => {
    expect((await cli(['sandbox', 'list', '--home', home, '--url', 'http://127.0.0.1:9'])).code).toBe(3);
    const empty = mkdtempSync(join(tmpdir(), 'tributary-cli-empty-'));
    expect((await cli(['sandbox', 'list', '--home', empty, '--url', base])).code).toBe(3);
    expect((await cli(['org', 'list', '--home', empty, '--url', base])).code).toBe(3);
    rmSync(empty, { recursive: true, force: true });
  });

  it('creates an org with a client, rotates and revokes the client', async () => {
    const org = await at(['org', 'create', '--name', 'Acme', '--tenant-id', 'acmeco', '--client', 'ci', '--json']);
    expect(org.code).toBe(0);
    const created = json(org);
    expect(created).toMatchObject({ tenantId: 'acmeco', name: 'Acme', sandboxName: 'prod' });
    expect(created.clientSecret).toMatch(/^p8e-/);
    expect(json(await at(['org', 'list', '--json'])).map((o: { tenantId: string }) => o.tenantId)).toContain('acmeco');
    // The new client works with its secret…
    const credentials = join(home, 'acme.json');
    writeFileSync(
      credentials,
      JSON.stringify({
        imsOrg: created.imsOrg,
        tenantId: 'acmeco',
        sandboxName: 'prod',
        clientId: created.clientId,
        clientSecret: created.clientSecret,
      }),
    );
    expect((await at(['sandbox', 'list', '--credentials', credentials])).code).toBe(0);
    // …and not once rotated: the old secret gets no token (exit 1), the new one does.
    const rotated = await at(['client', 'rotate', created.clientId, '--json']);
    expect(rotated.code).toBe(0);
    expect(json(rotated).secretVersion).toBe(2);
    const refused = await at(['sandbox', 'list', '--credentials', credentials, '--json']);
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.stderr).body.error).toBe('invalid_client');
    writeFileSync(
      credentials,
      JSON.stringify({
        imsOrg: created.imsOrg,
        tenantId: 'acmeco',
        sandboxName: 'prod',
        clientId: created.clientId,
        clientSecret: json(rotated).clientSecret,
      }),
    );
    expect((await at(['sandbox', 'list', '--credentials', credentials])).code).toBe(0);
    const list = json(await at(['client', 'list', '--org', created.imsOrg, '--json']));
    expect(list).toEqual([expect.objectContaining({ clientId: created.clientId, secretVersion: 2, revoked: false })]);
    expect(JSON.stringify(list)).not.toContain('p8e-');
    expect((await at(['client', 'revoke', created.clientId])).code).toBe(0);
    expect((await at(['sandbox', 'list', '--credentials', credentials])).code).toBe(1);
    // A tenant token is no admin token.
    expect((await at(['org', 'list', '--admin-token', created.clientSecret])).code).toBe(1);
  });

  it('creates, lists, resets and deletes sandboxes', async () => {
    const created = await at(['sandbox', 'create', 'cli-dev', '--title', 'CLI dev', '--json']);
    expect(created.code).toBe(0);
    expect(json(created)).toMatchObject({ name: 'cli-dev', title: 'CLI dev', type: 'development', state: 'active' });
    const table = await at(['sandbox', 'list']);
    expect(table.stdout).toMatch(/^NAME\s+TITLE\s+TYPE\s+STATE/m);
    expect(table.stdout).toMatch(/cli-dev\s+CLI dev\s+development\s+active/);
    expect((await at(['sandbox', 'reset', 'cli-dev'])).code).toBe(2); // no --yes
    const reset = await at(['sandbox', 'reset', 'cli-dev', '--yes', '--json']);
    expect(reset.code).toBe(0);
    expect(json(reset).state).toBe('active');
    expect((await at(['sandbox', 'get', 'no-such-sandbox'])).code).toBe(1);
    const deleted = await at(['sandbox', 'delete', 'cli-dev', '--yes', '--json']);
    expect(json(deleted).state).toBe('deleted');
    expect(json(await at(['sandbox', 'list', '--json'])).map((s: { name: string }) => s.name)).toEqual(['prod']);
  });

  it('lists flows and runs, and watches a run to its end', async () => {
    const credentials = JSON.parse(readFileSync(join(home, 'credentials.json'), 'utf8'));
    const token = (await (
      await fetch(`${base}/ims/token/v3`, {
        method: 'POST',
        body: new URLSearchParams({ grant_type: 'client_credentials', client_id: credentials.clientId, client_secret: credentials.clientSecret }),
      })
    ).json()) as { access_token: string };
    const call: Call = async (method, url, body) => {
      const response = await fetch(`${base}${url}`, {
        method,
        headers: {
          authorization: `Bearer ${token.access_token}`,
          'x-api-key': credentials.clientId,
          'x-gw-ims-org-id': credentials.imsOrg,
          'x-sandbox-name': 'prod',
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      const text = await response.text();
      return { status: response.status, json: text ? JSON.parse(text) : undefined };
    };
    const filled = await fillSandbox(call, folder);

    const watched = await at(['runs', 'watch', '--flow', filled.flowId, '--interval', '200', '--timeout', '60']);
    expect(watched.code).toBe(0);
    const last = watched.stdout.trim().split('\n').at(-1)!;
    expect(last).toMatch(/^\[#{24}\] 100% · 1\/1 files · \d+ B\/\d+ B · 3 records \(1 failed\) · [\d,]+ rec\/s · 0 errors · partialSuccess$/);

    const flows = json(await at(['flows', 'list', '--json']));
    expect(flows.map((f: { id: string }) => f.id)).toEqual([filled.flowId]);
    expect((await at(['flows', 'list'])).stdout).toMatch(/^ID\s+NAME\s+STATE/m);
    const runs = json(await at(['runs', 'list', '--flow', filled.flowId, '--json']));
    expect(runs).toHaveLength(1);
    const ndjson = await at(['runs', 'watch', runs[0].id, '--json']);
    expect(ndjson.code).toBe(0);
    expect(JSON.parse(ndjson.stdout.trim().split('\n').at(-1)!)).toMatchObject({
      id: runs[0].id,
      status: 'partialSuccess',
      filesDone: 1,
      records: 3,
      failedRecords: 1,
    });
    const table = await at(['runs', 'list']);
    expect(table.stdout).toContain(runs[0].id);

    // The run's row errors, from its batch: the one broken e-mail, by file and row.
    const errors = await at(['runs', 'errors', runs[0].id, '--json']);
    expect(errors.code).toBe(0);
    expect(json(errors)).toEqual([expect.objectContaining({ batch: expect.any(String), file: expect.stringMatching(/data8\.csv$/), row: 3 })]);
    expect(json(errors)[0].code).toMatch(/^[A-Z]+-\d{4}$/);
    expect((await at(['runs', 'errors', runs[0].id])).stdout).toMatch(/^BATCH\s+FILE\s+ROW\s+CODE\s+FIELD\s+MESSAGE\n\S+\s+\S*data8\.csv\s+3\s/);
    expect((await at(['runs', 'errors', '00000000-0000-4000-8000-000000000000'])).code).toBe(1);

    // ingest: one JSON file into the same dataset through the Batch Ingestion API.
    const file = join(folder, 'people.json');
    writeFileSync(file, `${JSON.stringify({ _id: 'cli-1', person: { name: { firstName: 'Edsger', lastName: 'Dijkstra' } } })}\n`);
    const ingested = await at(['ingest', file, '--dataset', filled.datasetId, '--json']);
    expect({ code: ingested.code, stderr: ingested.stderr }).toEqual({ code: 0, stderr: '' });
    expect(json(ingested)).toMatchObject({ dataSetId: filled.datasetId, status: 'success', recordCount: 1 });
    expect((await at(['ingest', join(folder, 'missing.json'), '--dataset', filled.datasetId])).code).toBe(2);
  });

  it('stops on SIGTERM with exit code 0', async () => {
    server.child.kill('SIGTERM');
    expect(await server.exited).toBe(0);
  });
});
