import { pino, stdSerializers, type DestinationStream, type Logger } from 'pino';
import { scrubObject, scrubText, scrubUrl } from './scrub.js';

export interface LoggerOptions {
  /** fatal, error, warn, info, debug, trace or silent (`LOG_LEVEL`). */
  level: string;
  /** Where the JSON lines go (default stdout); tests pass a stream that captures them. */
  stream?: DestinationStream;
}

interface RequestLike {
  id?: string;
  method?: string;
  url?: string;
  ip?: string;
  headers?: Record<string, unknown>;
  routeOptions?: { url?: string };
}

/**
 * The one JSON logger of a process. Every line goes through the scrubber, so no token, secret or
 * password is printed even if a caller logs one by mistake; request headers are never logged at all.
 */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level,
      base: { service: 'tributary' },
      timestamp: pino.stdTimeFunctions.isoTime,
      serializers: {
        req: (request: RequestLike) => ({
          method: request.method,
          url: request.url ? scrubUrl(request.url) : undefined,
          route: request.routeOptions?.url,
          remoteAddress: request.ip,
          userAgent: typeof request.headers?.['user-agent'] === 'string' ? request.headers['user-agent'] : undefined,
        }),
        res: (reply: { statusCode?: number }) => ({ statusCode: reply.statusCode }),
        err: (error: Error) => scrubObject(stdSerializers.err(error)) as ReturnType<typeof stdSerializers.err>,
      },
      formatters: {
        level: (label) => ({ level: label }),
        log: (object) => scrubObject(object) as Record<string, unknown>,
      },
      hooks: {
        // Messages are scrubbed too: a secret interpolated into a message is caught here.
        logMethod(args, method) {
          const cleaned = args.map((a) => (typeof a === 'string' ? scrubText(a) : a)) as Parameters<typeof method>;
          method.apply(this, cleaned);
        },
      },
    },
    // Synchronous: the lines written while a process shuts down are not lost at exit.
    options.stream ?? pino.destination({ dest: 1, sync: true }),
  );
}

export type { Logger };
