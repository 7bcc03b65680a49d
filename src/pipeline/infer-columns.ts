// Pure, without imports: the web UI types the records it previews itself (a stream's XDM entities, samples typed by
// hand) with this very module, so the server's previews and the UI's name the same types.

const INTEGER = /^[+-]?\d{1,15}$/;
const DOUBLE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * The columns of sample records, as a preview shows them: in order of first appearance, each typed by the narrowest
 * type all its values fit (numbers and booleans written as text count as such; integers and doubles: double; other
 * mixes: string).
 */
export function inferColumns(rows: Array<Record<string, unknown>>): Array<{ name: string; type: string }> {
  const types = new Map<string, string | null>();
  for (const row of rows) {
    for (const [name, value] of Object.entries(row)) {
      const seen = types.get(name) ?? null;
      const type = typeOfValue(value);
      types.set(name, type === null ? seen : seen === null ? type : widen(seen, type));
    }
  }
  return [...types].map(([name, type]) => ({ name, type: type ?? 'string' }));
}

function typeOfValue(value: unknown): string | null {
  if (value === null || value === undefined || value === '') return null;
  if (typeof value === 'boolean') return 'boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'double';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return 'object';
  const text = String(value).trim();
  if (INTEGER.test(text)) return 'integer';
  if (DOUBLE.test(text)) return 'double';
  if (/^(true|false)$/i.test(text)) return 'boolean';
  return 'string';
}

function widen(a: string, b: string): string {
  if (a === b) return a;
  if ((a === 'integer' && b === 'double') || (a === 'double' && b === 'integer')) return 'double';
  return 'string';
}
