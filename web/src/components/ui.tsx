import type { ReactNode } from 'react';
import { cellText } from '../lib/format.js';

export function ErrorNote({ error, title }: { error: unknown; title?: string }) {
  if (!error) return null;
  return (
    <div className="note error" role="alert">
      {title ? <strong>{title}: </strong> : null}
      {error instanceof Error ? error.message : String(error)}
    </div>
  );
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <p className="muted" role="status" aria-live="polite">
      {label}
    </p>
  );
}

const STATUS_CLASS: Record<string, string> = {
  success: 'ok',
  // A flow run whose batch landed while some rows or files failed.
  partialsuccess: 'partial',
  enabled: 'ok',
  active: 'ok',
  failed: 'bad',
  aborted: 'bad',
  disabled: 'off',
  inactive: 'off',
  connected: 'ok',
  'test failed': 'bad',
};

/** AEP's camel-case run statuses, as a reader says them. */
const STATUS_LABEL: Record<string, string> = { partialSuccess: 'partial success', inProgress: 'in progress' };

export function Status({ value }: { value: string | undefined }) {
  const text = value ?? 'unknown';
  return <span className={`status ${STATUS_CLASS[text.toLowerCase()] ?? 'busy'}`}>{STATUS_LABEL[text] ?? text}</span>;
}

export interface Column<T> {
  key: string;
  label?: ReactNode;
  /** What the cell shows; the row's value at `key`, as text, when absent. */
  cell?: (row: T) => ReactNode;
  /** How the rows are sorted by this column, for screen readers (aria-sort). */
  sort?: 'ascending' | 'descending' | 'none';
}

export interface TableProps<T> {
  rows: T[];
  /** Unset (or undefined): one column per key of the rows. */
  columns?: Array<Column<T>> | undefined;
  caption: string;
  /** Shown in place of rows when there are none (null: nothing, e.g. while they load). */
  empty?: ReactNode;
  /** Extra text under each header (e.g. the detected type). */
  subtitles?: Record<string, string>;
  testId?: string;
  /** A stable key per row (its id), so React keeps rows apart when the list changes. */
  rowKey?: (row: T, index: number) => string | number;
}

/** A scrollable table; the caption names it for screen readers and tests. */
export function DataTable<T extends object = Record<string, unknown>>({
  rows,
  columns,
  caption,
  empty = 'No rows.',
  subtitles,
  testId,
  rowKey,
}: TableProps<T>) {
  const cols: Array<Column<T>> = columns ?? [...new Set(rows.flatMap((r) => Object.keys(r)))].map((key) => ({ key, label: key }));
  if (rows.length === 0 && !columns) return <p className="muted">{empty}</p>;
  return (
    // biome-ignore lint/a11y/noNoninteractiveTabindex lint/a11y/useSemanticElements: a scrolling frame must take the keyboard to be scrolled without a mouse (WCAG 2.1.1); it is no section of the page.
    <div className="table-wrap" tabIndex={0} role="region" aria-label={caption} data-testid={testId}>
      <table>
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            {cols.map((c) => (
              <th key={c.key} scope="col" aria-sort={c.sort}>
                {c.label ?? c.key}
                {subtitles?.[c.key] ? <span className="col-type">{subtitles[c.key]}</span> : null}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.length === 0 ? (
            empty === null ? null : (
              <tr>
                <td colSpan={cols.length} className="muted">
                  {empty}
                </td>
              </tr>
            )
          ) : (
            rows.map((row, i) => (
              <tr key={rowKey ? rowKey(row, i) : i}>
                {cols.map((c) => (
                  <td key={c.key}>{c.cell ? c.cell(row) : cellText((row as Record<string, unknown>)[c.key])}</td>
                ))}
              </tr>
            ))
          )}
        </tbody>
      </table>
    </div>
  );
}

/** Nested objects flattened to dotted columns, so a table can show XDM rows. */
export function flattenRow(row: Record<string, unknown>, prefix = '', out: Record<string, unknown> = {}): Record<string, unknown> {
  for (const [key, value] of Object.entries(row)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (value && typeof value === 'object' && !Array.isArray(value) && !(value instanceof Date))
      flattenRow(value as Record<string, unknown>, path, out);
    else out[path] = value;
  }
  return out;
}
