import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { IdentityService } from '../../services/identity/index.js';
import { ServiceError } from '../../services/errors.js';

/**
 * IMS's client-credentials grant: `POST /ims/token/v3`, and `/ims/token/v2` that older clients call the
 * same way; the parameters come in the query string or the form body (JSON accepted too).
 */
export function imsRoutes(identity: IdentityService): FastifyPluginAsync {
  return async (app) => {
    const issue = async (request: FastifyRequest) => {
      const form = { ...((request.query as Record<string, string>) ?? {}), ...((request.body as Record<string, string>) ?? {}) };
      if (form.grant_type !== 'client_credentials') {
        throw new ServiceError('invalid', 'grant_type must be client_credentials', 'unsupported_grant_type');
      }
      if (!form.client_id || !form.client_secret) throw new ServiceError('invalid', 'client_id and client_secret are required', 'invalid_request');
      const { accessToken, expiresIn } = await identity.issueToken(form.client_id, form.client_secret);
      return { access_token: accessToken, token_type: 'bearer', expires_in: expiresIn };
    };
    app.post('/ims/token/v3', issue);
    app.post('/ims/token/v2', issue);
  };
}
