import type { FastifyRequest } from 'fastify';

/** The URL of the next page: the request's own URL with one query parameter replaced. */
export function nextPageHref(request: FastifyRequest, parameter: string): (value: string) => string {
  return (value) => {
    const url = new URL(request.url, 'http://placeholder');
    url.searchParams.set(parameter, value);
    return `${url.pathname}${url.search}`;
  };
}

export function header(request: FastifyRequest, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
