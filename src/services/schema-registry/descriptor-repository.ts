/** Storage of descriptors, one row each, scoped by org and sandbox. */
import type { Db } from '../../store/db.js';
import type { Scope } from '../scope.js';
import type { Descriptor } from './descriptors.js';

interface Row {
  body: Descriptor | string;
}

const bodyOf = (row: Row): Descriptor => (typeof row.body === 'string' ? (JSON.parse(row.body) as Descriptor) : row.body);

export class DescriptorRepository {
  constructor(private readonly db: Db) {}

  async list(scope: Scope): Promise<Descriptor[]> {
    const rows = await this.db.query<Row>(
      'select body from schema_registry_descriptors where org_id = $1 and sandbox_id = $2 order by created_at, id',
      [scope.orgId, scope.sandboxId],
    );
    return rows.map(bodyOf);
  }

  async get(scope: Scope, id: string): Promise<Descriptor | undefined> {
    const rows = await this.db.query<Row>('select body from schema_registry_descriptors where org_id = $1 and sandbox_id = $2 and id = $3', [
      scope.orgId,
      scope.sandboxId,
      id,
    ]);
    return rows[0] ? bodyOf(rows[0]) : undefined;
  }

  /** The descriptors whose source is this schema. */
  async ofSchema(scope: Scope, schemaId: string): Promise<Descriptor[]> {
    const rows = await this.db.query<Row>(
      'select body from schema_registry_descriptors where org_id = $1 and sandbox_id = $2 and source_schema = $3 order by created_at, id',
      [scope.orgId, scope.sandboxId, schemaId],
    );
    return rows.map(bodyOf);
  }

  /** Relationship descriptors of other schemas that point at this one. */
  async pointingAt(scope: Scope, schemaId: string): Promise<Descriptor[]> {
    const rows = await this.db.query<Row>(
      `select body from schema_registry_descriptors where org_id = $1 and sandbox_id = $2 and source_schema <> $3 and body::jsonb->>'xdm:destinationSchema' = $3`,
      [scope.orgId, scope.sandboxId, schemaId],
    );
    return rows.map(bodyOf);
  }

  async insert(scope: Scope, d: Descriptor): Promise<void> {
    await this.db.query(
      `insert into schema_registry_descriptors (org_id, sandbox_id, id, descriptor_type, source_schema, body, created_by, updated_by)
       values ($1, $2, $3, $4, $5, $6::json, $7, $7)`,
      [scope.orgId, scope.sandboxId, d['@id'], d['@type'], d['xdm:sourceSchema'], JSON.stringify(d), scope.clientId],
    );
  }

  async update(scope: Scope, d: Descriptor): Promise<void> {
    await this.db.query(
      `update schema_registry_descriptors set body = $4::json, source_schema = $5, updated_by = $6, updated_at = now()
       where org_id = $1 and sandbox_id = $2 and id = $3`,
      [scope.orgId, scope.sandboxId, d['@id'], JSON.stringify(d), d['xdm:sourceSchema'], scope.clientId],
    );
  }

  async delete(scope: Scope, id: string): Promise<boolean> {
    const rows = await this.db.query('delete from schema_registry_descriptors where org_id = $1 and sandbox_id = $2 and id = $3 returning id', [
      scope.orgId,
      scope.sandboxId,
      id,
    ]);
    return rows.length > 0;
  }

  async deleteOfSchema(scope: Scope, schemaId: string): Promise<void> {
    await this.db.query('delete from schema_registry_descriptors where org_id = $1 and sandbox_id = $2 and source_schema = $3', [
      scope.orgId,
      scope.sandboxId,
      schemaId,
    ]);
  }
}
