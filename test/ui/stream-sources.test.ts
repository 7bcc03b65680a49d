/**
 * The web UI's sources wizard for streams, in a real browser against `npm start`: a Kinesis source on a real
 * kinesalite (authenticate, pick the stream, preview its records, an ad hoc dataset, suggested mappings, where to
 * start reading, review; no schedule), records put before and after the flow land, and the flow's page shows its
 * window run with records and lag, whose page lists its micro-batches and the row error of a record that is no JSON; then an HTTP API inlet (a name, no token), a record posted at the preview step
 * and read back, and the inlet's URL and curl command after creation, which take records that land too; then an Event
 * Hubs source on the in-repo AMQP fake, its hub typed in (the account names none) and read with a consumer group. Landed
 * rows are counted by SQL in the dataset page's query box. Screenshots go to test-output/ui-stream/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { KinesisClient } from '@aws-sdk/client-kinesis';
import { EventHubProducerClient } from '@azure/event-hubs';
import type { BrowserContext, Page } from 'playwright-core';
import { CHROMIUM, hasChromium, launchBrowser, LIVE_PREVIEW, showOnFailure, watchErrors } from './browser.js';
import { startServer, stopServer, type Server } from './server.js';
import { startKinesalite, type KinesaliteHandle } from '../support/kinesalite.js';
import { createStream, kinesisClient, people, put } from '../support/kinesis-journey.js';
import { launchFakeEventHubs, type LaunchedFakeEventHubs } from '../support/fake-event-hubs/index.js';

const KINESIS_SPEC = '86043421-563b-46ec-8e6c-e23184711bf6';
const HTTP_INLET_SPEC = 'bc7b00d6-623a-4dfc-9fdb-f1240aeadaeb';
const EVENT_HUBS_SPEC = 'bf9f5905-92b7-48bf-bf20-455bc6b60a4e';
const HUB_KEY_NAME = 'RootManageSharedAccessKey';
const HUB_KEY = 'dWktdGVzdC1rZXktb2YtdGhlLWZha2UtbmFtZXNwYWNlLTk4NzY1NDMyMTA=';
const OUT = join(process.cwd(), 'test-output', 'ui-stream');
const STEP = 60_000;
/** Micro-batches cut quickly, so records land in seconds. */
const ENV = { TRIBUTARY_STREAM_BATCH_MS: '300', TRIBUTARY_STREAM_SCAN_MS: '200', TRIBUTARY_STREAM_LEASE_MS: '3000' };

