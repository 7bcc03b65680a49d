// Placeholder until Catalog lands: the interface the rest of the platform relies on.
import type { Db } from '../../store/db.js';
import type { Lake } from '../../lake/lake.js';

export class CatalogService {
  constructor(readonly db: Db, readonly lake: Lake) {}
}
