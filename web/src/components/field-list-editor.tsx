import { useEffect, useState } from 'react';
import {
  FIELD_KINDS,
  hasChildren,
  INTEGER_WIDTHS,
  ITEM_KINDS,
  KIND_LABELS,
  MAP_VALUE_KINDS,
  newField,
  STRING_FORMATS,
  type FieldDraft,
} from '../lib/field-draft.js';
import './schema-editor.css';

const FORMAT_LABELS: Record<string, string> = { '': 'None', email: 'Email', uri: 'URI', date: 'Date', 'date-time': 'Date-time' };
const WIDTH_LABELS: Record<string, string> = {
  byte: 'Byte (8 bit)',
  short: 'Short (16 bit)',
  int: 'Int (32 bit)',
  long: 'Long (64 bit)',
};

interface Props {
  fields: FieldDraft[];
  onChange: (fields: FieldDraft[]) => void;
  /** Problems by field key (`key` for the name, `key:children` for an empty object). */
  problems: Map<string, string>;
  /** Show the problems (after a first submit), so a field being typed is not scolded at once. */
  showProblems: boolean;
  /** What the list belongs to, for the add button and screen readers ("the group", "address"). */
  owner: string;
  depth?: number;
}

/** A list of fields to add, change, remove and nest; each field's controls sit in a fieldset named by it. */
export function FieldListEditor({ fields, onChange, problems, showProblems, owner, depth = 0 }: Props) {
  const [added, setAdded] = useState<string | null>(null);
  useEffect(() => {
    // A new field takes the keyboard at its name, where typing starts.
    if (added) document.getElementById(`${added}-name`)?.focus();
  }, [added]);
  const replace = (key: string, next: FieldDraft) => onChange(fields.map((f) => (f.key === key ? next : f)));
  const add = () => {
    const field = newField();
    onChange([...fields, field]);
    setAdded(field.key);
  };
  return (
    <div className={depth === 0 ? 'field-list' : 'field-list nested'}>
      {fields.length === 0 ? <p className="muted small">No fields yet.</p> : null}
      <ol className="plain">
        {fields.map((field) => (
          <li key={field.key}>
            <FieldEditor
              field={field}
              onChange={(next) => replace(field.key, next)}
              onRemove={() => {
                onChange(fields.filter((f) => f.key !== field.key));
                document.getElementById(`${owner}-add`)?.focus();
              }}
              problems={problems}
              showProblems={showProblems}
              depth={depth}
            />
          </li>
        ))}
      </ol>
      <button type="button" className="secondary small" id={`${owner}-add`} onClick={add}>
        {depth === 0 ? 'Add field' : 'Add nested field'}
      </button>
    </div>
  );
}