describe('web UI: stream sources in chromium', () => {
  let server: Server;
  let k: KinesaliteHandle;
  let hubs: LaunchedFakeEventHubs;
  let client: KinesisClient;
  let context: BrowserContext;
  let profile: string;
  let page: Page;
  let consoleErrors: string[] = [];
  let shot = 0;
  const screenshot = async (name: string) => {
    shot += 1;
    await page.screenshot({ path: join(OUT, `${String(shot).padStart(2, '0')}-${name}.png`), fullPage: true });
  };

  beforeAll(async () => {
    if (!hasChromium()) throw new Error(`no chromium at ${CHROMIUM}: apt-get install -y chromium (.ci/run does)`);
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });
    k = await startKinesalite();
    hubs = await launchFakeEventHubs({
      hubs: [{ name: 'ui-hub', partitionCount: 2, consumerGroups: ['tributary'] }],
      policies: [{ name: HUB_KEY_NAME, key: HUB_KEY }],
    });
    client = kinesisClient(k);
    [server, { context, profile }] = await Promise.all([startServer({ env: ENV }), launchBrowser()]);
    context.setDefaultTimeout(STEP);
    page = context.pages()[0] ?? (await context.newPage());
    consoleErrors = watchErrors(page, LIVE_PREVIEW);
    // Signed in once, with the credentials the server wrote: each test then starts from a page of its own.
    await page.goto(server.base);
    await page.getByLabel('Paste credentials.json (optional)').fill(readFileSync(join(server.home, 'credentials.json'), 'utf8'));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Sources', level: 1 }).waitFor();
  }, 420_000);

  afterAll(async () => {
    client?.destroy();
    await context?.close();
    if (server) await stopServer(server);
    if (server) rmSync(server.home, { recursive: true, force: true });
    if (profile) rmSync(profile, { recursive: true, force: true });
    await k?.stop();
    await hubs?.stop();
  });

  const failed = (name: string) => showOnFailure(page, join(OUT, `failure-${name}.png`), consoleErrors);

  /** An ad hoc dataset from the previewed fields, each mapped to its own field by the suggestions. */
  const adhocTargetAndMapping = async (dataset: string, fields: number) => {
    await page.getByRole('heading', { name: 'Target', level: 1 }).waitFor();
    await page.getByLabel('Dataset name').fill(dataset);
    await page.getByRole('radio', { name: /ad hoc/ }).check();
    await page.getByText(/One string, number or boolean field per column.*id, first_name, email/).waitFor();
    await page.getByLabel('Schema title').fill(`${dataset} schema`);
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('heading', { name: 'Mapping', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Suggest mappings' }).click();
    await expect.poll(() => page.getByTestId('mapping-row').count()).toBe(fields);
    // The mapped rows come a moment after the last edit and move the page: they are waited for before going on.
    await page.getByTestId('mapped-preview').locator('tbody tr').first().waitFor();
    expect(await page.getByTestId('mapping-errors').count()).toBe(0);
    await screenshot(`${dataset}-mapping`);
    await page.getByRole('button', { name: 'Next' }).click();
  };

  /** The flow's page follows its window run until it shows `count` records out and `failed` more in. */
  const waitForRecords = async (count: number, failed = 0) => {
    const runs = page.getByRole('region', { name: 'Runs' });
    await runs.locator('tbody tr', { hasText: `${count + failed} / ${count} / ${failed}` }).waitFor({ timeout: 120_000 });
    return runs;
  };

  /**
   * The window run's page (its micro-batches and their row errors), then the rows of the flow's dataset by SQL, in the
   * dataset page's query box (reached from the window run).
   */
  const countBySql = async (expected: number, failed = 0) => {
    await page.getByRole('region', { name: 'Runs' }).locator('a[href^="/runs/"]').first().click();
    await page.getByRole('heading', { name: /^Run of/, level: 1 }).waitFor();
    // The window run: its records, its window, and the lag at its last micro-batch.
    await expect.poll(() => page.getByTestId('run-records').innerText()).toBe(`${expected + failed} in, ${expected} ingested, ${failed} failed`);
    expect(await page.getByTestId('run-window').innerText()).toMatch(/ – /);
    expect(await page.getByTestId('run-lag').innerText()).toMatch(/^\d+(\.\d)? (ms|s) behind the stream|^\d+ min \d+ s behind the stream/);
    await page.getByTestId('run-batches-note').waitFor();
    // Its micro-batches, whose records are the run's, and the row errors of those that failed rows.
    const microBatches = page.getByTestId('run-micro-batches');
    await microBatches.locator('tbody tr').first().waitFor();
    const column = async (n: number) =>
      (await microBatches.locator(`tbody tr td:nth-child(${n})`).allInnerTexts()).reduce((sum, text) => sum + Number(text.replace(/,/g, '')), 0);
    expect([await column(3), await column(4)]).toEqual([expected, failed]);
    await page.getByText(`${failed} row error(s)`).waitFor();
    if (failed) expect(await page.getByTestId('row-errors').locator('tbody tr').count()).toBe(failed);
    await screenshot(`run-${expected}`);
    await page.getByRole('link', { name: 'its dataset' }).click();
    await page.getByRole('button', { name: 'Run query' }).waitFor();
    const dataSetId = new URL(page.url()).pathname.split('/').pop()!;
    await page.getByLabel('Query').fill(`SELECT count(*) AS n FROM "${dataSetId}"`);
    await page.getByRole('button', { name: 'Run query' }).click();
    const results = page.getByTestId('sql-results');
    await results.locator('tbody tr').first().waitFor({ timeout: 120_000 });
    expect(await results.locator('tbody td').first().innerText()).toBe(String(expected));
  };

  it('sets up a Kinesis source through the wizard and lands the records put before and after', async () => {
    failed('kinesis');
    await createStream(client, 'ui-orders', 2);
    await put(client, 'ui-orders', people('k', 1, 3));

    await page.goto(`${server.base}/sources`);
    await page.locator(`a[data-spec="${KINESIS_SPEC}"]`).click();

    // 1. The spec's auth fields; the secret key is a password input.
    await page.getByRole('heading', { name: 'Authenticate', level: 1 }).waitFor();
    const secret = page.getByLabel(/^Secret access key/);
    expect(await secret.getAttribute('type')).toBe('password');
    await page.getByLabel(/^Access key id/).fill(k.accessKeyId);
    await secret.fill(k.secretKey);
    await page.getByLabel(/^Region/).fill(k.region);
    await page.getByLabel(/^Endpoint/).fill(k.endpoint);
    await page.getByRole('button', { name: 'Connect and test' }).click();
    await page.getByText('the connection test passed').waitFor();
    await screenshot('kinesis-authenticate');
    await page.getByRole('button', { name: 'Next' }).click();

    // 2. The streams of the account, as explore lists them; no folders, no schedule among the steps.
    await page.getByRole('heading', { name: 'Select stream', level: 1 }).waitFor();
    expect(await page.getByRole('list', { name: 'Steps' }).innerText()).not.toMatch(/Schedule/);
    await page.getByRole('button', { name: 'Select stream ui-orders' }).click();
    await page.getByText('Selected stream ui-orders').waitFor();
    await page.getByRole('button', { name: 'Next' }).click();

    // 3. Its recent records, with the columns inferred from them.
    await page.getByRole('heading', { name: 'Preview', level: 1 }).waitFor();
    const preview = page.getByTestId('stream-preview');
    await preview.getByText('k3@example.com').waitFor();
    expect((await preview.locator('th').allInnerTexts()).map((h) => h.split('\n')[0]).sort()).toEqual(['email', 'first_name', 'id']);
    expect(await preview.locator('tbody tr').count()).toBe(3);
    await screenshot('kinesis-preview');
    await page.getByRole('button', { name: 'Next' }).click();

    // 4–5. Target and mapping as for files.
    await adhocTargetAndMapping('Kinesis people', 3);

    // 6. Where to start reading, in place of a schedule.
    await page.getByRole('heading', { name: 'Stream settings', level: 1 }).waitFor();
    await page.getByLabel('Dataflow name').fill('Kinesis people stream');
    await page.getByLabel('Start reading at').selectOption('earliest');
    await page.getByRole('button', { name: 'Next' }).click();

    // 7. Review and create: a streaming flow, which the flow's page shows as continuous.
    await page.getByRole('heading', { name: 'Review', level: 1 }).waitFor();
    expect(await page.getByTestId('review-stream').innerText()).toMatch(/ui-orders · raw JSON · from the earliest record/);
    await page.getByText('continuous: runs while enabled').waitFor();
    await screenshot('kinesis-review');
    await page.getByRole('button', { name: 'Create dataflow' }).click();
    await page.waitForURL(/\/dataflows\/[0-9a-f-]{36}$/, { timeout: STEP });
    await page.getByRole('heading', { name: 'Kinesis people stream', level: 1 }).waitFor();
    expect(await page.getByTestId('flow-schedule').innerText()).toBe('continuous (streaming)');
    expect(await page.getByTestId('flow-next-run').innerText()).toBe('none: a streaming dataflow reads continuously');
    expect(await page.getByRole('button', { name: 'Run now' }).count()).toBe(0);

    // The records put before (from earliest), then more while the page follows the window run.
    await waitForRecords(3);
    // One record that is no JSON: a row error of its micro-batch, which the run's page shows.
    await put(client, 'ui-orders', [...people('k', 4, 4), Buffer.from('not json {')]);
    const runs = await waitForRecords(7, 1);
    expect(await runs.locator('thead th').allInnerTexts()).toEqual(['Window', 'Status', 'Records in / out / failed', 'Micro-batches', 'Size', 'Lag']);
    const lag = await runs.locator('tbody tr').first().locator('td').last().innerText();
    expect(lag, 'the lag of the last micro-batch').toMatch(/^\d+(\.\d)? (ms|s)$|^\d+ min \d+ s$/);
    await page.getByRole('figure', { name: /Lag behind the stream/ }).waitFor();
    await screenshot('kinesis-dataflow');
    await countBySql(7, 1);
    await screenshot('kinesis-sql');
    expect(consoleErrors).toEqual([]);
  }, 900_000);

  it('sets up an HTTP API inlet: its URL takes posts, before and after the flow, that land', async () => {
    failed('inlet');
    await page.goto(`${server.base}/sources`);
    await page.locator(`a[data-spec="${HTTP_INLET_SPEC}"]`).click();

    // 1. Only a name and whether posts need a token.
    await page.getByRole('heading', { name: 'Authenticate', level: 1 }).waitFor();
    expect(await page.getByLabel(/^Source id/).count()).toBe(0);
    await page.getByLabel('Account name').fill('Web events');
    await page.getByRole('checkbox', { name: /Require authentication/ }).waitFor();
    await page.getByRole('button', { name: 'Connect and test' }).click();
    await page.getByText('the connection test passed').waitFor();
    await screenshot('inlet-authenticate');
    await page.getByRole('button', { name: 'Next' }).click();

    // 2. Nothing to browse: the preview says where to post; a record posted now is read back.
    await page.getByRole('heading', { name: 'Preview', level: 1 }).waitFor();
    expect(await page.getByRole('list', { name: 'Steps' }).innerText()).not.toMatch(/Select|Schedule/);
    const inletUrl = await page.getByTestId('inlet-url').innerText();
    expect(inletUrl).toMatch(new RegExp(`^${server.base}/collection/[0-9a-zA-Z-]+$`));
    await page.getByText('No records yet.').waitFor();
    const post = async (url: string, body: unknown) => {
      const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      return { status: res.status, body: await res.text() };
    };
    const [first] = people('w', 1, 1).map((b) => JSON.parse(b.toString('utf8')) as Record<string, unknown>);
    expect((await post(inletUrl, first)).status).toBe(200);
    await page.getByRole('button', { name: 'Read again' }).click();
    await page.getByTestId('stream-preview').getByText('w1@example.com').waitFor();
    await screenshot('inlet-preview');
    await page.getByRole('button', { name: 'Next' }).click();

    await adhocTargetAndMapping('Web people', 3);
    await page.getByRole('heading', { name: 'Stream settings', level: 1 }).waitFor();
    expect(await page.getByLabel('Start reading at').count()).toBe(0);
    await page.getByLabel('Dataflow name').fill('Web people stream');
    await page.getByRole('button', { name: 'Next' }).click();

    // 3. Created: the page stays, with the inlet's URL and a curl command that posts to it.
    await page.getByRole('heading', { name: 'Review', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Create dataflow' }).click();
    await page.getByRole('heading', { name: 'Send records', level: 2 }).waitFor();
    expect(await page.getByTestId('inlet-url').innerText()).toBe(inletUrl);
    const curl = await page.getByTestId('inlet-curl').innerText();
    expect(curl).toContain(`curl -X POST '${inletUrl}'`);
    expect(curl).toContain("-H 'Content-Type: application/json'");
    expect(curl).not.toContain('Authorization');
    await screenshot('inlet-created');

    // One post and a batch of two, after the flow exists; with the one posted before, four land.
    const more = people('w', 2, 3).map((b) => JSON.parse(b.toString('utf8')) as Record<string, unknown>);
    expect((await post(inletUrl, more[0])).status).toBe(200);
    const batch = await post(inletUrl.replace('/collection/', '/collection/batch/'), { messages: more.slice(1) });
    expect(batch.status, batch.body).toBe(207);
    await page.getByRole('link', { name: 'Open the dataflow' }).click();
    await page.getByRole('heading', { name: 'Web people stream', level: 1 }).waitFor();
    await waitForRecords(4);
    await screenshot('inlet-dataflow');
    await countBySql(4);

    // An inlet that requires a token: the command says so, and a post without one is refused. At 390 px the
    // long URL and the command stay inside the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${server.base}/sources/new/${HTTP_INLET_SPEC}`);
    await page.getByRole('heading', { name: 'Authenticate', level: 1 }).waitFor();
    await page.getByLabel('Account name').fill('Signed events');
    await page.getByRole('checkbox', { name: /Require authentication/ }).check();
    await page.getByRole('button', { name: 'Connect and test' }).click();
    await page.getByText('the connection test passed').waitFor();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('heading', { name: 'Preview', level: 1 }).waitFor();
    const signedUrl = await page.getByTestId('inlet-url').innerText();
    expect(signedUrl).not.toBe(inletUrl);
    expect(await page.getByTestId('inlet-curl').innerText()).toContain('-H "Authorization: Bearer $ACCESS_TOKEN"');
    await page.getByText('Each post needs an access token of this organization and sandbox.').waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, 'the inlet preview fits 390 px').toBeLessThanOrEqual(0);
    await screenshot('inlet-signed-narrow');
    const unsigned = await post(signedUrl, { id: 'nobody' });
    expect(unsigned.status, unsigned.body).toBeGreaterThanOrEqual(401);
    expect(unsigned.status, unsigned.body).toBeLessThanOrEqual(403);
    await page.setViewportSize({ width: 1280, height: 900 });
    expect(consoleErrors).toEqual([]);
  }, 900_000);

  it('sets up an Event Hubs source: a hub the account does not name is typed in, read with the consumer group chosen', async () => {
    failed('event-hubs');
    const producer = new EventHubProducerClient(
      `Endpoint=${hubs.endpoint}/;SharedAccessKeyName=${HUB_KEY_NAME};SharedAccessKey=${HUB_KEY};UseDevelopmentEmulator=true`,
      'ui-hub',
    );
    const send = async (from: number, count: number, partitionId: string) =>
      producer.sendBatch(
        people('h', from, count).map((b) => ({ body: JSON.parse(b.toString('utf8')) })),
        { partitionId },
      );
    try {
      await send(1, 2, '0');
      await send(3, 1, '1');
      await page.goto(`${server.base}/sources`);
      await page.locator(`a[data-spec="${EVENT_HUBS_SPEC}"]`).click();

      // A namespace policy, through the fake's plain-AMQP endpoint; the policy key is a password input.
      await page.getByRole('heading', { name: 'Authenticate', level: 1 }).waitFor();
      const key = page.getByLabel(/^Policy key/);
      expect(await key.getAttribute('type')).toBe('password');
      await page.getByLabel(/^Policy name/).fill(HUB_KEY_NAME);
      await key.fill(HUB_KEY);
      await page.getByLabel(/^Namespace/).fill('tributary-ui');
      await page.getByLabel(/^Endpoint/).fill(hubs.endpoint);
      await page.getByRole('checkbox', { name: /Development emulator/ }).check();
      await page.getByRole('button', { name: 'Connect and test' }).click();
      await page.getByText('the connection test passed').waitFor();
      await page.getByRole('button', { name: 'Next' }).click();

      // Event Hubs lists only a hub the account names: this one names none, so the hub is typed.
      await page.getByRole('heading', { name: 'Select stream', level: 1 }).waitFor();
      await page.getByText('The account names no event hub: type its name below.').waitFor();
      await page.getByLabel('Event hub name').fill('ui-hub');
      await page.getByRole('button', { name: 'Use this event hub' }).click();
      await page.getByText('Selected event hub ui-hub').waitFor();
      await page.getByRole('button', { name: 'Next' }).click();

      await page.getByRole('heading', { name: 'Preview', level: 1 }).waitFor();
      const preview = page.getByTestId('stream-preview');
      await preview.getByText('h3@example.com').waitFor();
      expect(await preview.locator('tbody tr').count()).toBe(3);
      await page.getByRole('button', { name: 'Next' }).click();
      await adhocTargetAndMapping('Hub people', 3);

      // Event Hubs starts at the earliest event by default; the consumer group is the hub's own, not $Default.
      await page.getByRole('heading', { name: 'Stream settings', level: 1 }).waitFor();
      await page.getByLabel('Dataflow name').fill('Hub people stream');
      expect(await page.getByLabel('Start reading at').inputValue()).toBe('earliest');
      const group = page.getByLabel('Consumer group');
      expect(await group.inputValue()).toBe('$Default');
      await group.fill('tributary');
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByRole('heading', { name: 'Review', level: 1 }).waitFor();
      expect(await page.getByTestId('review-stream').innerText()).toMatch(/ui-hub · raw JSON · from the earliest record · consumer group tributary/);
      await screenshot('hub-review');
      await page.getByRole('button', { name: 'Create dataflow' }).click();
      await page.waitForURL(/\/dataflows\/[0-9a-f-]{36}$/, { timeout: STEP });
      await page.getByRole('heading', { name: 'Hub people stream', level: 1 }).waitFor();

      await waitForRecords(3);
      await send(4, 3, '1');
      await waitForRecords(6);
      await screenshot('hub-dataflow');
      await countBySql(6);
    } finally {
      await producer.close();
    }
    expect(consoleErrors).toEqual([]);
  }, 900_000);
});
