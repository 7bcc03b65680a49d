/**
 * Identity namespaces (`/data/core/idnamespace/identities`): the standard ones every org sees and
 * the custom ones an org creates in a sandbox. The Schema Registry asks this service whether an
 * identity descriptor names a namespace that exists.
 */
import type { Db } from '../../store/db.js';
import type { Scope } from '../scope.js';
import { ServiceError, conflict, forbidden, invalid, notFound } from '../errors.js';
import { STANDARD_NAMESPACES, type IdType } from './standard-namespaces.js';

/** A namespace as the API answers with it. */
export interface IdentityNamespace {
  id: number;
  code: string;
  name: string;
  description: string;
  idType: IdType;
  status: 'ACTIVE' | 'INACTIVE';
  custom: boolean;
  createTime: number;
  updateTime: number;
}

interface Row {
  id: string | number;
  code: string;
  name: string;
  description: string;
  id_type: IdType;
  status: 'ACTIVE' | 'INACTIVE';
  created_at: Date | string;
  updated_at: Date | string;
}

const ID_TYPES: readonly IdType[] = ['COOKIE', 'CROSS_DEVICE', 'DEVICE', 'EMAIL', 'MOBILE', 'NON_PEOPLE', 'PHONE'];
/** Custom namespaces are numbered from here, far above the standard ids. */
const FIRST_CUSTOM_ID = 10_000_000;
/** The standard namespaces predate every org; they answer with one fixed creation time. */
const STANDARD_TIME = Date.UTC(2019, 0, 1);

const standard = STANDARD_NAMESPACES.map<IdentityNamespace>((n) => ({
  ...n,
  status: 'ACTIVE',
  custom: false,
  createTime: STANDARD_TIME,
  updateTime: STANDARD_TIME,
}));

const millis = (value: Date | string) => new Date(value).getTime();

function fromRow(row: Row): IdentityNamespace {
  return {
    id: Number(row.id),
    code: row.code,
    name: row.name,
    description: row.description,
    idType: row.id_type,
    status: row.status,
    custom: true,
    createTime: millis(row.created_at),
    updateTime: millis(row.updated_at),
  };
}

/** `Cross_device`, `cross_device` and `CROSS_DEVICE` are one type: the spec and the docs spell it both ways. */
function idTypeOf(value: unknown): IdType {
  const upper = typeof value === 'string' ? value.trim().toUpperCase() : '';
  const found = ID_TYPES.find((t) => t === upper);
  if (!found) throw invalid(`Please provide a valid value of idType. Valid values are: [${ID_TYPES.join(', ')}]`, 'IDN-1001-400');
  return found;
}

function text(body: Record<string, unknown>, key: string, required: boolean): string | undefined {
  const value = body[key];
  if (value === undefined || value === null) {
    if (required) throw invalid(`'${key}' is required`, 'IDN-1001-400');
    return undefined;
  }
  if (typeof value !== 'string' || (required && value.trim() === '')) throw invalid(`'${key}' must be a non-empty string`, 'IDN-1001-400');
  return value.trim();
}

function bodyOf(input: unknown): Record<string, unknown> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw invalid('The request body must be a JSON object', 'IDN-1001-400');
  return input as Record<string, unknown>;
}

export class IdentityNamespaceService {
  constructor(private readonly db: Db) {}

  /** Standard namespaces first, then the sandbox's custom ones in creation order. */
  async list(scope: Scope): Promise<IdentityNamespace[]> {
    const rows = await this.db.query<Row>('select * from identity_namespaces where org_id = $1 and sandbox_id = $2 order by id', [
      scope.orgId,
      scope.sandboxId,
    ]);
    return [...standard, ...rows.map(fromRow)];
  }

  /** By integer id (the path parameter of `GET /identities/{ID}`). */
  async get(scope: Scope, id: string | number): Promise<IdentityNamespace> {
    const numeric = Number(id);
    const found = Number.isSafeInteger(numeric) ? await this.byId(scope, numeric) : undefined;
    if (!found) throw new ServiceError('not_found', `Namespace id not found for given IMS Org ${scope.orgId}`, 'IDN-1004-404');
    return found;
  }

