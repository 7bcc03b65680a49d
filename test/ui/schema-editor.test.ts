/**
 * The schema editor in a real browser (`npm start` in a fresh home, Debian's chromium): does in the
 * UI what AEP's Schema Registry tutorial does with API calls. Composes a Profile schema, creates a
 * tenant field group with a field of every XDM type (names validated, the API's own errors shown
 * inline), adds it to the schema by JSON Patch, sets a primary identity on its email field (a second
 * primary refused inline), adds and removes another identity, and checks the result through the API.
 * Screenshots of each step, at 1280 and 390 px wide, go to test-output/ui/schema-editor/.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { TenantClient } from '../../src/cli/api-client.js';
import { CHROMIUM, hasChromium, launchBrowser, showOnFailure, watchErrors } from './browser.js';
import { startServer, stopServer, type Server } from './server.js';

const OUT = join(process.cwd(), 'test-output', 'ui', 'schema-editor');
const SR = '/data/foundation/schemaregistry';
const XED_FULL = 'application/vnd.adobe.xed-full+json; version=1';
// Waits are on conditions, generous for a loaded 2-core machine; nothing sleeps a fixed time.
const STEP = 60_000;

/** One field as a person fills it in: the option values of the editor's selects. */
interface FieldSpec {
  name: string;
  title: string;
  type: string;
  format?: string;
  width?: string;
  items?: string;
  values?: string;
  required?: boolean;
  children?: FieldSpec[];
}

const FIELDS: FieldSpec[] = [
  { name: 'email', title: 'Email address', type: 'string', format: 'email', required: true },
  { name: 'website', title: 'Website', type: 'string', format: 'uri' },
  { name: 'memberId', title: 'Member ID', type: 'string' },
  { name: 'renewalDay', title: 'Renewal day', type: 'string', format: 'date' },
  { name: 'renewedAt', title: 'Renewed at', type: 'string', format: 'date-time' },
  { name: 'tier', title: 'Tier code', type: 'integer', width: 'byte' },
  { name: 'rank', title: 'Rank', type: 'integer', width: 'short' },
  { name: 'points', title: 'Points', type: 'integer', width: 'int' },
  { name: 'lifetimePoints', title: 'Lifetime points', type: 'integer', width: 'long' },
  { name: 'balance', title: 'Balance', type: 'number' },
  { name: 'active', title: 'Active member', type: 'boolean' },
  { name: 'birthDate', title: 'Birth date', type: 'date' },
  { name: 'joinedAt', title: 'Joined at', type: 'date-time' },
  {
    name: 'mailingAddress',
    title: 'Mailing address',
    type: 'object',
    children: [
      { name: 'city', title: 'City', type: 'string', required: true },
      { name: 'postalCode', title: 'Postal code', type: 'string' },
    ],
  },
  { name: 'tags', title: 'Tags', type: 'array', items: 'string' },
  { name: 'visits', title: 'Visits', type: 'array', items: 'object', children: [{ name: 'when', title: 'When', type: 'date-time' }] },
  { name: 'attributes', title: 'Attributes', type: 'map', values: 'string' },
  { name: 'counters', title: 'Counters', type: 'map', values: 'integer', width: 'long' },
];

