import type { FastifyPluginAsync, FastifyRequest } from 'fastify';
import type { IdentityService } from '../../services/identity/index.js';
import { ServiceError } from '../../services/errors.js';
import { type Static, Type } from '@sinclair/typebox';
import { ImsError, Open } from '../schemas.js';

const TokenForm = Type.Partial(
  Open({
    grant_type: Type.String({ description: 'client_credentials' }),
    client_id: Type.String(),
    client_secret: Type.String(),
    scope: Type.String(),
  }),
);

export const Token = Open({ access_token: Type.String(), token_type: Type.String(), expires_in: Type.Integer({ description: 'milliseconds' }) });
export type Token = Static<typeof Token>;

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
    const schema = (version: string) => ({
      schema: {
        tags: ['ims'],
        summary: `Issue an access token (client credentials, IMS ${version}); parameters in the form body or the query string`,
        body: TokenForm,
        querystring: TokenForm,
        response: { 200: Token, 400: ImsError, 401: ImsError },
      },
    });
    app.post('/ims/token/v3', schema('v3'), issue);
    app.post('/ims/token/v2', schema('v2'), issue);
  };
}
