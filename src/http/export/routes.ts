import type { FastifyPluginAsync } from 'fastify';
import type { DataAccessService } from '../../services/export/index.js';

export function exportRoutes(_dataAccess: DataAccessService): FastifyPluginAsync {
  return async () => {};
}
