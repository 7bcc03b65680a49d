import type { FastifyPluginAsync } from 'fastify';
import type { FlowService } from '../../services/flow-service/index.js';

export function flowServiceRoutes(_flows: FlowService): FastifyPluginAsync {
  return async () => {};
}
