import { createReadStream, existsSync, statSync } from 'node:fs';
import { basename, extname } from 'node:path';
import type { Command } from 'commander';
import { TenantClient } from '../api-client.js';
import type { CliContext, ClientOptions } from '../context.js';
import { CliError, EXIT } from '../exit-codes.js';
import { Output, keyValues, table } from '../output.js';
import type { BatchDocument, FlowDocument, RunDocument } from '../api-shapes.js';
import { isDone, listRow, renderLine, snapshot } from '../progress-bar.js';

type Run = (work: () => Promise<number>) => Promise<void>;

const SM = '/data/foundation/sandbox-management';
const FLOWS = '/data/foundation/flowservice';
const CATALOG = '/data/foundation/catalog';
const EXPORT = '/data/foundation/export';

function tenant(command: Command, ctx: CliContext): { api: TenantClient; out: Output; options: ClientOptions } {
  const options = command.optsWithGlobals() as ClientOptions;
  return {
    api: TenantClient.fromHome({
      url: options.url,
      home: options.home,
      ...(options.credentials ? { credentials: options.credentials } : {}),
      ...(options.sandbox ? { sandbox: options.sandbox } : {}),
    }),
    out: new Output(ctx.stdout, Boolean(options.json)),
    options,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function number(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new CliError(`"${value}" is not a non-negative number`, EXIT.usage);
  return n;
}

/** Polls a sandbox until it leaves a transient state. */
async function waitForSandbox(api: TenantClient, name: string, until: string[]): Promise<Record<string, unknown>> {
  for (;;) {
    const sandbox = (await api.request('GET', `${SM}/sandboxes/${encodeURIComponent(name)}`)).body as Record<string, unknown>;
    if (until.includes(String(sandbox.state)) || sandbox.state === 'failed') return sandbox;
    await sleep(250);
  }
}

function registerSandbox(program: Command, ctx: CliContext, run: Run): void {
  const sandbox = program.command('sandbox').description('sandboxes of the org of the credentials');
  const columns = ['name', 'title', 'type', 'state', 'isDefault', 'lastModifiedDate'];
  sandbox
    .command('list')
    .description('list sandboxes')
    .action((_o, command: Command) =>
      run(async () => {
        const { api, out } = tenant(command, ctx);
        const { sandboxes } = (await api.request('GET', `${SM}/sandboxes?limit=200`)).body as { sandboxes: Array<Record<string, unknown>> };
        out.result(sandboxes, () => table(sandboxes, columns));
        return EXIT.ok;
      }),
    );
  sandbox
    .command('get <name>')
    .description('show one sandbox')
    .action((name: string, _o, command: Command) =>
      run(async () => {
        const { api, out } = tenant(command, ctx);
        const found = (await api.request('GET', `${SM}/sandboxes/${encodeURIComponent(name)}`)).body as Record<string, unknown>;
        out.result(found, () => keyValues(found));
        return EXIT.ok;
      }),
    );
  sandbox
    .command('create <name>')
    .description('create a development sandbox')
    .option('--title <title>', 'display title (default: the name)')
    .action((name: string, options: { title?: string }, command: Command) =>
      run(async () => {
        const { api, out } = tenant(command, ctx);
        const created = (await api.request('POST', `${SM}/sandboxes`, { name, title: options.title ?? name, type: 'development' })).body as Record<
          string,
          unknown
        >;
        out.result(created, () => keyValues(created));
        return EXIT.ok;
      }),
    );
  for (const [verb, method, end, description] of [
    ['reset', 'PUT', 'active', 'empty a sandbox: flows, connections, datasets and their lake files, schemas and mapping sets are removed'],
    ['delete', 'DELETE', 'deleted', 'delete a development sandbox and everything in it'],
  ] as const) {
    sandbox
      .command(`${verb} <name>`)
      .description(description)
      .option('--no-wait', 'return as soon as the server accepted it')
      .option('--yes', 'required: confirms that the data goes for good')
      .action((name: string, options: { wait: boolean; yes?: boolean }, command: Command) =>
        run(async () => {
          if (!options.yes) throw new CliError(`sandbox ${verb} removes data for good; add --yes to confirm`, EXIT.usage);
          const { api, out } = tenant(command, ctx);
          let result = (await api.request(method, `${SM}/sandboxes/${encodeURIComponent(name)}`, verb === 'reset' ? { action: 'reset' } : undefined))
            .body as Record<string, unknown>;
          if (options.wait) result = await waitForSandbox(api, name, [end]);
          out.result(result, () => `sandbox ${name}: ${String(result.state)}`);
          return result.state === 'failed' ? EXIT.failed : EXIT.ok;
        }),
      );
  }
}

function registerFlows(program: Command, ctx: CliContext, run: Run): void {
  const flows = program.command('flows').description('dataflows of the sandbox');
  flows
    .command('list')
    .description('list flows with their state and last run')
    .action((_o, command: Command) =>
      run(async () => {
        const { api, out } = tenant(command, ctx);
        const { items } = (await api.request('GET', `${FLOWS}/flows?limit=100`)).body as { items: FlowDocument[] };
        out.result(items, () =>
          table(
            items.map((f) => ({
              id: f.id,
              name: f.name,
              state: f.state,
              frequency: f.scheduleParams?.frequency ?? '',
              lastRun: f.lastRunDetails?.state ?? f.lastRunDetails?.id ?? '',
            })),
            ['id', 'name', 'state', 'frequency', 'lastRun'],
          ),
        );
        return EXIT.ok;
      }),
    );

  const runs = program.command('runs').description('flow runs of the sandbox');
  runs
    .command('list')
    .description('list runs, newest first')
    .option('--flow <flowId>', 'only the runs of this flow')
    .option('--limit <n>', 'at most this many', '20')
    .action((options: { flow?: string; limit: string }, command: Command) =>
      run(async () => {
        const { api, out } = tenant(command, ctx);
        const query = new URLSearchParams({ limit: String(number(options.limit)), ...(options.flow ? { property: `flowId==${options.flow}` } : {}) });
        const { items } = (await api.request('GET', `${FLOWS}/runs?${query}`)).body as { items: RunDocument[] };
        out.result(items, () => table(items.map(listRow), ['id', 'flowId', 'status', 'files', 'records', 'failed', 'lag', 'started']));
        return EXIT.ok;
      }),
    );
  runs
    .command('errors <runId>')
    .description("a run's row errors: file, row, code, field and message; a streaming run's are its micro-batches', newest first")
    .option('--limit <n>', 'at most this many', '100')
    .action((runId: string, options: { limit: string }, command: Command) =>
      run(async () => {
        const { api, out } = tenant(command, ctx);
        const errors = await runRowErrors(api, runId, number(options.limit));
        out.result(errors, () => table(errors, ['batch', 'file', 'row', 'code', 'field', 'message']));
        return EXIT.ok;
      }),
    );
  runs
    .command('watch [runId]')
    .description(
      "follow a run live: files and records done, rate, errors; exits 0 when it succeeds, 1 when it fails (a streaming flow's run: until its window ends)",
    )
    .option('--flow <flowId>', 'watch the newest run of this flow (waits for one to start)')
    .option('--interval <ms>', 'how often to ask the server', '500')
    .option('--timeout <s>', 'give up after this many seconds (exit 1); 0 waits for ever', '0')
    .addHelpText(
      'after',
      '\nExample:\n  $ tributary runs watch --flow 5b2a…\n  [########################] 100% · 1/1 files · 139 B/139 B · 3 records (1 failed) · 42 rec/s · 0 errors · success',
    )
    .action((runId: string | undefined, options: { flow?: string; interval: string; timeout: string }, command: Command) =>
      run(async () => {
        if (!runId && !options.flow) throw new CliError('give a run id or --flow <flowId>', EXIT.usage);
        const { api, out } = tenant(command, ctx);
        const interval = Math.max(100, number(options.interval));
        const deadline = number(options.timeout) > 0 ? Date.now() + number(options.timeout) * 1000 : Number.POSITIVE_INFINITY;
        const tty = Boolean(ctx.stdout.isTTY) && !out.json;
        let id = runId;
        let lastLine = '';
        for (;;) {
          if (Date.now() > deadline) {
            if (tty) ctx.stdout.write('\n');
            throw new CliError(`gave up after ${options.timeout} s`, EXIT.failed);
          }
          if (!id) {
            const { items } = (await api.request('GET', `${FLOWS}/runs?limit=1&property=flowId==${encodeURIComponent(options.flow!)}`)).body as {
              items: Array<{ id: string }>;
            };
            id = items[0]?.id;
            if (!id) {
              await sleep(interval);
              continue;
            }
          }
          const body = (await api.request('GET', `${FLOWS}/runs/${encodeURIComponent(id)}`)).body as { items: RunDocument[] };
          const run = body.items[0]!;
          const s = snapshot(run);
          if (out.json) {
            // One JSON object per change (NDJSON), the last one final.
            const line = JSON.stringify(s);
            if (line !== lastLine) out.line(line);
            lastLine = line;
          } else {
            const line = renderLine(s, Date.now());
            if (tty) ctx.stdout.write(`\r\x1b[2K${line}`);
            else if (line.replace(/ · [\d.,]+ (rec|[kMGT]?B)\/s/, '') !== lastLine) out.line(line);
            lastLine = tty ? line : line.replace(/ · [\d.,]+ (rec|[kMGT]?B)\/s/, '');
          }
          if (isDone(s, Date.now())) {
            if (tty) ctx.stdout.write('\n');
            // A partial success landed its batch (its losses are on the line): only a run that landed nothing fails.
            return s.status === 'success' || s.status === 'partialSuccess' ? EXIT.ok : EXIT.failed;
          }
          await sleep(interval);
        }
      }),
    );
}

/** One row error of a run, with the batch it is kept in. */
type RunRowError = {
  batch: string;
  file?: string;
  row?: number;
  code?: string;
  field?: string;
  message?: string;
};

/**
 * A run's row errors, newest batch first, at most `limit`: its batches are those that name it among their related
 * objects (a file run's one batch, or a streaming run's micro-batches), and each keeps its own row errors.
 */
async function runRowErrors(api: TenantClient, runId: string, limit: number): Promise<RunRowError[]> {
  // A run that is not there is an error of its own (404), not an empty list.
  await api.request('GET', `${FLOWS}/runs/${encodeURIComponent(runId)}`);
  const query = new URLSearchParams({ property: `relatedObjects.id==${runId}`, limit: '100', orderBy: 'desc:created' });
  const batches = ((await api.request('GET', `${CATALOG}/batches?${query}`)).body ?? {}) as Record<string, BatchDocument>;
  const found: RunRowError[] = [];
  for (const [batch, document] of Object.entries(batches)) {
    if (found.length >= limit) break;
    if (!document.failedRecordCount) continue;
    const { body } = await api.request('GET', `${EXPORT}/batches/${encodeURIComponent(batch)}/meta?path=row_errors`);
    // One JSON object per line: the client parses a single line, and leaves several as text.
    const errors =
      typeof body === 'string'
        ? body
            .split('\n')
            .filter((line) => line.trim())
            .map((line) => JSON.parse(line))
        : body
          ? [body]
          : [];
    for (const error of errors as Array<Omit<RunRowError, 'batch'>>) if (found.length < limit) found.push({ batch, ...error });
  }
  return found;
}

function registerIngest(program: Command, ctx: CliContext, run: Run): void {
  program
    .command('ingest <file>')
    .description('upload one file into a dataset through the Batch Ingestion API (one batch), and wait for it')
    .requiredOption('--dataset <id>', 'the target dataset id')
    .option('--format <format>', 'csv, json or parquet (default: from the file extension)')
    .option('--no-wait', 'return once the batch is completed, without waiting for it to be processed')
    .action((file: string, options: { dataset: string; format?: string; wait: boolean }, command: Command) =>
      run(async () => {
        if (!existsSync(file) || !statSync(file).isFile()) throw new CliError(`no such file: ${file}`, EXIT.usage);
        const format = (
          options.format ??
          ({ '.csv': 'csv', '.json': 'json', '.jsonl': 'json', '.parquet': 'parquet' } as Record<string, string>)[extname(file).toLowerCase()]
        )?.toLowerCase();
        if (!format || !['csv', 'json', 'parquet'].includes(format))
          throw new CliError('cannot tell the format: pass --format csv|json|parquet', EXIT.usage);
        const { api, out } = tenant(command, ctx);
        const created = (await api.request('POST', '/data/foundation/import/batches', { datasetId: options.dataset, inputFormat: { format } }))
          .body as { id: string };
        const name = basename(file);
        await api.upload(
          'PUT',
          `/data/foundation/import/batches/${created.id}/datasets/${encodeURIComponent(options.dataset)}/files/${encodeURIComponent(name)}`,
          createReadStream(file),
          statSync(file).size,
        );
        await api.request('POST', `/data/foundation/import/batches/${created.id}?action=COMPLETE`);
        let batch: BatchDocument = { status: 'processing' };
        if (options.wait) {
          for (;;) {
            const body = (await api.request('GET', `/data/foundation/catalog/batches/${created.id}`)).body as Record<string, BatchDocument>;
            batch = body[created.id] ?? batch;
            if (['success', 'failed', 'aborted', 'inactive'].includes(String(batch.status))) break;
            await sleep(300);
          }
        }
        const summary = {
          batchId: created.id,
          dataSetId: options.dataset,
          file: name,
          status: batch.status,
          recordCount: batch.recordCount,
          failedRecordCount: batch.failedRecordCount,
          errors: batch.errors,
        };
        out.result(summary, () => keyValues(Object.fromEntries(Object.entries(summary).filter(([, v]) => v !== undefined))));
        return ['failed', 'aborted'].includes(String(batch.status)) ? EXIT.failed : EXIT.ok;
      }),
    );
}

/** The commands that act in a sandbox of a running server, with the credentials `serve` wrote. */
export function registerTenantCommands(program: Command, ctx: CliContext, run: Run): void {
  registerSandbox(program, ctx, run);
  registerFlows(program, ctx, run);
  registerIngest(program, ctx, run);
}
