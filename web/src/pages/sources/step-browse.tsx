import { useState } from 'react';
import { flowService, type ExploreEntry } from '../../api/flow-service.api.js';
import { useApp } from '../../app-context.js';
import { ErrorNote, Loading } from '../../components/ui.js';
import { useAsync } from '../../lib/use-async.js';
import type { StepProps } from './wizard-state.js';
import { Icon } from '../../components/icon.js';

/** Step 2: browse the storage, filter, and pick a file or a whole folder. */
export function BrowseStep({ state, update, next }: StepProps) {
  const { api } = useApp();
  const connectionId = state.connection!.id;
  const [folder, setFolder] = useState<string | null>(null);
  const [filter, setFilter] = useState('');
  const [recursive, setRecursive] = useState(state.source?.recursive ?? false);
  const listing = useAsync(() => flowService(api).explore(connectionId, folder), [api, connectionId, folder]);
  const entries = (listing.data ?? [])
    .filter((e) => e.name.toLowerCase().includes(filter.trim().toLowerCase()))
    .sort((a, b) => (a.type === b.type ? a.name.localeCompare(b.name) : a.type === 'folder' ? -1 : 1));
  const parts = (folder ?? '').split('/').filter(Boolean);
  const selected = state.source?.path;

  const chooseFile = (entry: ExploreEntry) =>
    update({ source: { path: entry.path, type: 'file', recursive: false, previewFile: entry.path }, preview: undefined });
  const chooseFolder = async () => {
    // A folder is previewed through its first previewable file.
    const first = entries.find((e) => e.type === 'file' && e.canPreview !== false);
    if (!folder || !first) return;
    update({ source: { path: folder, type: 'folder', recursive, previewFile: first.path }, preview: undefined });
  };

  return (
    <div className="stack">
      <nav aria-label="Folder path" className="crumbs">
        <button type="button" className="link" onClick={() => setFolder(null)}>
          root
        </button>
        {parts.map((part, i) => (
          <span key={i}>
            {' / '}
            <button type="button" className="link" onClick={() => setFolder(`/${parts.slice(0, i + 1).join('/')}`)}>
              {part}
            </button>
          </span>
        ))}
      </nav>
      <label className="inline">
        <span>Filter</span>
        <input type="search" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="name contains…" />
      </label>
      {listing.loading ? <Loading /> : null}
      <ErrorNote error={listing.error} />
      <ul className="explorer" aria-label={`Contents of ${folder ?? 'root'}`}>
        {entries.map((entry) => (
          <li key={entry.path} className={selected === entry.path ? 'selected' : undefined}>
            {entry.type === 'folder' ? (
              <button type="button" className="link" onClick={() => (setFolder(entry.path), setFilter(''))} aria-label={`Open folder ${entry.name}`}>
                <Icon name="folder" /> {entry.name}
              </button>
            ) : (
              <button
                type="button"
                className="link"
                onClick={() => chooseFile(entry)}
                disabled={entry.canPreview === false}
                aria-pressed={selected === entry.path}
                aria-label={`Select file ${entry.name}`}
              >
                <Icon name="file" /> {entry.name}
              </button>
            )}
          </li>
        ))}
        {!listing.loading && entries.length === 0 ? <li className="muted">Nothing here{filter ? ' matches the filter' : ''}.</li> : null}
      </ul>
      {folder ? (
        <div className="actions">
          <label className="check">
            <input type="checkbox" checked={recursive} onChange={(e) => setRecursive(e.target.checked)} /> Include sub-folders
          </label>
          <button type="button" className="secondary" onClick={() => void chooseFolder()} disabled={!entries.some((e) => e.type === 'file')}>
            Use this whole folder
          </button>
        </div>
      ) : null}
      {state.source ? (
        <p className="note ok" role="status">
          Selected {state.source.type} <code>{state.source.path}</code>
        </p>
      ) : null}
      <div className="actions">
        <button type="button" onClick={next} disabled={!state.source}>
          Next
        </button>
      </div>
    </div>
  );
}
