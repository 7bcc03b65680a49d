import type { FastifyPluginAsync } from 'fastify';
import type { SchemaRegistryService } from '../../services/schema-registry/index.js';

export function schemaRegistryRoutes(_registry: SchemaRegistryService): FastifyPluginAsync {
  return async () => {};
}
