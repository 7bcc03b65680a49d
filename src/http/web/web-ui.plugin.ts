import { existsSync, statSync } from 'node:fs';
import { join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import fastifyStatic from '@fastify/static';

/** Where `npm run build` (and `npm start`'s prestart) puts the UI. */
export const DEFAULT_WEB_ROOT = fileURLToPath(new URL('../../../web/dist', import.meta.url));

/** Paths of the API: never answered with the UI, so an unknown API path keeps its service's 404. */
const API_PREFIXES = ['/data/', '/ims/', '/tributary/', '/docs', '/health', '/ready', '/metrics'];

/** Routes the UI uses when present; other engineers add them while the UI is being built. */
const OPTIONAL_ROUTES: Record<string, [method: 'GET' | 'POST', url: string]> = {
  mappingPreview: ['POST', '/data/foundation/conversion/mappingSets/preview'],
  functions: ['GET', '/data/foundation/conversion/languages/el/functions'],
  query: ['POST', '/data/foundation/query/queries'],
  sandboxes: ['GET', '/data/foundation/sandbox-management/sandboxes'],
  datasetPreview: ['GET', '/data/foundation/export/datasets/:id/preview'],
};

/**
 * Serves the built web UI at `/`: files of web/dist as they are, and index.html for any other
 * page a browser asks for (the UI routes on the client: /sources, /dataflows/…). Hashed assets
 * are cached for good; index.html never is, so a rebuilt UI shows on the next load.
 */
export function webUiRoutes(root: string = DEFAULT_WEB_ROOT): FastifyPluginAsync {
  return async (app) => {
    // Which optional API routes this server has, so the UI offers a feature only when its route
    // exists instead of probing for it (a probe's 404 is an error in the browser's console).
    app.get('/tributary/ui/capabilities', { schema: { hide: true } }, async () =>
      Object.fromEntries(Object.entries(OPTIONAL_ROUTES).map(([name, [method, url]]) => [name, app.hasRoute({ method, url })])),
    );

    if (!existsSync(join(root, 'index.html'))) {
      app.log.warn({ root }, 'web UI not built; the API is served without it');
      return;
    }
    await app.register(fastifyStatic, { root, serve: false });
    const base = resolve(root);

    // `cacheControl: false` leaves our header alone (send would write `max-age=0` over it).
    const index = (reply: FastifyReply) => reply.header('cache-control', 'no-cache').sendFile('index.html', { cacheControl: false });

    app.get('/*', { schema: { hide: true } }, async (request: FastifyRequest, reply: FastifyReply) => {
      let path: string;
      try {
        path = decodeURIComponent(request.url.split('?')[0]!);
      } catch {
        return reply.callNotFound();
      }
      if (API_PREFIXES.some((prefix) => path.startsWith(prefix))) return reply.callNotFound();
      const file = resolve(base, `.${path}`);
      if (path === '/index.html') return index(reply);
      if (file.startsWith(base + sep) && existsSync(file) && statSync(file).isFile()) {
        const immutable = path.startsWith('/assets/');
        return reply.sendFile(file.slice(base.length + 1), immutable ? { maxAge: '365d', immutable: true } : { maxAge: 0 });
      }
      // A client-side route: the browser wants a page. Anything else (a missing asset) is a 404.
      const accept = String(request.headers.accept ?? '');
      if (path === '/' || accept.includes('text/html')) return index(reply);
      return reply.callNotFound();
    });
  };
}
