import type { FastifyPluginAsync } from 'fastify';
import type { DataPrepService } from '../../services/data-prep/index.js';

export function conversionRoutes(_dataPrep: DataPrepService): FastifyPluginAsync {
  return async () => {};
}
