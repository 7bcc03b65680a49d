import { useState } from 'react';
import type { XdmField } from '../lib/xdm-fields.js';

interface Props {
  fields: XdmField[];
  label: string;
  /** When given, leaves are buttons that pick the field (the mapping step). */
  onPick?: (field: XdmField) => void;
  /** Paths already mapped: marked in the tree. */
  marked?: Set<string>;
  /** Open every object to this depth at first. */
  openDepth?: number;
  /** Short notes shown beside fields, by path (e.g. an identity descriptor's namespace). */
  badges?: Map<string, string>;
  /** Show each field's title beside its name. */
  showTitles?: boolean;
}

/** An XDM schema as a tree of fields with their types; objects fold with native <details>. */
export function FieldTree({ fields, label, onPick, marked, openDepth = 1, badges, showTitles = false }: Props) {
  const [filter, setFilter] = useState('');
  const needle = filter.trim().toLowerCase();
  const matches = (f: XdmField): boolean => !needle || f.path.toLowerCase().includes(needle) || (f.children ?? []).some(matches);
  const extras = (field: XdmField) => (
    <>
      {showTitles && field.title && field.title !== field.name ? <span className="field-title"> {field.title}</span> : null}
      {badges?.has(field.path) ? <span className="badge identity">{badges.get(field.path)}</span> : null}
    </>
  );
  const render = (list: XdmField[], depth: number) => (
    <ul className="tree" role={depth === 0 ? 'tree' : 'group'} aria-label={depth === 0 ? label : undefined}>
      {list.filter(matches).map((field) =>
        field.children ? (
          // biome-ignore lint/a11y/useFocusableInteractive: the focusable part of the item is its <summary>.
          <li key={field.path} role="treeitem" aria-expanded={undefined}>
            <details open={depth < openDepth || Boolean(needle)}>
              <summary>
                <span className="field-name">{field.name}</span> <span className="field-type">object</span>
                {extras(field)}
              </summary>
              {render(field.children, depth + 1)}
            </details>
          </li>
        ) : (
          // biome-ignore lint/a11y/useFocusableInteractive: the focusable part of a leaf is its button, when it can be picked.
          <li key={field.path} role="treeitem" className={marked?.has(field.path) ? 'mapped' : undefined}>
            {onPick ? (
              <button type="button" className="link" onClick={() => onPick(field)} title={field.path} data-path={field.path}>
                <span className="field-name">{field.name}</span>
              </button>
            ) : (
              <span className="field-name" title={field.path}>
                {field.name}
              </span>
            )}{' '}
            <span className="field-type">
              {field.type}
              {field.format && field.format !== field.type ? ` (${field.format})` : ''}
            </span>
            {extras(field)}
            {marked?.has(field.path) ? <span className="sr-only"> (mapped)</span> : null}
          </li>
        ),
      )}
    </ul>
  );
  return (
    <div className="field-tree">
      <label className="inline">
        <span>Filter fields</span>
        <input type="search" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="e.g. email" />
      </label>
      {render(fields, 0)}
    </div>
  );
}
