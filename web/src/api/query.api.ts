import type { Api } from './client.js';

const QUERY = '/data/foundation/query';

export interface QueryResult {
  columns: string[];
  rows: Array<Record<string, unknown>>;
  state: string;
  truncated?: boolean;
}

const DONE = ['SUCCESS', 'FAILED', 'KILLED', 'CANCELLED'];

/** Rows and columns from a query answer, whichever of the usual spellings it uses. */
function readResult(query: Record<string, unknown>): Pick<QueryResult, 'columns' | 'rows'> | null {
  const holder = (query.result ?? query.results ?? query) as Record<string, unknown>;
  const rawRows = (Array.isArray(holder) ? holder : (holder.rows ?? holder.data)) as unknown;
  if (!Array.isArray(rawRows)) return null;
  const rawColumns = (holder.columns ?? query.columns ?? []) as unknown[];
  let columns = rawColumns.map((c) => (typeof c === 'string' ? c : String((c as { name?: string }).name ?? '')));
  const rows = rawRows.map((row) => {
    if (Array.isArray(row)) return Object.fromEntries(row.map((v, i) => [columns[i] ?? `col${i + 1}`, v]));
    return row as Record<string, unknown>;
  });
  if (columns.length === 0 && rows[0]) columns = Object.keys(rows[0]);
  return { columns, rows };
}

export function queryService(api: Api) {
  return {
    /** Submits the SQL, waits for it to finish (the poll backs off), and reads its rows. */
    run: async (sql: string, signal?: { cancelled: boolean }): Promise<QueryResult> => {
      const created = await api.post<Record<string, unknown>>(`${QUERY}/queries`, {
        dbName: `${api.sandboxName}:all`,
        sql,
        name: 'Tributary UI query',
      });
      let query = created;
      let delay = 200;
      while (!DONE.includes(String(query.state ?? '').toUpperCase()) && !readResult(query)) {
        if (signal?.cancelled) throw new Error('cancelled');
        await new Promise((resolve) => setTimeout(resolve, delay));
        delay = Math.min(delay * 1.5, 2000);
        query = await api.get<Record<string, unknown>>(`${QUERY}/queries/${String(created.id)}`);
      }
      const state = String(query.state ?? 'SUCCESS').toUpperCase();
      if (state !== 'SUCCESS') {
        const errors = (query.errors ?? []) as Array<{ message?: string }>;
        throw new Error(errors.map((e) => e.message ?? JSON.stringify(e)).join('; ') || `query ${state.toLowerCase()}`);
      }
      let result = readResult(query);
      // Tributary serves the rows at `GET /queries/{id}/results` (AEP's PostgreSQL interface is not there).
      const link = (query._links as { results?: { href?: string } } | undefined)?.results?.href ?? `${QUERY}/queries/${String(created.id)}/results`;
      if (!result) result = readResult(await api.get<Record<string, unknown>>(link.replace(/^https?:\/\/[^/]+/, '')));
      return { state, ...(result ?? { columns: [], rows: [] }), truncated: Boolean(query.truncated) };
    },
  };
}
