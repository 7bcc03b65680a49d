import { LogController, type FastifyInstance, type FastifyRequest } from 'fastify';

/**
 * Fastify's request lines, except "incoming request": Fastify writes that one before any hook runs, so before
 * authorisation, and it would lack the org, sandbox and client; `registerRequestLogging` writes it instead.
 */
class IncomingAfterAuth extends LogController {
  override incomingRequest(): void {}
}

export function requestLogController(): LogController {
  return new IncomingAfterAuth();
}

/**
 * Writes each request's "incoming request" line. It is a `preParsing` hook so that it runs after every `onRequest`
 * hook, the authentication of a tenant API's routes among them (../auth.ts): that one gives the request a logger
 * naming its org, sandbox and client, so every line of an authorised request carries them. A request refused before
 * this hook runs (a bad token) gets its line when its error is handled.
 */
export function registerRequestLogging(app: FastifyInstance): void {
  const logged = new WeakSet<FastifyRequest>();
  const incoming = (request: FastifyRequest) => {
    if (logged.has(request)) return;
    logged.add(request);
    request.log.info({ req: request }, 'incoming request');
  };
  app.addHook('preParsing', async (request) => incoming(request));
  app.addHook('onError', async (request) => incoming(request));
}
