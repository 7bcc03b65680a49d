import type { FastifyPluginAsync } from 'fastify';
import type { CatalogService } from '../../services/catalog/index.js';

export function catalogRoutes(_catalog: CatalogService): FastifyPluginAsync {
  return async () => {};
}
