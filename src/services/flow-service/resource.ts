import { randomUUID } from 'node:crypto';
import type { Scope } from '../scope.js';
import { invalid, notFound, preconditionFailed } from '../errors.js';

/** The columns every Flow Service table shares. */
export interface ResourceRow {
  id: string;
  doc: Record<string, unknown>;
  state?: string;
  etag: string;
  created_client: string;
  updated_client: string;
  created_at: Date | string;
  updated_at: Date | string;
}

const ms = (value: Date | string) => new Date(value).getTime();

/** Flow Service quotes its etags: `"\"<uuid>\""` on the wire. */
export const quoteEtag = (etag: string) => `"${etag}"`;

export function newEtag(): string {
  return randomUUID();
}

/** The envelope Flow Service puts around every resource. */
export function renderResource(row: ResourceRow, scope: Scope): Record<string, unknown> {
  return {
    id: row.id,
    createdAt: ms(row.created_at),
    updatedAt: ms(row.updated_at),
    createdBy: `${row.created_client}@AdobeID`,
    updatedBy: `${row.updated_client}@AdobeID`,
    createdClient: row.created_client,
    updatedClient: row.updated_client,
    sandboxId: scope.sandboxId,
    sandboxName: scope.sandboxName,
    imsOrgId: scope.orgId,
    ...row.doc,
    ...(row.state ? { state: row.state } : {}),
    version: quoteEtag(row.etag),
    etag: quoteEtag(row.etag),
  };
}

/** `If-Match` must name the current etag, quoted or not. */
export function checkIfMatch(ifMatch: string | undefined, current: string, required: boolean): void {
  if (ifMatch === undefined) {
    if (required) throw preconditionFailed('If-Match header with the resource etag is required');
    return;
  }
  const given = ifMatch
    .trim()
    .replace(/^W\//, '')
    .replace(/^"+|"+$/g, '')
    .replace(/\\"/g, '');
  if (given !== current && ifMatch.trim() !== '*') throw preconditionFailed('If-Match does not match the current etag; read the resource again');
}

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Ids are UUIDs: anything else cannot exist, and must not reach a uuid column. */
export function checkId(id: string, what: string): string {
  if (!UUID.test(id)) throw notFound(`${what} ${id} not found`);
  return id.toLowerCase();
}

export function requireObject(value: unknown, name: string): Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw invalid(`${name} must be a JSON object`);
  return value as Record<string, unknown>;
}

export function requireString(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw invalid(`${name} is required and must be a non-empty string`);
  return value;
}

export function optionalString(value: unknown, name: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalid(`${name} must be a string`);
  return value;
}
