import type { Queryable } from '../../store/db.js';
import type { Scope } from '../scope.js';
import type { MappingSetRecord } from './types.js';

interface Row {
  id: string;
  version: number;
  doc: MappingSetRecord['doc'];
  created_by: string;
  modified_by: string;
  created_at: number | string;
  modified_at: number | string;
  total?: number | string;
}

const COLUMNS = 'id, version, doc, created_by, modified_by, created_at, modified_at';

function toRecord(row: Row): MappingSetRecord {
  return {
    id: row.id,
    version: row.version,
    doc: row.doc,
    createdBy: row.created_by,
    modifiedBy: row.modified_by,
    // bigint columns come back as strings from PGlite.
    createdDate: Number(row.created_at),
    modifiedDate: Number(row.modified_at),
  };
}

export type ListOrder = 'createdDate' | 'modifiedDate';

/** SQL of mapping sets; every statement is confined to the caller's org and sandbox. */
export class MappingSetsRepo {
  async insert(db: Queryable, scope: Scope, record: MappingSetRecord): Promise<void> {
    await db.query(
      `insert into mapping_sets (id, version, org_id, sandbox_id, name, xdm_schema, doc, created_by, modified_by, created_at, modified_at)
       values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [
        record.id,
        record.version,
        scope.orgId,
        scope.sandboxId,
        record.doc.name ?? null,
        record.doc.xdmSchema,
        JSON.stringify(record.doc),
        record.createdBy,
        record.modifiedBy,
        record.createdDate,
        record.modifiedDate,
      ],
    );
  }

  /** One version, or the newest when `version` is undefined. */
  async get(db: Queryable, scope: Scope, id: string, version?: number): Promise<MappingSetRecord | null> {
    const rows = await db.query<Row>(
      `select ${COLUMNS} from mapping_sets
       where org_id = $1 and sandbox_id = $2 and id = $3 and ($4::integer is null or version = $4)
       order by version desc limit 1`,
      [scope.orgId, scope.sandboxId, id, version ?? null],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** The newest version of each mapping set, a page of them, and how many there are. */
  async list(
    db: Queryable,
    scope: Scope,
    options: { start: number; limit: number; name?: string; order: ListOrder; descending: boolean },
  ): Promise<{ records: MappingSetRecord[]; total: number }> {
    const orderColumn = options.order === 'createdDate' ? 'created_at' : 'modified_at';
    const direction = options.descending ? 'desc' : 'asc';
    const rows = await db.query<Row>(
      `select ${COLUMNS}, count(*) over () as total from (
         select distinct on (id) ${COLUMNS}, name from mapping_sets
         where org_id = $1 and sandbox_id = $2
         order by id, version desc
       ) latest
       where $3::text is null or name = $3
       order by ${orderColumn} ${direction}, id
       offset $4 limit $5`,
      [scope.orgId, scope.sandboxId, options.name ?? null, options.start, options.limit],
    );
    return { records: rows.map(toRecord), total: rows[0] ? Number(rows[0].total) : 0 };
  }
}
