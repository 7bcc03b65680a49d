import { useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { Icon } from './icon.js';
import { type Column, DataTable, ErrorNote, Loading } from './ui.js';

export interface ListColumn<T> extends Column<T> {
  /** What the column sorts by; a column without it does not sort. */
  sortValue?: (row: T) => string | number | undefined;
}

export interface ListViewProps<T extends object> {
  /** Names the list (its table's caption), e.g. "Dataflows". */
  caption: string;
  /** One item, in words, for the search label and the delete dialog: "dataflow". */
  noun: string;
  rows: T[] | undefined;
  loading: boolean;
  error?: unknown;
  columns: Array<ListColumn<T>>;
  rowKey: (row: T) => string;
  /** The name a person knows the row by (shown in the delete dialog and on its button). */
  rowName: (row: T) => string;
  /** The text the search box looks in. */
  searchText: (row: T) => string;
  initialSort?: { key: string; descending: boolean };
  pageSize?: number;
  /** Deletes a row; the list reloads after. Absent: no delete column. */
  onDelete?: (row: T) => Promise<unknown>;
  /** A reason the row cannot be deleted (its button is then disabled and says why), or null. */
  cannotDelete?: (row: T) => string | null;
  /** What deleting also does, said in the dialog ("Its runs stay in the history."). */
  deleteNote?: (row: T) => ReactNode;
  reload?: () => void;
  empty?: ReactNode;
  testId?: string;
  /** Extra controls beside the search box (a refresh, a create link). */
  actions?: ReactNode;
}

const PAGE_SIZES = [10, 25, 50, 100];

function compare(a: string | number | undefined, b: string | number | undefined): number {
  if (a === undefined || a === '') return b === undefined || b === '' ? 0 : 1;
  if (b === undefined || b === '') return -1;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a).localeCompare(String(b), undefined, { numeric: true, sensitivity: 'base' });
}

/**
 * Every list of the console: a search box, sortable columns, pages, and a delete that asks first.
 * Works on the rows it is given (the services answer up to a few hundred per call).
 */
