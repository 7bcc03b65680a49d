import type { JsonSchema } from '../../api/flow-service.api.js';
import { Icon } from '../../components/icon.js';

interface Props {
  schema: JsonSchema;
  values: Record<string, unknown>;
  onChange: (values: Record<string, unknown>) => void;
  idPrefix: string;
}

/** Secrets are marked in auth specs by `format: password` or by name; their inputs hide what is typed. */
export function isSecret(name: string, schema: JsonSchema): boolean {
  return (
    schema.format === 'password' || schema['x-secret'] === true || /secret|password|token|sas|connectionstring|privatekey|accountkey/i.test(name)
  );
}

/**
 * A form generated from a connection spec's auth JSON Schema: one input per property, typed by
 * its schema (enum → select, boolean → checkbox, number → number), required ones marked.
 */
export function AuthForm({ schema, values, onChange, idPrefix }: Props) {
  const required = new Set(schema.required ?? []);
  const set = (name: string, value: unknown) => onChange({ ...values, [name]: value });
  return (
    <div className="stack">
      {Object.entries(schema.properties ?? {}).map(([name, prop]) => {
        const id = `${idPrefix}-${name}`;
        const secret = isSecret(name, prop);
        const label = (
          <span className="field-label">
            {prop.title ?? humanize(name)}
            {required.has(name) ? <abbr title="required"> *</abbr> : <span className="optional"> (optional)</span>}
            {secret ? (
              <span className="badge secret">
                <Icon name="lock" size={12} /> secret
              </span>
            ) : null}
          </span>
        );
        // Every field says what it is for; a secret also says it is kept sealed and never shown again.
        const text = [
          prop.description,
          prop.default !== undefined && typeof prop.default !== 'object' ? `Default: ${String(prop.default)}.` : '',
          secret ? 'Stored encrypted; never shown again, not even to you.' : '',
        ]
          .filter(Boolean)
          .join(' ');
        const help = text ? (
          <small id={`${id}-help`} className="muted help">
            {text}
          </small>
        ) : null;
        const type = Array.isArray(prop.type) ? prop.type[0] : prop.type;
        if (prop.enum) {
          return (
            <label key={name} htmlFor={id}>
              {label}
              <select
                id={id}
                required={required.has(name)}
                value={String(values[name] ?? prop.default ?? '')}
                onChange={(e) => set(name, e.target.value)}
                aria-describedby={help ? `${id}-help` : undefined}
              >
                {required.has(name) ? null : <option value="">(none)</option>}
                {prop.enum.map((v) => (
                  <option key={String(v)} value={String(v)}>
                    {String(v)}
                  </option>
                ))}
              </select>
              {help}
            </label>
          );
        }
        if (type === 'boolean') {
          return (
            <label key={name} className="check" htmlFor={id}>
              <input id={id} type="checkbox" checked={Boolean(values[name] ?? prop.default ?? false)} onChange={(e) => set(name, e.target.checked)} />
              {label}
              {help}
            </label>
          );
        }
        if (type === 'object' || type === 'array') {
          return (
            <label key={name} htmlFor={id}>
              {label}
              <textarea
                id={id}
                rows={3}
                defaultValue={values[name] === undefined ? '' : JSON.stringify(values[name])}
                onChange={(e) => {
                  try {
                    set(name, e.target.value.trim() ? JSON.parse(e.target.value) : undefined);
                  } catch {
                    /* still typing */
                  }
                }}
              />
              {help}
            </label>
          );
        }
        return (
          <label key={name} htmlFor={id}>
            {label}
            <input
              id={id}
              name={name}
              type={secret ? 'password' : type === 'integer' || type === 'number' ? 'number' : 'text'}
              autoComplete={secret ? 'new-password' : 'off'}
              placeholder={prop.default !== undefined && typeof prop.default !== 'object' ? String(prop.default) : undefined}
              required={required.has(name)}
              value={String(values[name] ?? '')}
              onChange={(e) => {
                // JSON Schema patterns are unanchored ECMAScript regexes, unlike HTML's pattern attribute.
                e.target.setCustomValidity(matches(prop.pattern, e.target.value) ? '' : `Must match ${prop.pattern}: ${prop.description ?? ''}`);
                set(name, type === 'integer' || type === 'number' ? (e.target.value === '' ? undefined : Number(e.target.value)) : e.target.value);
              }}
              aria-describedby={help ? `${id}-help` : undefined}
            />
            {help}
          </label>
        );
      })}
    </div>
  );
}

/** A parameter name in words, for a spec without titles: `s3AccessKey` → "S3 access key". */
export function humanize(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_-]+/g, ' ')
    .trim()
    .split(/\s+/)
    .map((w, i) => (/^[A-Z0-9]+$/.test(w) && w.length > 1 ? w : i === 0 ? w : w.toLowerCase()));
  const text = words.join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function matches(pattern: string | undefined, value: string): boolean {
  if (!pattern || value === '') return true;
  try {
    return new RegExp(pattern, 'u').test(value);
  } catch {
    return true;
  }
}

/** The values to send: empty inputs left out, so optional params keep their defaults. */
export function authParams(values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(values).filter(([, v]) => v !== '' && v !== undefined));
}
