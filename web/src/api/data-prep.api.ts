import type { Api } from './client.js';

const CONVERSION = '/data/foundation/conversion';

/** One mapping in the current AEP form: an attribute or an expression onto an XDM path. */
export interface Mapping {
  sourceType: 'ATTRIBUTE' | 'EXPRESSION';
  source: string;
  destination: string;
}

export interface ElFunction {
  function: string;
  category?: string;
  description?: string;
  syntax?: string;
  example?: string;
}

export interface MappingPreview {
  rows: Array<Record<string, unknown>>;
  errors: string[];
}

export function dataPrep(api: Api) {
  return {
    createMappingSet: (xdmSchema: string, mappings: Mapping[]) =>
      api.post<{ id: string; version: number }>(`${CONVERSION}/mappingSets`, { version: 0, xdmSchema, xdmVersion: '1.0', id: null, mappings }),
    functions: async (): Promise<ElFunction[]> => {
      const body = await api.get<unknown>(`${CONVERSION}/languages/el/functions`);
      const list = Array.isArray(body)
        ? body
        : ((body as { data?: unknown[]; functions?: unknown[] }).data ?? (body as { functions?: unknown[] }).functions ?? []);
      return (list as Array<ElFunction & { name?: string }>).map((f) => ({ ...f, function: f.function ?? f.name ?? '' })).filter((f) => f.function);
    },
    /** The server's preview (`POST /mappingSets/preview`, `{mappingSet, data[]}`), read tolerantly. */
    preview: async (xdmSchema: string, mappings: Mapping[], data: Array<Record<string, unknown>>): Promise<MappingPreview> => {
      const body = await api.post<Record<string, unknown>>(`${CONVERSION}/mappingSets/preview`, {
        mappingSet: { version: 0, xdmSchema, xdmVersion: '1.0', mappings },
        data,
      });
      const out = body.data ?? body.rows ?? body.results ?? body;
      const list = Array.isArray(out) ? out : [out];
      const rows: Array<Record<string, unknown>> = [];
      const errors: string[] = [];
      list.forEach((item, i) => {
        const entry = item as Record<string, unknown>;
        const rowErrors = (entry.errors ?? entry.error) as unknown;
        if (Array.isArray(rowErrors) && rowErrors.length)
          errors.push(
            ...rowErrors.map((e) => `row ${i + 1}: ${typeof e === 'string' ? e : ((e as { message?: string }).message ?? JSON.stringify(e))}`),
          );
        else if (typeof rowErrors === 'string') errors.push(`row ${i + 1}: ${rowErrors}`);
        rows.push((entry.output ?? entry.data ?? entry.mapped ?? entry) as Record<string, unknown>);
      });
      // Tributary answers `errors: [{row, code, destination, exception, source, sourceType}]`.
      if (Array.isArray(body.errors)) {
        for (const e of body.errors as Array<string | Record<string, unknown>>) {
          if (typeof e === 'string') {
            errors.push(e);
            continue;
          }
          const message = String(e.exception ?? e.message ?? e.code ?? JSON.stringify(e));
          const where = e.destination && !message.startsWith(String(e.destination)) ? `${String(e.destination)}: ` : '';
          errors.push(`${e.row !== undefined ? `row ${String(e.row)}: ` : ''}${where}${message}${e.code ? ` (${String(e.code)})` : ''}`);
        }
      }
      return { rows, errors };
    },
  };
}