describe('web UI: the schema editor in chromium', () => {
  let server: Server;
  let context: BrowserContext;
  let profile: string;
  let page: Page;
  let consoleErrors: string[] = [];
  /** Requests the test makes fail on purpose (an untitled field group, a second primary identity). */
  const expectedFailures: RegExp[] = [];
  let shot = 0;
  /** The page as it is, at desktop and phone width; at 390 px nothing in the page may stick out sideways. */
  const screenshots = async (name: string) => {
    shot += 1;
    for (const width of [1280, 390]) {
      await page.setViewportSize({ width, height: 900 });
      await page.screenshot({ path: join(OUT, `${String(shot).padStart(2, '0')}-${name}-${width}.png`), fullPage: true });
      if (width === 390) {
        const overflow = await page.evaluate(() => {
          const main = document.querySelector('main');
          return main ? main.scrollWidth - main.clientWidth : 0;
        });
        expect(overflow, `${name} fits 390 px`).toBeLessThanOrEqual(0);
      }
    }
    await page.setViewportSize({ width: 1280, height: 900 });
  };

  beforeAll(async () => {
    if (!hasChromium()) throw new Error(`no chromium at ${CHROMIUM}: apt-get install -y chromium (.ci/run does)`);
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });
    [server, { context, profile }] = await Promise.all([startServer(), launchBrowser()]);
    context.setDefaultTimeout(STEP);
    page = context.pages()[0] ?? (await context.newPage());
    consoleErrors = watchErrors(page, expectedFailures);
  }, 420_000);

  afterAll(async () => {
    await context?.close();
    if (server) await stopServer(server);
    if (server) rmSync(server.home, { recursive: true, force: true });
    if (profile) rmSync(profile, { recursive: true, force: true });
  });

  it('creates a field group of every XDM type, adds it to a schema, and sets a primary identity on its email', async () => {
    showOnFailure(page, join(OUT, 'failure.png'), consoleErrors);
    const client = TenantClient.fromHome({ url: server.base, home: server.home });
    const tenant = `_${((await client.request('GET', `${SR}/stats`)).body as { tenantId: string }).tenantId}`;

    // Sign in by pasting credentials.json.
    await page.goto(server.base);
    await page.getByLabel('Paste credentials.json (optional)').fill(readFileSync(join(server.home, 'credentials.json'), 'utf8'));
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Sources', level: 1 }).waitFor();

    // An existing schema to extend: the Profile class alone.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Schemas' }).click();
    await page.getByRole('link', { name: 'Create schema' }).click();
    await page.getByLabel('Title').fill('Loyalty members');
    await page.getByRole('button', { name: 'Create schema' }).click();
    await page.getByRole('heading', { name: 'Loyalty members', level: 1 }).waitFor();
    const schemaId = new URL(page.url()).searchParams.get('id') ?? '';
    expect(schemaId).toContain('/schemas/');
    const tree = page.getByRole('tree', { name: 'Fields of Loyalty members' });
    await tree.getByText('personID', { exact: true }).waitFor();
    // The descriptors load apart from the fields: waited for, not counted at once.
    await page.getByText('This schema has no descriptors yet.').waitFor();
    expect(await page.getByText('This schema has no descriptors yet.').count()).toBe(1);
    await screenshots('schema-before');

    // 1. A field group for the schema's class, with a field of every type.
    await page.getByRole('link', { name: 'New field group' }).click();
    await page.getByRole('heading', { name: 'Create field group', level: 1 }).waitFor();
    await page.getByText(`Fields go under your tenant namespace ${tenant}.`).waitFor();
    await expect
      .poll(() => page.getByLabel('Class it extends').evaluate((s: HTMLSelectElement) => s.selectedOptions[0]?.textContent))
      .toBe('XDM Individual Profile');
    // Nothing to create yet: said inline.
    await page.getByRole('button', { name: 'Create field group' }).click();
    await page.getByRole('alert').getByText('Add at least one field.').waitFor();

    const topList = page.locator('.schema-editor .field-list:not(.nested)');
    // The first field is added with the keyboard, and the keyboard lands on its name.
    await page.locator('#root-add').focus();
    await page.keyboard.press('Enter');
    const first = topList.locator(':scope > ol > li > fieldset').last();
    await expect.poll(() => first.getByLabel('Field name').evaluate((el) => el === document.activeElement)).toBe(true);
    await page.keyboard.type('e mail');
    await page.getByRole('button', { name: 'Create field group' }).click();
    await page.getByText('Use letters, digits and “_” only, starting with a letter (e.g. loyaltyId).').waitFor();
    expect(await first.getByLabel('Field name').getAttribute('aria-invalid')).toBe('true');
    await screenshots('field-name-invalid');
    await first.getByLabel('Field name').fill('');
    await fillField(first, FIELDS[0]!);
    for (const spec of FIELDS.slice(1)) {
      await page.locator('#root-add').click();
      await fillField(topList.locator(':scope > ol > li > fieldset').last(), spec);
    }
    // A field added by mistake goes again.
    await page.locator('#root-add').click();
    const extra = topList.locator(':scope > ol > li > fieldset').last();
    await extra.getByLabel('Field name').fill('mistake');
    await extra.getByRole('button', { name: 'Remove field mistake' }).click();
    await expect.poll(() => topList.locator(':scope > ol > li').count()).toBe(FIELDS.length);
    await page.getByRole('group', { name: `Fields (${FIELDS.length})` }).waitFor();

    // No title: the registry's own error, shown inline.
    expectedFailures.push(/\/tenant\/fieldgroups$/);
    await page.getByRole('button', { name: 'Create field group' }).click();
    await page
      .getByRole('alert')
      .getByText(/Could not create the field group: A title is required/)
      .waitFor();
    await screenshots('field-group-refused');
    expectedFailures.length = 0;
    await page.getByLabel('Title', { exact: true }).first().fill('Member loyalty');
    await page.getByLabel('Description', { exact: true }).first().fill('Membership, points and contact');
    await screenshots('field-group-filled');
    await page.getByRole('button', { name: 'Create field group' }).click();

    // 2. Back at the schema with the new group chosen: add it, and the tree shows its fields.
    await page.getByRole('heading', { name: 'Loyalty members', level: 1 }).waitFor();
    const groupSelect = page.getByLabel(/^Field group/);
    await expect.poll(() => groupSelect.evaluate((s: HTMLSelectElement) => s.selectedOptions[0]?.textContent)).toBe('Member loyalty');
    await screenshots('field-group-chosen');
    await page.getByRole('button', { name: 'Add field group' }).click();
    await page.getByRole('status').getByText('Added “Member loyalty”.').waitFor();
    await tree.getByText('lifetimePoints', { exact: true }).waitFor();
    await tree.getByText('Mailing address').waitFor();
    await tree.getByText(tenant, { exact: true }).waitFor();
    // One field group was created (the refused attempt left nothing behind).
    const groups = await client.request('GET', `${SR}/tenant/fieldgroups`, undefined, { accept: 'application/vnd.adobe.xed-id+json' });
    expect((groups.body as { results: Array<{ title: string }> }).results.map((g) => g.title)).toEqual(['Member loyalty']);
    // The group is in the schema now: it is no longer offered.
    expect(await groupSelect.locator('option', { hasText: 'Member loyalty' }).count()).toBe(0);
    await screenshots('field-group-added');

    // 3. A primary identity on the email field, marked in the tree.
    const identityField = page.getByLabel('Identity field');
    // Only string fields can be identities; they are offered by title.
    const offered = await identityField.locator('option').allTextContents();
    expect(offered).toContain(`Email address (${tenant}.email)`);
    expect(offered).not.toContain(`Points (${tenant}.points)`);
    await identityField.selectOption({ label: `Email address (${tenant}.email)` });
    await page.getByLabel('Identity namespace').selectOption('Email');
    await page.getByLabel('Primary identity').check();
    await page.getByRole('button', { name: 'Set identity' }).click();
    const descriptors = page.getByRole('list', { name: 'Descriptors' });
    await descriptors.getByText(`Email address (${tenant}.email)`).waitFor();
    await tree.getByText('Primary identity: Email').waitFor();
    await screenshots('identity-set');

    // A second primary identity is refused by the registry, inline.
    expectedFailures.push(/\/tenant\/descriptors$/);
    await identityField.selectOption({ label: `Member ID (${tenant}.memberId)` });
    await page.getByLabel('Identity namespace').selectOption('CRMID');
    await page.getByLabel('Primary identity').check();
    await page.getByRole('button', { name: 'Set identity' }).click();
    await page
      .getByRole('alert')
      .getByText(/Could not set the identity: .*already has a primary identity/)
      .waitFor();
    await screenshots('second-primary-refused');
    expectedFailures.length = 0;
    // As a plain identity it is taken; then removed again.
    await page.getByLabel('Primary identity').uncheck();
    await page.getByRole('button', { name: 'Set identity' }).click();
    await tree.getByText('Identity: CRMID').waitFor();
    await expect.poll(() => descriptors.locator('li').count()).toBe(2);
    await screenshots('two-identities');
    await descriptors.getByRole('button', { name: `Remove descriptor on Member ID (${tenant}.memberId)` }).click();
    await expect.poll(() => descriptors.locator('li').count()).toBe(1);
    await expect.poll(() => tree.getByText('Identity: CRMID').count()).toBe(0);
    await screenshots('identity-removed');

    // The registry agrees: the fields with their XDM types, and the one primary identity.
    const full = await client.request('GET', `${SR}/tenant/schemas/${encodeURIComponent(schemaId)}`, undefined, { accept: XED_FULL });
    expect(full.status).toBe(200);
    const own = (full.body as { properties: Record<string, Record<string, unknown>> }).properties[tenant] as {
      properties: Record<string, Record<string, unknown>>;
      required?: string[];
    };
    const p = own.properties;
    expect(Object.keys(p).sort()).toEqual(FIELDS.map((f) => f.name).sort());
    expect(own.required).toEqual(['email']);
    expect(p.email).toMatchObject({ type: 'string', format: 'email', title: 'Email address', 'meta:xdmType': 'string' });
    expect(p.website).toMatchObject({ type: 'string', format: 'uri' });
    expect(p.memberId).toMatchObject({ type: 'string', 'meta:xdmType': 'string' });
    expect(p.memberId?.format).toBeUndefined();
    expect(p.renewalDay).toMatchObject({ type: 'string', format: 'date', 'meta:xdmType': 'date' });
    expect(p.renewedAt).toMatchObject({ type: 'string', format: 'date-time', 'meta:xdmType': 'date-time' });
    expect(p.tier).toMatchObject({ type: 'integer', 'meta:xdmType': 'byte', minimum: -128, maximum: 127 });
    expect(p.rank).toMatchObject({ type: 'integer', 'meta:xdmType': 'short', minimum: -32768, maximum: 32767 });
    expect(p.points).toMatchObject({ type: 'integer', 'meta:xdmType': 'int' });
    expect(p.lifetimePoints).toMatchObject({ type: 'integer', 'meta:xdmType': 'long' });
    expect(p.balance).toMatchObject({ type: 'number', 'meta:xdmType': 'number' });
    expect(p.active).toMatchObject({ type: 'boolean', 'meta:xdmType': 'boolean', title: 'Active member' });
    expect(p.birthDate).toMatchObject({ type: 'string', format: 'date', 'meta:xdmType': 'date' });
    expect(p.joinedAt).toMatchObject({ type: 'string', format: 'date-time', 'meta:xdmType': 'date-time' });
    expect(p.mailingAddress).toMatchObject({
      type: 'object',
      'meta:xdmType': 'object',
      required: ['city'],
      properties: { city: { type: 'string', title: 'City' }, postalCode: { type: 'string', title: 'Postal code' } },
    });
    expect(p.tags).toMatchObject({ type: 'array', 'meta:xdmType': 'array', items: { type: 'string' } });
    expect(p.visits).toMatchObject({ type: 'array', items: { type: 'object', properties: { when: { type: 'string', format: 'date-time' } } } });
    expect(p.attributes).toMatchObject({ type: 'object', 'meta:xdmType': 'map', additionalProperties: { type: 'string' } });
    expect(p.counters).toMatchObject({ 'meta:xdmType': 'map', additionalProperties: { type: 'integer', 'meta:xdmType': 'long' } });

    const listed = await client.request(
      'GET',
      `${SR}/tenant/descriptors?property=${encodeURIComponent(`xdm:sourceSchema==${schemaId}`)}`,
      undefined,
      {
        accept: 'application/vnd.adobe.xdm+json',
      },
    );
    expect(listed.status).toBe(200);
    expect(listed.body).toEqual({
      'xdm:descriptorIdentity': [
        expect.objectContaining({
          'xdm:sourceSchema': schemaId,
          'xdm:sourceVersion': 1,
          'xdm:sourceProperty': `/${tenant}/email`,
          'xdm:namespace': 'Email',
          'xdm:isPrimary': true,
        }),
      ],
    });

    expect(consoleErrors).toEqual([]);
  }, 900_000);
});

/** Fills one field's controls (its own, not its nested fields'), then its nested fields. */
async function fillField(fieldset: Locator, spec: FieldSpec): Promise<void> {
  const own = fieldset.locator(':scope > .field-draft-grid');
  await own.getByLabel('Field name').fill(spec.name);
  await own.getByLabel('Title').fill(spec.title);
  await own.getByLabel('Type').selectOption(spec.type);
  if (spec.format) await own.getByLabel('Format').selectOption(spec.format);
  if (spec.items) await own.getByLabel('Items').selectOption(spec.items);
  if (spec.values) await own.getByLabel('Values').selectOption(spec.values);
  if (spec.width) await own.getByLabel('Integer width').selectOption(spec.width);
  if (spec.required) await fieldset.locator(':scope > .field-draft-tools').getByLabel('Required').check();
  const nested = fieldset.locator(':scope > .field-children > .field-list');
  for (const child of spec.children ?? []) {
    await nested.locator(':scope > button').click();
    await fillField(nested.locator(':scope > ol > li > fieldset').last(), child);
  }
}