export function ListView<T extends object>(props: ListViewProps<T>) {
  const { caption, noun, rows, loading, columns, rowKey, rowName, searchText, onDelete, cannotDelete } = props;
  const [query, setQuery] = useState('');
  const [sort, setSort] = useState(props.initialSort ?? null);
  const [page, setPage] = useState(0);
  const [size, setSize] = useState(props.pageSize ?? PAGE_SIZES[0]!);
  const [pending, setPending] = useState<T | null>(null);

  const shown = useMemo(() => {
    const words = query.trim().toLowerCase().split(/\s+/).filter(Boolean);
    const found = (rows ?? []).filter((row) => {
      const text = searchText(row).toLowerCase();
      return words.every((w) => text.includes(w));
    });
    const column = sort ? columns.find((c) => c.key === sort.key) : undefined;
    if (!sort || !column?.sortValue) return found;
    const by = column.sortValue;
    return [...found].sort((a, b) => compare(by(a), by(b)) * (sort.descending ? -1 : 1));
  }, [rows, query, sort, columns, searchText]);

  const pages = Math.max(1, Math.ceil(shown.length / size));
  const current = Math.min(page, pages - 1);
  const slice = shown.slice(current * size, current * size + size);

  const header = (c: ListColumn<T>): ListColumn<T> => {
    if (!c.sortValue) return c;
    const active = sort?.key === c.key;
    const direction = active ? (sort.descending ? 'descending' : 'ascending') : 'none';
    return {
      ...c,
      sort: direction,
      label: (
        <button
          type="button"
          className="sort"
          onClick={() => {
            setSort({ key: c.key, descending: active ? !sort.descending : false });
            setPage(0);
          }}
        >
          {c.label ?? c.key}
          <Icon name={direction === 'ascending' ? 'sort-up' : direction === 'descending' ? 'sort-down' : 'sort'} size={12} />
          <span className="sr-only">, sort {direction === 'ascending' ? 'descending' : 'ascending'}</span>
        </button>
      ),
    };
  };
  const cols = columns.map(header);
  if (onDelete) {
    cols.push({
      key: '__delete',
      label: <span className="sr-only">Actions</span>,
      cell: (row) => {
        const reason = cannotDelete?.(row) ?? null;
        return (
          <button
            type="button"
            className="secondary small danger"
            onClick={() => setPending(row)}
            disabled={reason !== null}
            title={reason ?? `Delete ${noun} ${rowName(row)}`}
            aria-label={`Delete ${rowName(row)}`}
          >
            <Icon name="trash" size={14} /> Delete
          </button>
        );
      },
    });
  }

  const first = shown.length ? current * size + 1 : 0;
  const last = Math.min(shown.length, (current + 1) * size);
  return (
    <div className="list-view stack" data-testid={props.testId}>
      <div className="list-tools">
        <label className="inline search">
          <span>Search {caption.toLowerCase()}</span>
          <input
            type="search"
            value={query}
            onChange={(e) => {
              setQuery(e.target.value);
              setPage(0);
            }}
            placeholder={`Name contains…`}
          />
        </label>
        {props.actions ? <div className="actions">{props.actions}</div> : null}
      </div>
      {loading && !rows ? <Loading /> : null}
      <ErrorNote error={props.error} />
      <DataTable
        caption={caption}
        rows={slice}
        rowKey={(row) => rowKey(row)}
        columns={cols}
        empty={loading && !rows ? null : query ? `No ${noun} matches “${query.trim()}”.` : (props.empty ?? `No ${noun}s yet.`)}
      />
      <nav className="pager" aria-label={`Pages of ${caption.toLowerCase()}`}>
        <span className="muted small" aria-live="polite">
          {shown.length ? `${first.toLocaleString()}–${last.toLocaleString()} of ${shown.length.toLocaleString()}` : 'None'}
          {query && rows ? ` (searched ${rows.length.toLocaleString()})` : ''}
        </span>
        <button type="button" className="secondary small" disabled={current === 0} onClick={() => setPage(current - 1)} aria-label="Previous page">
          <Icon name="chevron-left" size={14} />
        </button>
        <span className="small">
          Page {current + 1} of {pages}
        </span>
        <button type="button" className="secondary small" disabled={current >= pages - 1} onClick={() => setPage(current + 1)} aria-label="Next page">
          <Icon name="chevron-right" size={14} />
        </button>
        <label className="inline small">
          <span>Per page</span>
          <select
            value={size}
            onChange={(e) => {
              setSize(Number(e.target.value));
              setPage(0);
            }}
          >
            {PAGE_SIZES.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </label>
      </nav>
      {pending !== null && onDelete ? (
        <ConfirmDelete
          noun={noun}
          name={rowName(pending)}
          note={props.deleteNote?.(pending)}
          onCancel={() => setPending(null)}
          onConfirm={async () => {
            await onDelete(pending);
            setPending(null);
            props.reload?.();
          }}
        />
      ) : null}
    </div>
  );
}

/** A modal dialog that asks before deleting; a refusal from the API (e.g. still in use) is shown in it. */
function ConfirmDelete({
  noun,
  name,
  note,
  onCancel,
  onConfirm,
}: {
  noun: string;
  name: string;
  note: ReactNode;
  onCancel: () => void;
  onConfirm: () => Promise<void>;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    const d = dialog.current;
    if (d && !d.open) d.showModal();
    return () => d?.close();
  }, []);
  return (
    <dialog
      ref={dialog}
      className="confirm"
      aria-labelledby="confirm-title"
      onCancel={(e) => {
        e.preventDefault();
        if (!busy) onCancel();
      }}
    >
      <h2 id="confirm-title">
        Delete {noun} “{name}”?
      </h2>
      <p>
        This cannot be undone.{note ? ' ' : ''}
        {note}
      </p>
      <ErrorNote error={error} title="Not deleted" />
      <div className="actions">
        <button type="button" className="secondary" onClick={onCancel} disabled={busy}>
          Cancel
        </button>
        <button
          type="button"
          className="danger"
          disabled={busy}
          onClick={async () => {
            setBusy(true);
            setError(null);
            try {
              await onConfirm();
            } catch (err) {
              setError(err);
              setBusy(false);
            }
          }}
        >
          {busy ? 'Deleting…' : `Delete ${noun}`}
        </button>
      </div>
    </dialog>
  );
}
