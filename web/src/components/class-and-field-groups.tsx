import { useMemo, useState } from 'react';
import { ADHOC_CLASS, schemaRegistry } from '../api/schema-registry.api.js';
import { useApp } from '../app-context.js';
import { useAsync } from '../lib/use-async.js';
import { ErrorNote, Loading } from './ui.js';

/**
 * The two choices that compose a schema: one class, and the field groups meant to extend it
 * (changing the class clears the groups). Used by the schema page and the sources wizard.
 */
export function ClassAndFieldGroups(props: {
  classId: string;
  onClassChange: (classId: string) => void;
  groups: string[];
  onGroupsChange: (groups: string[]) => void;
}) {
  const { classId, groups, onGroupsChange } = props;
  const { api } = useApp();
  const sr = schemaRegistry(api);
  const [filter, setFilter] = useState('');
  const classes = useAsync(() => sr.listBoth('classes'), [api]);
  const fieldGroups = useAsync(() => (classId ? sr.fieldGroupsFor(classId) : Promise.resolve([])), [api, classId]);
  const shown = useMemo(
    () => (fieldGroups.data ?? []).filter((g) => groups.includes(g.$id) || `${g.title} ${g.$id}`.toLowerCase().includes(filter.trim().toLowerCase())),
    [fieldGroups.data, filter, groups],
  );
  return (
    <>
      <label>
        <span>Class</span>
        <select
          value={classId}
          onChange={(e) => {
            props.onClassChange(e.target.value);
            onGroupsChange([]);
          }}
        >
          {classes.data?.some((c) => c.$id === classId) ? null : <option value={classId}>{classId}</option>}
          {classes.data
            ?.filter((c) => c.$id !== ADHOC_CLASS)
            .map((c) => (
              <option key={c.$id} value={c.$id}>
                {c.title}
              </option>
            ))}
        </select>
      </label>
      <fieldset>
        <legend>Field groups ({groups.length} chosen)</legend>
        <label className="inline">
          <span>Filter field groups</span>
          <input type="search" value={filter} onChange={(e) => setFilter(e.target.value)} />
        </label>
        {fieldGroups.loading ? <Loading /> : null}
        <ErrorNote error={fieldGroups.error} />
        {/* biome-ignore lint/a11y/useSemanticElements: a named group of check boxes inside the form's own fieldset. */}
        <div className="checklist" role="group" aria-label="Field groups">
          {shown.map((g) => (
            <label key={g.$id} className="check">
              <input
                type="checkbox"
                checked={groups.includes(g.$id)}
                onChange={(e) => onGroupsChange(e.target.checked ? [...groups, g.$id] : groups.filter((x) => x !== g.$id))}
              />{' '}
              {g.title}
            </label>
          ))}
        </div>
      </fieldset>
    </>
  );
}
