// Placeholder until Data Access lands.
import type { CatalogService } from '../catalog/index.js';

export class DataAccessService {
  constructor(readonly catalog: CatalogService) {}
}
