import { invalid } from '../errors.js';

/**
 * Query Service's parameter replacement: `$name` in a query's SQL is replaced by the value of `name` in
 * `queryParameters` (keys may be written with or without the `$`). As in AEP, values are put in as they are,
 * with no type checking: they are part of the SQL the caller could have written. `$1`, `$2` (positional
 * parameters) are left alone, and so is a `$name` no parameter names.
 */
export function parseQueryParameters(value: unknown, field = 'queryParameters'): Record<string, string> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw invalid(`"${field}" must be an object of name → value`);
  const out: Record<string, string> = {};
  for (const [key, raw] of Object.entries(value as Record<string, unknown>)) {
    const name = key.replace(/^\$/, '');
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw invalid(`"${field}": "${key}" is not a parameter name (letters, digits and _)`);
    if (raw === null || typeof raw === 'object') throw invalid(`"${field}.${key}" must be a string, a number or a boolean`);
    out[name] = String(raw);
  }
  return out;
}

export function applyQueryParameters(sql: string, parameters: Record<string, string>): string {
  return sql.replace(/\$([A-Za-z_][A-Za-z0-9_]*)/g, (whole, name: string) => (Object.hasOwn(parameters, name) ? parameters[name]! : whole));
}
