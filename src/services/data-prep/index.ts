// Placeholder until Data Prep lands.
import type { Db } from '../../store/db.js';

export class DataPrepService {
  constructor(readonly db: Db) {}
}
