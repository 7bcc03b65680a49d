import type { Queryable } from '../../store/db.js';
import type { TableMetadata } from '../../lake/iceberg/table-metadata.js';
import { ServiceError } from '../errors.js';
import type { Scope } from '../scope.js';

/**
 * What the Iceberg REST catalog serves (src/http/iceberg): the Iceberg tables of one org's sandbox — the warehouse —
 * in one namespace, each named as Query Service names its dataset (`adobe/pqs/table`). Read-only: tables change
 * only through Catalog (batches, REVERT, replay), which moves their pointers.
 */

/** The one namespace a sandbox's tables are in. */
export const ICEBERG_NAMESPACE = 'datasets';

/** The Iceberg REST error types these refusals are (the code is the type the client sees). */
export const ICEBERG_ERRORS = {
  noSuchNamespace: 'NoSuchNamespaceException',
  noSuchTable: 'NoSuchTableException',
} as const;

export interface IcebergTableView {
  name: string;
  datasetId: string;
  metadataLocation: string;
  metadata: TableMetadata;
}

export class IcebergCatalog {
  constructor(private readonly db: Queryable) {}

  namespaces(): string[][] {
    return [[ICEBERG_NAMESPACE]];
  }

  /** The namespace's properties; refuses any other namespace. */
  namespace(_scope: Scope, namespace: string): Record<string, string> {
    this.known(namespace);
    return { comment: "The sandbox's Catalog datasets that hold data, one Iceberg table each" };
  }

  async tableNames(scope: Scope, namespace: string): Promise<string[]> {
    this.known(namespace);
    const rows = await this.db.query<{ table_name: string }>(
      `select d.table_name from datasets d join iceberg_tables t on t.dataset_id = d.id
       where d.org_id = $1 and d.sandbox_id = $2 order by d.table_name`,
      [scope.orgId, scope.sandboxId],
    );
    return rows.map((r) => r.table_name);
  }

  async loadTable(scope: Scope, namespace: string, name: string): Promise<IcebergTableView> {
    this.known(namespace);
    const row = (
      await this.db.query<{ id: string; table_name: string; metadata_location: string; metadata: TableMetadata }>(
        `select d.id, d.table_name, t.metadata_location, t.metadata from datasets d join iceberg_tables t on t.dataset_id = d.id
         where d.org_id = $1 and d.sandbox_id = $2 and d.table_name = $3`,
        [scope.orgId, scope.sandboxId, name],
      )
    )[0];
    if (!row) throw new ServiceError('not_found', `Table does not exist: ${namespace}.${name}`, ICEBERG_ERRORS.noSuchTable);
    return { name: row.table_name, datasetId: row.id, metadataLocation: row.metadata_location, metadata: row.metadata };
  }

  private known(namespace: string): void {
    if (namespace !== ICEBERG_NAMESPACE)
      throw new ServiceError('not_found', `Namespace does not exist: ${namespace}`, ICEBERG_ERRORS.noSuchNamespace);
  }
}
