/**
 * The web UI in a real browser: `npm start` in a fresh home, Debian's chromium through playwright-core.
 * Signs in with the credentials the server wrote, walks the whole sources workflow against a local
 * folder (connector → account and test → browse and filter → preview → new dataset on a composed
 * schema → mapping with suggestions and a live preview → schedule → review and create), waits for the
 * run, opens it and downloads its row errors as CSV, checks the rows in the dataset preview, then
 * looks at the pages at 390 px wide. A screenshot of each step goes to test-output/ui/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { CHROMIUM, hasChromium, launchBrowser, LIVE_PREVIEW, showOnFailure, watchErrors } from './browser.js';
import { startServer, stopServer, type Server } from './server.js';

const LOCAL_FOLDER_SPEC = '9c1d2e3f-4a5b-4c6d-8e7f-a0b1c2d3e4f5';
const OUT = join(process.cwd(), 'test-output', 'ui');
const CSV = [
  'id,first_name,last_name,email',
  'p-1,Ada,Lovelace,ada@example.com',
  'p-2,Grace,Hopper,grace@example.com',
  'p-3,Broken,Row,not-an-email',
  'p-4,Alan,Turing,alan@example.com',
].join('\n');

// Waits are on conditions, generous for a loaded 2-core machine; nothing sleeps a fixed time.
const STEP = 60_000;

describe('web UI: the sources workflow in chromium', () => {
  let server: Server;
  let context: BrowserContext;
  let profile: string;
  let page: Page;
  let folder: string;
  let consoleErrors: string[] = [];
  /** Requests the test makes fail on purpose (a connection test of a missing folder). */
  const expectedFailures: RegExp[] = [];
  let shot = 0;
  const screenshot = async (name: string) => {
    shot += 1;
    await page.screenshot({ path: join(OUT, `${String(shot).padStart(2, '0')}-${name}.png`), fullPage: true });
  };

  beforeAll(async () => {
    if (!hasChromium()) throw new Error(`no chromium at ${CHROMIUM}: apt-get install -y chromium (.ci/run does)`);
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });
    folder = mkdtempSync(join(tmpdir(), 'tributary-ui-folder-'));
    mkdirSync(join(folder, 'backfil'));
    writeFileSync(join(folder, 'backfil', 'data8.csv'), CSV);
    writeFileSync(join(folder, 'backfil', 'notes.txt'), 'not data');
    [server, { context, profile }] = await Promise.all([startServer(), launchBrowser()]);
    context.setDefaultTimeout(STEP);
    page = context.pages()[0] ?? (await context.newPage());
    consoleErrors = watchErrors(page, expectedFailures, LIVE_PREVIEW);
  }, 420_000);

  afterAll(async () => {
    await context?.close();
    if (server) await stopServer(server);
    if (server) rmSync(server.home, { recursive: true, force: true });
    if (profile) rmSync(profile, { recursive: true, force: true });
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('creates a dataflow from a local folder, lands the rows, and serves the run’s row errors', async () => {
    showOnFailure(page, join(OUT, 'failure.png'), consoleErrors);
    const credentials = readFileSync(join(server.home, 'credentials.json'), 'utf8');

    // Sign in by pasting credentials.json.
    await page.goto(server.base);
    await page.getByRole('heading', { name: 'Sign in to Tributary' }).waitFor();
    await page.getByLabel('Paste credentials.json (optional)').fill(credentials);
    await expect.poll(() => page.getByLabel('Client id (x-api-key)').inputValue()).toBe(JSON.parse(credentials).clientId);
    await screenshot('sign-in');
    await page.getByRole('button', { name: 'Sign in' }).click();

    // The catalog of connectors; the local folder's card is reached with the keyboard.
    await page.getByRole('heading', { name: 'Sources', level: 1 }).waitFor();
    const setUp = page.locator(`a[data-spec="${LOCAL_FOLDER_SPEC}"]`);
    await setUp.waitFor();
    // Every connector has its own drawn logo, and no emoji (Debian's chromium draws them as empty boxes).
    const logos = await page.locator('ul[aria-label="Connectors"] svg.logo').evaluateAll((svgs) => svgs.map((s) => s.getAttribute('data-logo')));
    expect(logos.length).toBeGreaterThanOrEqual(8);
    expect(logos).not.toContain('generic');
    expect(logos).toEqual(
      expect.arrayContaining(['amazon-s3', 'google-cloud-storage', 'azure-blob', 'adls-gen2', 'azure-file-storage', 'sftp', 'hdfs', 'local-folder']),
    );
    expect(await page.evaluate(() => /\p{Extended_Pictographic}/u.test(document.body.textContent ?? ''))).toBe(false);
    await screenshot('sources');
    let reached = false;
    for (let i = 0; i < 60 && !reached; i++) {
      await page.keyboard.press('Tab');
      reached = await setUp.evaluate((el) => el === document.activeElement);
    }
    expect(reached, 'the connector card is reachable with Tab').toBe(true);
    await page.keyboard.press('Enter');

    // 1. Authenticate with a form generated from the auth spec, and test the connection.
    // Fields are labelled in words and explained; a failed test keeps the account, and fixing it updates that account.
    await page.getByRole('heading', { name: 'Authenticate', level: 1 }).waitFor();
    const folderField = page.getByLabel('Folder path');
    await page.getByText('Absolute path of the root folder on the server').waitFor();
    await folderField.fill(join(folder, 'missing'));
    expectedFailures.push(/\/flowservice\/connections\/[0-9a-f-]{36}\/test$/);
    await page.getByRole('button', { name: 'Connect and test' }).click();
    const failure = page.getByRole('alert');
    await failure.getByText(/saved, but its connection test failed/).waitFor();
    await screenshot('authenticate-failed');
    await expect.poll(() => page.getByRole('button', { name: 'Save and test again' }).count()).toBe(1);
    await folderField.fill(folder);
    // The failure is about settings that have changed: it goes at once.
    await expect.poll(() => failure.count()).toBe(0);
    await page.getByRole('button', { name: 'Save and test again' }).click();
    await page.getByText('the connection test passed').waitFor();
    expectedFailures.length = 0;
    expect(await page.getByRole('alert').count()).toBe(0);
    await screenshot('authenticate');
    await page.getByRole('button', { name: 'Next' }).click();

    // 2. Browse the folder, filter, pick the file.
    await page.getByRole('heading', { name: 'Select data', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Open folder backfil' }).waitFor();
    expect(await page.getByRole('button', { name: 'Open folder backfil' }).locator('svg[data-icon="folder"]').count()).toBe(1);
    await page.getByRole('button', { name: 'Open folder backfil' }).click();
    await page.getByRole('button', { name: 'Select file notes.txt' }).waitFor();
    await page.getByLabel('Filter').fill('data');
    await page.getByRole('button', { name: 'Select file notes.txt' }).waitFor({ state: 'detached' });
    await page.getByRole('button', { name: 'Select file data8.csv' }).click();
    await page.getByText('Selected file /backfil/data8.csv').waitFor();
    await screenshot('browse');
    await page.getByRole('button', { name: 'Next' }).click();

    // 3. Preview: detected columns and types, the first rows; the format options re-run it.
    await page.getByRole('heading', { name: 'Preview', level: 1 }).waitFor();
    const filePreview = page.getByTestId('file-preview');
    await filePreview.getByText('Lovelace').waitFor();
    const headers = await filePreview.locator('th').allInnerTexts();
    expect(headers.map((h) => h.split('\n')[0])).toEqual(['id', 'first_name', 'last_name', 'email']);
    expect(headers.every((h) => /string/.test(h))).toBe(true);
    await page.getByLabel('Delimiter').selectOption(';');
    await expect.poll(async () => (await filePreview.locator('th').count()) === 1, { timeout: STEP }).toBe(true);
    await page.getByLabel('Delimiter').selectOption(',');
    await expect.poll(async () => filePreview.locator('th').count(), { timeout: STEP }).toBe(4);
    expect(await filePreview.locator('tbody tr').count()).toBe(4);
    await screenshot('preview');
    await page.getByRole('button', { name: 'Next' }).click();

    // 4. Target: a new dataset on a new schema, XDM Individual Profile with two field groups.
    await page.getByRole('heading', { name: 'Target', level: 1 }).waitFor();
    await page.getByLabel('Dataset name').fill('People from the UI');
    await page.getByLabel('Schema title').fill('People schema from the UI');
    await page.getByRole('checkbox', { name: 'Demographic Details', exact: true }).check();
    await page.getByLabel('Filter field groups').fill('personal contact');
    await page.getByRole('checkbox', { name: 'Personal Contact Details', exact: true }).check();
    await screenshot('target');
    await page.getByRole('button', { name: 'Next' }).click();

    // 5. Mapping: suggestions by name and type, a field picked in the tree, the live preview.
    await page.getByRole('heading', { name: 'Mapping', level: 1 }).waitFor();
    await page.getByRole('tree', { name: 'Target schema fields' }).waitFor();
    await page.getByRole('button', { name: 'Suggest mappings' }).click();
    const rows = page.getByTestId('mapping-row');
    await expect.poll(() => rows.count()).toBeGreaterThanOrEqual(3);
    const mapped = async () => {
      const out: Record<string, string> = {};
      for (let i = 0; i < (await rows.count()); i++) {
        const source = await rows
          .nth(i)
          .getByLabel(`Source of mapping ${i + 1}`)
          .inputValue();
        out[source] = await rows
          .nth(i)
          .getByLabel(`Target field of mapping ${i + 1}`)
          .inputValue();
      }
      return out;
    };
    const suggested = await mapped();
    expect(suggested).toMatchObject({ id: '_id', first_name: 'person.name.firstName', last_name: 'person.name.lastName' });
    // The e-mail goes to the personal address: set it by picking the field in the tree.
    let emailRow = Object.keys(suggested).indexOf('email');
    if (emailRow < 0) {
      await page.getByRole('button', { name: 'Map column email' }).click();
      emailRow = (await rows.count()) - 1;
    }
    await rows
      .nth(emailRow)
      .getByLabel(`Target field of mapping ${emailRow + 1}`)
      .focus();
    await page.getByLabel('Filter fields').fill('personalEmail.address');
    await page.locator('button[data-path="personalEmail.address"]').click();
    expect((await mapped()).email).toBe('personalEmail.address');
    // A calculated field from the function list: the full name, evaluated by the server's preview.
    await page.getByText(/^Functions \(\d+\)$/).click();
    await page.getByLabel('Filter functions').fill('concat');
    await page.getByRole('button', { name: 'Insert function concat', exact: true }).click();
    const expressionRow = rows.last();
    const n = await rows.count();
    await expect.poll(() => expressionRow.getByLabel(`Expression of mapping ${n}`).inputValue()).toBe('concat()');
    await expressionRow.getByLabel(`Expression of mapping ${n}`).fill('concat(first_name, " ", last_name)');
    await expressionRow.getByLabel(`Target field of mapping ${n}`).fill('person.name.fullName');
    const mappedPreview = page.getByTestId('mapped-preview');
    await mappedPreview.getByText('Ada Lovelace').waitFor();
    await mappedPreview.getByText('grace@example.com').waitFor();
    // The malformed address is reported as the row error a run would keep.
    await page
      .getByTestId('mapping-errors')
      .getByText(/row 3: personalEmail\.address/)
      .waitFor();
    await screenshot('mapping');
    await page.getByRole('button', { name: 'Next' }).click();

    // 6. Schedule: once, from now.
    await page.getByRole('heading', { name: 'Schedule', level: 1 }).waitFor();
    await page.getByLabel('Dataflow name').fill('People from the UI');
    await page.getByLabel('Frequency').selectOption('once');
    await screenshot('schedule');
    await page.getByRole('button', { name: 'Next' }).click();

    // 7. Review and create.
    await page.getByRole('heading', { name: 'Review', level: 1 }).waitFor();
    await page.getByText('person.name.firstName').waitFor();
    await screenshot('review');
    await page.getByRole('button', { name: 'Create dataflow' }).click();
    await page.waitForURL(/\/dataflows\/[0-9a-f-]{36}$/, { timeout: STEP });
    await page.getByRole('heading', { name: 'People from the UI', level: 1 }).waitFor();

    // The flow's page follows its first run until it settles: a partial success, its batch landed but one row failed.
    const runsTable = page.getByRole('region', { name: 'Runs' });
    await runsTable
      .locator('.status', { hasText: /^(success|partial success|failed)$/ })
      .first()
      .waitFor({ timeout: 240_000 });
    expect(await runsTable.locator('.status').first().innerText()).toBe('partial success');

    // Disable, enable, and run it again on demand (the API takes on-demand runs for flows scheduled once).
    await page.getByRole('button', { name: 'Disable' }).click();
    await page.getByRole('status').getByText('Dataflow disabled').waitFor();
    await page
      .locator('main .status', { hasText: /^disabled$/ })
      .first()
      .waitFor();
    await page.getByRole('button', { name: 'Enable' }).click();
    await page.getByRole('status').getByText('Dataflow enabled').waitFor();
    await page.getByRole('button', { name: 'Run now' }).click();
    await page.getByRole('status').getByText('Run started').waitFor();
    // The API answered 2xx to POST /runs ("Run started"); enabling a flow scheduled once may add a run of its own.
    await expect.poll(() => runsTable.locator('tbody tr').count(), { timeout: STEP }).toBeGreaterThanOrEqual(2);
    await expect
      .poll(async () => (await runsTable.locator('.status').allInnerTexts()).every((s) => s === 'success' || s === 'partial success'), {
        timeout: 240_000,
      })
      .toBe(true);
    await page.getByRole('figure').first().waitFor();
    // The schedule in words, no next run for a flow run once, each run's duration, legible chart labels.
    expect(await page.getByTestId('flow-schedule').innerText()).toMatch(/^once, at /);
    expect(await page.getByTestId('flow-next-run').innerText()).toBe('none: scheduled once, and it has run');
    const durations = await runsTable.locator('tbody tr td:last-child').allInnerTexts();
    expect(
      durations.every((d) => /^\d+(\.\d)? (ms|s)$|^\d+ min \d+ s$/.test(d)),
      durations.join(', '),
    ).toBe(true);
    const tickHeight = await page
      .locator('figure svg text.tick')
      .first()
      .evaluate((t) => t.getBoundingClientRect().height);
    expect(tickHeight, 'chart labels are at least 12 px tall on screen').toBeGreaterThanOrEqual(12);
    await screenshot('dataflow');

    // The first run (the table lists the newest first): its numbers, its files, its row errors as CSV.
    await runsTable.locator('a[href^="/runs/"]').last().click();
    await page.getByRole('heading', { name: /^Run of/, level: 1 }).waitFor();
    await expect.poll(() => page.getByTestId('run-records').innerText()).toBe('4 in, 3 ingested, 1 failed');
    const rowErrors = page.getByTestId('row-errors');
    await rowErrors
      .getByText(/personalEmail/)
      .first()
      .waitFor();
    await screenshot('run');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download row errors (CSV)' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^row-errors-.+\.csv$/);
    const csvPath = join(OUT, 'row-errors.csv');
    await download.saveAs(csvPath);
    const csv = readFileSync(csvPath, 'utf8').trim().split(/\r?\n/);
    expect(csv).toHaveLength(2);
    expect(csv[1]).toContain('personalEmail');
    // One row error: the file, the malformed row (the third), why, and which field.
    expect(csv[0]).toMatch(/message/);
    expect(csv[1]).toMatch(/^\/backfil\/data8\.csv,3,/);
    expect(csv[1]).toContain('format ""email""');

    // The dataset: its batch and a preview of the landed rows.
    await page.getByRole('link', { name: 'its dataset' }).click();
    await page.getByRole('heading', { name: 'People from the UI', level: 1 }).waitFor();
    const datasetPath = new URL(page.url()).pathname;
    await page.getByRole('region', { name: 'Batches' }).locator('.status', { hasText: 'success' }).waitFor();
    const preview = page.getByTestId('dataset-preview');
    await preview.waitFor({ timeout: STEP });
    const previewText = await preview.innerText();
    for (const expected of [
      'p-1',
      'Ada',
      'Lovelace',
      'Ada Lovelace',
      'ada@example.com',
      'p-2',
      'Grace',
      'Hopper',
      'p-4',
      'Alan',
      'Turing',
      'Alan Turing',
    ]) {
      expect(previewText).toContain(expected);
    }
    expect(previewText).not.toContain('Broken');
    expect(await preview.locator('tbody tr').count()).toBe(3);
    // The schema by its title, and the SQL box above the 100 preview rows.
    await page.getByTestId('schemas-title').getByText('People schema from the UI').waitFor();
    const sqlHeading = await page.getByRole('heading', { name: 'SQL', level: 2 }).boundingBox();
    const previewBox = await preview.boundingBox();
    expect(sqlHeading!.y).toBeLessThan(previewBox!.y);
    await screenshot('dataset');

    // The SQL box, when the server has the Query Service.
    const hasQuery = await page.getByRole('button', { name: 'Run query' }).count();
    if (hasQuery) {
      await page.getByRole('button', { name: 'Run query' }).click();
      await page.getByTestId('sql-results').getByText('Lovelace').first().waitFor({ timeout: 120_000 });
      await screenshot('sql');
    }

    // Schemas: the one the workflow created, as a tree of fields with types.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Schemas' }).click();
    await page.getByRole('link', { name: 'People schema from the UI' }).click();
    await page
      .getByRole('tree', { name: /Fields of People schema from the UI/ })
      .getByText('personalEmail')
      .waitFor();
    const schemaPath = new URL(page.url()).pathname + new URL(page.url()).search;
    await page.getByTestId('classes-title').getByText('XDM Individual Profile').waitFor();
    await screenshot('schema');

    // 390 px wide: the pages fit the screen (tables scroll inside their own box).
    await page.setViewportSize({ width: 390, height: 844 });
    for (const [name, path] of [
      ['narrow-dataflows', '/dataflows'],
      ['narrow-dataset', datasetPath],
      ['narrow-sources', '/sources'],
      ['narrow-authenticate', `/sources/new/${LOCAL_FOLDER_SPEC}`],
      ['narrow-schema', schemaPath],
    ] as const) {
      await page.goto(`${server.base}${path}`);
      await page.locator('main h1').waitFor();
      await page.locator('main table, main .cards, main form, main [role="tree"]').first().waitFor();
      // Loading notes are the only muted status paragraphs: the page has settled once they are gone.
      await expect.poll(() => page.locator('main p.muted[role="status"]').count(), { timeout: STEP }).toBe(0);
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      expect(overflow, `${path} fits 390 px`).toBeLessThanOrEqual(0);
      // The sandbox selector shows its whole title, inside the screen.
      const sandboxFits = await page.locator('header select').evaluate((el) => {
        const select = el as HTMLSelectElement;
        const context = document.createElement('canvas').getContext('2d')!;
        context.font = getComputedStyle(select).font;
        const text = select.options[select.selectedIndex]?.text ?? '';
        return context.measureText(text).width + 20 <= select.clientWidth && select.getBoundingClientRect().right <= window.innerWidth;
      });
      expect(sandboxFits, `the sandbox selector is not cut off on ${path}`).toBe(true);
      await screenshot(name);
    }

    expect(consoleErrors).toEqual([]);
  }, 900_000);

  it('reuses the account for an ad hoc dataset on a periodic schedule, and composes a schema by hand', async () => {
    showOnFailure(page, join(OUT, 'failure-2.png'), consoleErrors);
    await page.setViewportSize({ width: 1280, height: 900 });
    await page.goto(`${server.base}/sources/new/${LOCAL_FOLDER_SPEC}`);

    // The account made by the first walk (one, though its first test failed), with its status, tested again.
    await page.getByRole('heading', { name: 'Authenticate', level: 1 }).waitFor();
    await page.getByRole('radio', { name: /Existing account \(1\)/ }).check();
    const account = page.locator('fieldset.accounts li', { hasText: 'Local folder account' });
    await account.locator('.status', { hasText: 'connected' }).waitFor();
    await account.getByRole('radio').check();
    await page.getByRole('button', { name: 'Test connection' }).click();
    await page.getByText('the connection test passed').waitFor();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByRole('button', { name: 'Open folder backfil' }).click();
    await page.getByRole('button', { name: 'Select file data8.csv' }).click();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByTestId('file-preview').getByText('Lovelace').waitFor();
    await page.getByRole('button', { name: 'Next' }).click();

    // An ad hoc schema from the file's columns.
    await page.getByRole('heading', { name: 'Target', level: 1 }).waitFor();
    await page.getByLabel('Dataset name').fill('Raw people');
    await page.getByRole('radio', { name: /ad hoc/ }).check();
    await page.getByText(/One string, number or boolean field per column.*id, first_name, last_name, email/).waitFor();
    await page.getByLabel('Schema title').fill('Raw people schema');
    await screenshot('adhoc-target');
    await page.getByRole('button', { name: 'Next' }).click();

    // Suggestions put each column on its own ad hoc field (under the schema's `_<id>` namespace); nothing fails.
    await page.getByRole('heading', { name: 'Mapping', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Suggest mappings' }).click();
    const rows = page.getByTestId('mapping-row');
    await expect.poll(() => rows.count()).toBe(4);
    for (let i = 0; i < 4; i++) {
      const source = await rows
        .nth(i)
        .getByLabel(`Source of mapping ${i + 1}`)
        .inputValue();
      expect(
        await rows
          .nth(i)
          .getByLabel(`Target field of mapping ${i + 1}`)
          .inputValue(),
      ).toMatch(new RegExp(`^_[0-9a-z]+\\.${source}$`));
    }
    await page.getByTestId('mapped-preview').getByText('not-an-email').waitFor();
    expect(await page.getByTestId('mapping-errors').count()).toBe(0);
    expect(await page.getByTestId('mapped-preview').locator('tbody tr').count()).toBe(4);
    await screenshot('adhoc-mapping');
    await page.getByRole('button', { name: 'Next' }).click();

    // Every 15 minutes from a start in the past, with backfill: the first run starts at once. The start is a minute
    // ago, so the next slot is 14 minutes away: no scheduled run may start while the test later deletes the flow
    // (a flow with a run in progress is not deleted, and the dialog would rightly stay open).
    await page.getByRole('heading', { name: 'Schedule', level: 1 }).waitFor();
    await page.getByLabel('Dataflow name').fill('Raw people every 15 minutes');
    await page.getByLabel('Frequency').selectOption('minute');
    await expect.poll(() => page.getByLabel(/Interval/).inputValue()).toBe('15');
    await page.getByLabel('Start time').fill(localMinute(Date.now() - 60_000));
    await page.getByRole('checkbox', { name: /Backfill/ }).check();
    await page.getByRole('button', { name: 'Next' }).click();
    await page.getByText(/every 15 minutes from /).waitFor();
    await page.getByRole('button', { name: 'Create dataflow' }).click();
    await page.getByRole('heading', { name: 'Raw people every 15 minutes', level: 1 }).waitFor();
    const runsTable = page.getByRole('region', { name: 'Runs' });
    await runsTable
      .locator('.status', { hasText: /^(success|partial success|failed)$/ })
      .first()
      .waitFor({ timeout: 240_000 });
    // An ad hoc schema checks no formats: every row lands.
    expect(await runsTable.locator('.status').first().innerText()).toBe('success');
    // A flow on a schedule runs now too, through Tributary's POST /flows/{id}/runs (AEP's POST /runs is for flows
    // scheduled once). It settles before the flow is deleted below.
    await page.getByRole('button', { name: 'Run now' }).click();
    await page.getByRole('status').getByText('Run started').waitFor();
    await expect.poll(() => runsTable.locator('tbody tr').count(), { timeout: STEP }).toBe(2);
    await expect
      .poll(async () => (await runsTable.locator('.status').allInnerTexts()).every((s) => s === 'success'), { timeout: 240_000 })
      .toBe(true);
    expect(await page.getByTestId('flow-schedule').innerText()).toMatch(/^every 15 minutes from /);
    expect(await page.getByTestId('flow-next-run').innerText()).toMatch(/\((in \d+ min|in under a minute)\)$/);

    // All four rows land: an ad hoc schema checks no formats.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Datasets' }).click();
    await page.getByRole('link', { name: 'Raw people', exact: true }).click();
    const preview = page.getByTestId('dataset-preview');
    await preview.waitFor({ timeout: STEP });
    expect(await preview.locator('tbody tr').count()).toBe(4);
    expect(await preview.innerText()).toContain('not-an-email');
    await screenshot('adhoc-dataset');

    // Schemas: browse classes, compose a schema from a class and a field group, see its tree.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Schemas' }).click();
    await page.getByRole('tab', { name: 'Classes' }).click();
    await page.getByLabel('Search classes').fill('individual profile');
    await page.getByRole('link', { name: 'XDM Individual Profile', exact: true }).waitFor();
    await page.getByRole('tab', { name: 'Field groups' }).click();
    await page.getByLabel('Search field groups').fill('demographic');
    await page.getByRole('link', { name: 'Demographic Details', exact: true }).waitFor();
    await page.getByRole('link', { name: 'Create schema' }).click();
    await page.getByLabel('Title').fill('Hand-made schema');
    await page.getByLabel('Filter field groups').fill('demographic');
    await page.getByRole('checkbox', { name: 'Demographic Details', exact: true }).check();
    await screenshot('schema-create');
    await page.getByRole('button', { name: 'Create schema' }).click();
    const tree = page.getByRole('tree', { name: 'Fields of Hand-made schema' });
    await tree.getByText('person', { exact: true }).waitFor();
    await screenshot('schema-created');

    // Lists: search, sort, pages, and delete behind a confirmation.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Dataflows' }).click();
    const flows = page.getByRole('region', { name: 'Dataflows' });
    await flows.getByRole('link', { name: 'Raw people every 15 minutes' }).waitFor();
    expect(await flows.locator('tbody tr').count()).toBe(2);
    const nextRuns = await flows.locator('tbody tr', { hasText: 'Raw people' }).locator('td').nth(4).innerText();
    expect(nextRuns).not.toMatch(/none/);
    await page.getByLabel('Search dataflows').fill('raw');
    await expect.poll(() => flows.locator('tbody tr').count()).toBe(1);
    await page.getByLabel('Search dataflows').fill('');
    await flows.getByRole('button', { name: /^Name/ }).click();
    await expect.poll(() => flows.locator('tbody tr').first().innerText()).toMatch(/^People from the UI/);
    await flows.getByRole('button', { name: /^Name/ }).click();
    await expect.poll(() => flows.locator('tbody tr').first().innerText()).toMatch(/^Raw people/);
    await flows.getByRole('button', { name: 'Delete Raw people every 15 minutes' }).click();
    const dialog = page.getByRole('dialog', { name: /Delete dataflow “Raw people every 15 minutes”\?/ });
    await dialog.waitFor();
    await screenshot('confirm-delete');
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect(await flows.locator('tbody tr').count()).toBe(2);
    await flows.getByRole('button', { name: 'Delete Raw people every 15 minutes' }).click();
    await dialog.getByRole('button', { name: 'Delete dataflow' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => flows.locator('tbody tr').count()).toBe(1);
    await screenshot('dataflows-list');

    // Accounts, with their test status; one still read by a dataflow is not deleted, and the dialog says why.
    await page.goto(`${server.base}/sources?tab=accounts`);
    const accounts = page.getByRole('region', { name: 'Accounts' });
    await accounts.locator('tbody tr', { hasText: 'Local folder account' }).locator('.status', { hasText: 'connected' }).waitFor();
    expect(await accounts.locator('tbody tr').count()).toBe(1);
    expectedFailures.push(/\/flowservice\/connections\/[0-9a-f-]{36}$/);
    await accounts.getByRole('button', { name: 'Delete Local folder account' }).click();
    const accountDialog = page.getByRole('dialog', { name: /Delete account/ });
    await accountDialog.getByRole('button', { name: 'Delete account' }).click();
    await accountDialog
      .getByRole('alert')
      .getByText(/is used by flow/)
      .waitFor();
    await screenshot('accounts-delete-refused');
    await accountDialog.getByRole('button', { name: 'Cancel' }).click();
    expectedFailures.length = 0;
    await page.getByRole('tab', { name: 'Source connections' }).click();
    await page.getByRole('region', { name: 'Source connections' }).locator('tbody tr').first().waitFor();

    // Standard classes page by ten; they cannot be deleted. The hand-made schema can.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Schemas' }).click();
    await page.getByRole('tab', { name: 'Classes' }).click();
    const pager = page.getByRole('navigation', { name: 'Pages of classes' });
    await expect.poll(() => pager.innerText()).toMatch(/^1–10 of \d+/);
    await pager.getByRole('button', { name: 'Next page' }).click();
    await expect.poll(() => pager.innerText()).toMatch(/^11–20 of \d+/);
    expect(
      await page
        .getByRole('region', { name: 'Classes' })
        .getByRole('button', { name: /^Delete / })
        .first()
        .isDisabled(),
    ).toBe(true);
    await screenshot('classes-page-2');
    await page.getByRole('tab', { name: 'Schemas' }).click();
    await page.getByLabel('Search schemas').fill('hand-made');
    const schemas = page.getByRole('region', { name: 'Schemas' });
    await expect.poll(() => schemas.locator('tbody tr').count()).toBe(1);
    await schemas.getByRole('button', { name: 'Delete Hand-made schema' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Delete schema' }).click();
    await schemas.getByText('No schema matches “hand-made”.').waitFor();

    // An S3 account's form: fields by their titles, each explained, the secret ones hidden and marked.
    await page.goto(`${server.base}/sources/new/ecadc60c-7455-4d87-84dc-2a0e293d997b`);
    await page.getByRole('heading', { name: 'Authenticate', level: 1 }).waitFor();
    const secretKey = page.getByLabel(/^Secret access key/);
    expect(await secretKey.getAttribute('type')).toBe('password');
    expect(await page.getByLabel(/^Access key id/).getAttribute('type')).toBe('text');
    expect(await page.locator('.field-label', { hasText: 'Secret access key' }).getByText('secret', { exact: true }).count()).toBe(1);
    expect(await page.locator('.field-label', { hasText: 'Access key id' }).getByText('secret', { exact: true }).count()).toBe(0);
    await page.getByText(/Secret access key of the account\. Stored encrypted; never shown again/).waitFor();
    expect(await page.getByText('s3AccessKey').count()).toBe(0);
    await screenshot('s3-authenticate');

    expect(consoleErrors).toEqual([]);
  }, 900_000);
});

/** A `datetime-local` input's value for a moment, in the local time zone the browser shares with this process. */
function localMinute(ms: number): string {
  const d = new Date(ms);
  const two = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}`;
}
