/**
 * Compiled validators for resolved schemas. Rows reaching the pipeline are XED-shaped
 * (`person.name.firstName`, `_id`), like the resolved schema's `properties` tree.
 */
import { Ajv, type ErrorObject } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { TargetSchema } from '../../pipeline/contracts.js';

// ajv-formats is CommonJS: under NodeNext its default export is the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ?? addFormatsModule) as (ajv: Ajv) => Ajv;

export type Violation = { path: string; message: string };

/** `/person/name/firstName` → `person.name.firstName`; array positions stay as `[3]`. */
function dotted(instancePath: string, extra?: string): string {
  const parts = instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  if (extra !== undefined) parts.push(extra);
  return parts.reduce((acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), '');
}

function toViolation(error: ErrorObject): Violation {
  const missing = error.keyword === 'required' ? String((error.params as { missingProperty?: string }).missingProperty) : undefined;
  return { path: dotted(error.instancePath, missing), message: error.message ?? error.keyword };
}

/**
 * Compiles a resolved schema. Each schema gets its own Ajv instance: schemas carry `$id`s that
 * would collide inside one instance, and dropping an instance frees what it compiled.
 */
export function compileTarget(schema: Record<string, unknown>): TargetSchema {
  // XDM patterns are written for JavaScript's non-unicode regular expressions.
  const ajv = new Ajv({ strict: false, allErrors: true, logger: false, unicodeRegExp: false, validateSchema: false });
  addFormats(ajv);
  const { $id: _id, $schema: _schema, ...body } = schema;
  const check = ajv.compile(body);
  return {
    schema,
    validate(row) {
      if (check(row)) return [];
      return (check.errors ?? []).map(toViolation);
    },
  };
}