function FieldEditor(props: {
  field: FieldDraft;
  onChange: (field: FieldDraft) => void;
  onRemove: () => void;
  problems: Map<string, string>;
  showProblems: boolean;
  depth: number;
}) {
  const { field, onChange, problems, showProblems, depth } = props;
  const id = field.key;
  const set = (patch: Partial<FieldDraft>) => onChange({ ...field, ...patch });
  const nameProblem = showProblems ? problems.get(id) : undefined;
  const childrenProblem = showProblems ? problems.get(`${id}:children`) : undefined;
  const label = field.title || field.name || 'New field';
  return (
    <fieldset className="field-draft" data-field={field.name}>
      <legend>
        {label} <span className="field-type">{describeKind(field)}</span>
      </legend>
      <div className="field-draft-grid">
        <div className="field-cell">
          <label>
            <span>Field name</span>
            <input
              id={`${id}-name`}
              value={field.name}
              onChange={(e) => set({ name: e.target.value })}
              aria-invalid={nameProblem ? true : undefined}
              aria-describedby={nameProblem ? `${id}-name-problem` : field.name ? undefined : `${id}-name-hint`}
              autoComplete="off"
              spellCheck={false}
            />
          </label>
          {nameProblem ? (
            <span className="field-problem" id={`${id}-name-problem`}>
              {nameProblem}
            </span>
          ) : field.name ? null : (
            <span className="help small muted" id={`${id}-name-hint`}>
              e.g. loyaltyLevel
            </span>
          )}
        </div>
        <label>
          <span>Title</span>
          <input value={field.title} onChange={(e) => set({ title: e.target.value })} placeholder="Shown instead of the name" />
        </label>
        <label>
          <span>Type</span>
          <select
            value={field.kind}
            onChange={(e) => {
              const kind = e.target.value as FieldDraft['kind'];
              set({ kind, children: kind === 'object' || (kind === 'array' && field.itemKind === 'object') ? field.children : [] });
            }}
          >
            {FIELD_KINDS.map((k) => (
              <option key={k} value={k}>
                {KIND_LABELS[k]}
              </option>
            ))}
          </select>
        </label>
        {field.kind === 'string' ? (
          <Choice label="Format" value={field.format} options={STRING_FORMATS} labels={FORMAT_LABELS} onChange={(format) => set({ format })} />
        ) : null}
        {field.kind === 'array' ? (
          <Choice label="Items" value={field.itemKind} options={ITEM_KINDS} labels={KIND_LABELS} onChange={(itemKind) => set({ itemKind })} />
        ) : null}
        {field.kind === 'map' ? (
          <Choice
            label="Values"
            value={field.valueKind}
            options={MAP_VALUE_KINDS}
            labels={KIND_LABELS}
            onChange={(valueKind) => set({ valueKind })}
          />
        ) : null}
        {field.kind === 'integer' ||
        (field.kind === 'array' && field.itemKind === 'integer') ||
        (field.kind === 'map' && field.valueKind === 'integer') ? (
          <Choice label="Integer width" value={field.width} options={INTEGER_WIDTHS} labels={WIDTH_LABELS} onChange={(width) => set({ width })} />
        ) : null}
        <label>
          <span>Description</span>
          <input value={field.description} onChange={(e) => set({ description: e.target.value })} />
        </label>
      </div>
      <div className="field-draft-tools">
        <label className="check">
          <input type="checkbox" checked={field.required} onChange={(e) => set({ required: e.target.checked })} /> Required
        </label>
        <button type="button" className="secondary small danger" onClick={props.onRemove} aria-label={`Remove field ${label}`}>
          Remove
        </button>
      </div>
      {hasChildren(field) ? (
        // biome-ignore lint/a11y/useSemanticElements: the nested list is a named part of this fieldset, not a form of its own.
        <div className="field-children" role="group" aria-label={`Fields of ${label}`}>
          {childrenProblem ? (
            <p className="field-problem" role="alert">
              {childrenProblem}
            </p>
          ) : null}
          <FieldListEditor
            fields={field.children}
            onChange={(children) => set({ children })}
            problems={problems}
            showProblems={showProblems}
            owner={id}
            depth={depth + 1}
          />
        </div>
      ) : null}
    </fieldset>
  );
}

/** A labelled select over a fixed list of values, each shown by its label. */
function Choice<T extends string>(props: {
  label: string;
  value: T;
  options: readonly T[];
  labels: Record<string, string>;
  onChange: (value: T) => void;
}) {
  return (
    <label>
      <span>{props.label}</span>
      <select value={props.value} onChange={(e) => props.onChange(e.target.value as T)}>
        {props.options.map((option) => (
          <option key={option} value={option}>
            {props.labels[option]}
          </option>
        ))}
      </select>
    </label>
  );
}

function describeKind(field: FieldDraft): string {
  if (field.kind === 'array') return `array of ${field.itemKind === 'integer' ? field.width : field.itemKind}`;
  if (field.kind === 'map') return `map of ${field.valueKind === 'integer' ? field.width : field.valueKind}`;
  if (field.kind === 'integer') return field.width;
  if (field.kind === 'string' && field.format) return `string (${field.format})`;
  return field.kind;
}
