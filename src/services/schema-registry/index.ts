// Placeholder until the Schema Registry lands: the interface the rest of the platform relies on.
import type { Db } from '../../store/db.js';
import type { Scope } from '../scope.js';
import type { TargetSchema } from '../../pipeline/contracts.js';

export class SchemaRegistryService {
  constructor(readonly db: Db) {}
  /** The schema resolved in `xed-full` form with its compiled validator; throws not_found. */
  async targetSchema(_scope: Scope, _schemaId: string): Promise<TargetSchema> {
    throw new Error('not implemented');
  }
}