  /** A namespace by code (case-insensitive) or, with `by: 'id'`, by its integer id; undefined when none. */
  async find(scope: Scope, key: string | number, by: 'code' | 'id' = 'code'): Promise<IdentityNamespace | undefined> {
    if (by === 'id') {
      const numeric = Number(key);
      return Number.isSafeInteger(numeric) ? this.byId(scope, numeric) : undefined;
    }
    const lower = String(key).toLowerCase();
    const std = standard.find((n) => n.code.toLowerCase() === lower);
    if (std) return std;
    const rows = await this.db.query<Row>('select * from identity_namespaces where org_id = $1 and sandbox_id = $2 and code_lower = $3', [
      scope.orgId,
      scope.sandboxId,
      lower,
    ]);
    return rows[0] ? fromRow(rows[0]) : undefined;
  }

  /** `POST /identities`: a custom namespace; its code must be new (409) and made of letters and digits. */
  async create(scope: Scope, input: unknown): Promise<IdentityNamespace> {
    const body = bodyOf(input);
    const name = text(body, 'name', true)!;
    const code = text(body, 'code', true)!;
    const idType = idTypeOf(body.idType);
    const description = text(body, 'description', false) ?? '';
    if (!/^[A-Za-z0-9]+$/.test(code)) throw invalid(`Namespace code '${code}' may contain only letters and numbers`, 'IDN-1001-400');
    if (await this.find(scope, code)) throw conflict('Namespace code already exists. Please use a different code', 'IDN-1002-409');
    // Two creations racing for one id: the primary key refuses the second, which takes the next id.
    for (let attempt = 0; ; attempt++) {
      try {
        const rows = await this.db.query<Row>(
          `insert into identity_namespaces (org_id, sandbox_id, id, code, code_lower, name, description, id_type)
           select $1, $2, greatest(coalesce(max(id), 0) + 1, $3), $4, $5, $6, $7, $8 from identity_namespaces where org_id = $1 and sandbox_id = $2
           returning *`,
          [scope.orgId, scope.sandboxId, FIRST_CUSTOM_ID, code, code.toLowerCase(), name, description, idType],
        );
        return fromRow(rows[0]!);
      } catch (error) {
        if (attempt >= 3 || !/duplicate key|unique/i.test(String(error))) throw error;
        if (await this.find(scope, code)) throw conflict('Namespace code already exists. Please use a different code', 'IDN-1002-409');
      }
    }
  }

  /** `PUT /identities/{ID}`: name and description change; code and idType are not editable. */
  async update(scope: Scope, id: string, input: unknown): Promise<IdentityNamespace> {
    const existing = await this.get(scope, id);
    if (!existing.custom) throw forbidden('Standard namespaces cannot be edited', 'IDN-1003-403');
    const body = bodyOf(input);
    const name = text(body, 'name', true)!;
    const code = text(body, 'code', true)!;
    const idType = idTypeOf(body.idType);
    if (code !== existing.code || idType !== existing.idType) throw invalid('code and idType are non editable fields', 'IDN-1001-400');
    const description = text(body, 'description', false) ?? existing.description;
    const rows = await this.db.query<Row>(
      `update identity_namespaces set name = $4, description = $5, updated_at = now() where org_id = $1 and sandbox_id = $2 and id = $3 returning *`,
      [scope.orgId, scope.sandboxId, existing.id, name, description],
    );
    if (!rows[0]) throw notFound(`Namespace id not found for given IMS Org ${scope.orgId}`, 'IDN-1004-404');
    return fromRow(rows[0]);
  }

  private async byId(scope: Scope, id: number): Promise<IdentityNamespace | undefined> {
    const std = standard.find((n) => n.id === id);
    if (std) return std;
    const rows = await this.db.query<Row>('select * from identity_namespaces where org_id = $1 and sandbox_id = $2 and id = $3', [
      scope.orgId,
      scope.sandboxId,
      id,
    ]);
    return rows[0] ? fromRow(rows[0]) : undefined;
  }
}
