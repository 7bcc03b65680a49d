/**
 * The statements a PostgreSQL client sends for its own sake (at connect, around transactions, to read or set
 * session settings), answered by the session itself: the lake is read-only and each query runs in a fresh engine,
 * so transactions and settings have nothing to act on, but a client must get the answers it expects.
 */

/** What a statement answered here gives: rows (as text) under columns with DuckDB type names, and the command tag. */
export interface LocalAnswer {
  columns: Array<{ name: string; type: string }> | null;
  rows: Array<Array<string | null>>;
  tag: string;
  /** The transaction state the statement leaves: a client reads it in ReadyForQuery. */
  transaction?: 'begin' | 'end';
}

export const SERVER_VERSION = '14.0';

/** Session settings reported at connect (ParameterStatus) and by SHOW, keyed by lower-case name. */
export function initialSettings(user: string, database: string, applicationName: string): Map<string, { name: string; value: string }> {
  const settings: Array<[string, string]> = [
    ['server_version', SERVER_VERSION],
    ['server_encoding', 'UTF8'],
    ['client_encoding', 'UTF8'],
    ['DateStyle', 'ISO, MDY'],
    ['IntervalStyle', 'postgres'],
    // Every engine runs in UTC (sandboxed-sql.ts), so that is the session's time zone, whatever a client sets.
    ['TimeZone', 'UTC'],
    ['integer_datetimes', 'on'],
    ['standard_conforming_strings', 'on'],
    ['is_superuser', 'off'],
    ['session_authorization', user],
    ['application_name', applicationName],
    ['transaction_isolation', 'read committed'],
    ['transaction_read_only', 'on'],
    ['default_transaction_read_only', 'on'],
    ['search_path', 'public'],
    ['max_identifier_length', '63'],
    ['extra_float_digits', '1'],
    ['statement_timeout', '0'],
    ['current_database', database],
  ];
  return new Map(settings.map(([name, value]) => [name.toLowerCase(), { name, value }]));
}

/** Settings whose value the engine fixes: a SET of them is accepted and changes nothing. */
const FIXED = new Set([
  'timezone',
  'server_version',
  'server_encoding',
  'client_encoding',
  'integer_datetimes',
  'is_superuser',
  'session_authorization',
]);

const text = (name: string) => ({ name, type: 'VARCHAR' });
const unquote = (value: string) =>
  value
    .trim()
    .replace(/^'(.*)'$/s, '$1')
    .replace(/''/g, "'");

/** Answers a statement the session handles itself, or gives null for one the query engine runs. */
export function answerLocally(
  sql: string,
  settings: Map<string, { name: string; value: string }>,
  who: { user: string; database: string },
): LocalAnswer | null {
  const statement = sql.trim().replace(/;\s*$/, '').trim();
  const lower = statement.toLowerCase();
  if (/^(begin|start\s+transaction)\b/.test(lower)) return { columns: null, rows: [], tag: 'BEGIN', transaction: 'begin' };
  if (/^(commit|end)\b/.test(lower)) return { columns: null, rows: [], tag: 'COMMIT', transaction: 'end' };
  if (/^(rollback|abort)\b/.test(lower)) return { columns: null, rows: [], tag: 'ROLLBACK', transaction: 'end' };
  if (/^discard\b/.test(lower)) return { columns: null, rows: [], tag: 'DISCARD ALL' };
  if (/^deallocate\b/.test(lower)) return { columns: null, rows: [], tag: 'DEALLOCATE' };
  if (/^reset\b/.test(lower)) return { columns: null, rows: [], tag: 'RESET' };
  if (/^set\b/.test(lower)) {
    const assignment = /^set\s+(?:session\s+|local\s+)?([\w.]+)\s*(?:=|\bto\b)\s*(.+)$/is.exec(statement);
    if (assignment) {
      const key = assignment[1]!.toLowerCase();
      if (!FIXED.has(key)) settings.set(key, { name: settings.get(key)?.name ?? assignment[1]!, value: unquote(assignment[2]!) });
    }
    return { columns: null, rows: [], tag: 'SET' };
  }
  const show = /^show\s+([\w.]+|all)$/i.exec(statement);
  if (show) {
    const key = show[1]!.toLowerCase();
    if (key === 'all') {
      return {
        columns: [text('name'), text('setting'), text('description')],
        rows: [...settings.values()].map((s) => [s.name, s.value, '']),
        tag: 'SHOW',
      };
    }
    const setting = settings.get(key);
    if (!setting) return null; // the engine answers, or refuses it as SHOW is no SELECT
    return { columns: [text(key)], rows: [[setting.value]], tag: 'SHOW' };
  }
  const call =
    /^select\s+(pg_catalog\.)?(version|current_database|current_schema|current_user|session_user|user)\s*(\(\s*\))?(?:\s+as\s+("?)(\w+)\4)?$/i.exec(
      statement,
    );
  if (call) {
    const fn = call[2]!.toLowerCase();
    const values: Record<string, string> = {
      version: `PostgreSQL ${SERVER_VERSION} (Tributary Query Service over DuckDB)`,
      current_database: who.database,
      current_schema: 'public',
      current_user: who.user,
      session_user: who.user,
      user: who.user,
    };
    return { columns: [text(call[5] ?? fn)], rows: [[values[fn] ?? null]], tag: 'SELECT 1' };
  }
  return null;
}
