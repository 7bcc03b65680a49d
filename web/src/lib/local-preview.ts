import type { Mapping } from '../api/data-prep.api.js';
import type { XdmField } from './xdm-fields.js';

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let node = target;
  for (const part of parts.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
  node[parts[parts.length - 1]!] = value;
}

/** A value as the field's type holds it, or the reason it cannot be. */
function coerce(value: unknown, field: XdmField | undefined): { value?: unknown; error?: string } {
  if (value === null || value === undefined || value === '') return { value: null };
  if (!field) return { value };
  const text = String(value);
  switch (field.type) {
    case 'integer':
    case 'long':
    case 'int':
    case 'short':
    case 'byte':
      return /^-?\d+$/.test(text.trim()) ? { value: Number(text) } : { error: `"${text}" is not an integer` };
    case 'number':
    case 'double':
      return Number.isFinite(Number(text)) ? { value: Number(text) } : { error: `"${text}" is not a number` };
    case 'boolean':
      return /^(true|false)$/i.test(text) ? { value: /^true$/i.test(text) } : { error: `"${text}" is not a boolean` };
  }
  if (field.format === 'email' && !EMAIL.test(text)) return { error: `"${text}" is not an e-mail address` };
  if (field.format === 'date-time' && Number.isNaN(Date.parse(text))) return { error: `"${text}" is not a date-time` };
  return { value: text };
}

/**
 * The mapping applied in the browser to the preview rows, for servers without
 * `POST /mappingSets/preview`: attribute mappings with the destination's type and format checks.
 * Expressions run only on the server, so their fields show as pending.
 */
export function previewLocally(mappings: Mapping[], rows: Array<Record<string, unknown>>, leaves: Map<string, XdmField>) {
  const errors: string[] = [];
  const mapped = rows.map((row, i) => {
    const out: Record<string, unknown> = {};
    for (const m of mappings) {
      if (!m.destination || !m.source) continue;
      if (m.sourceType === 'EXPRESSION') {
        setPath(out, m.destination, `⟨${m.source}⟩`);
        continue;
      }
      const result = coerce(row[m.source], leaves.get(m.destination));
      if (result.error) errors.push(`row ${i + 1}: ${m.destination}: ${result.error}`);
      else setPath(out, m.destination, result.value);
    }
    return out;
  });
  return { rows: mapped, errors };
}

function flatten(row: Record<string, unknown>, prefix = '', out: Array<[string, unknown]> = []): Array<[string, unknown]> {
  for (const [key, value] of Object.entries(row)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (value && typeof value === 'object' && !Array.isArray(value)) flatten(value as Record<string, unknown>, path, out);
    else out.push([path, value]);
  }
  return out;
}

/**
 * The schema's type and format checks over rows the server mapped: a run validates every row
 * against the schema, so the preview shows the rows that would become row errors even when the
 * server's preview only maps.
 */
export function checkMappedRows(rows: Array<Record<string, unknown>>, leaves: Map<string, XdmField>): string[] {
  const errors: string[] = [];
  rows.forEach((row, i) => {
    for (const [path, value] of flatten(row)) {
      const leaf = leaves.get(path);
      if (!leaf || typeof value !== 'string') continue;
      const result = coerce(value, leaf);
      if (result.error) errors.push(`row ${i + 1}: ${path}: ${result.error}`);
    }
  });
  return errors;
}
