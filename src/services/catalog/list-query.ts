import { invalid } from '../errors.js';

/**
 * Catalog's list conventions (`limit`, `start`, `orderBy`, `property`) turned into SQL over a whitelist of
 * fields. Catalog answers with objects keyed by id, so paging is by offset, made stable by an id tiebreak.
 */

/**
 * `memberIds`: a JSON array of objects with ids (a batch's `relatedObjects`), filtered on whether one of them has an id:
 * `relatedObjects.id==…` (one has it), `!=` (none has); it is never sorted on.
 */
export type FieldKind = 'text' | 'time' | 'number' | 'memberIds';

export interface FieldMap {
  [field: string]: { column: string; kind: FieldKind };
}

/** The list query as the HTTP layer received it; each service validates it against its fields. */
export interface ListQuery {
  limit?: string | number;
  start?: string | number;
  orderBy?: string;
  /** One or more `property=` filters, e.g. `name==Accounts`, `created>1700000000000`, `name~^acme`, `!description`. */
  property?: string | string[];
}

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 100;

/** Collects positional parameters while a statement is built. */
export class SqlParams {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

function integer(name: string, raw: string | number | undefined, fallback: number, min: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw invalid(`${name} must be an integer ≥ ${min}, got "${raw}"`);
  return value;
}

export function paging(query: ListQuery): { limit: number; start: number } {
  // Catalog caps a page at 100 objects; asking for more gets 100 rather than an error.
  const limit = Math.min(integer('limit', query.limit, DEFAULT_LIMIT, 1), MAX_LIMIT);
  return { limit, start: integer('start', query.start, 0, 0) };
}

/** `asc:created,updated`, `desc:updated`, `created`, `-created`: the prefix sets the direction of every field. */
export function orderClause(orderBy: string | undefined, fields: FieldMap, fallback: string, tiebreak: string): string {
  if (!orderBy) return `${fallback}, ${tiebreak}`;
  let direction = 'asc';
  let list = orderBy.trim();
  const prefixed = /^(asc|desc):(.*)$/i.exec(list);
  if (prefixed) {
    direction = prefixed[1]!.toLowerCase();
    list = prefixed[2]!;
  }
  const parts = list.split(',').map((raw) => {
    let name = raw.trim();
    let dir = direction;
    if (name.startsWith('-')) [name, dir] = [name.slice(1), 'desc'];
    else if (name.startsWith('+')) name = name.slice(1);
    const field = fields[name];
    if (!field || field.kind === 'memberIds') throw invalid(`orderBy: cannot sort on "${name}"; sortable fields are ${sortable(fields).join(', ')}`);
    return `${field.column} ${dir}`;
  });
  return `${parts.join(', ')}, ${tiebreak}`;
}

const sortable = (fields: FieldMap) => Object.keys(fields).filter((name) => fields[name]!.kind !== 'memberIds');

const PROPERTY = /^(!?)([A-Za-z_][\w.]*)(?:(==|!=|<=|>=|<|>|~)(.*))?$/s;

/** A filter's value without the quotes it may be written in. */
const unquoted = (raw: string) => raw.replace(/^"(.*)"$/s, '$1').replace(/^'(.*)'$/s, '$1');

function typed(field: string, kind: Exclude<FieldKind, 'memberIds'>, raw: string, params: SqlParams): string {
  const value = unquoted(raw);
  if (kind === 'text') return params.add(value);
  const number = Number(value);
  if (value === '' || !Number.isFinite(number)) throw invalid(`property: "${field}" takes a number, got "${value}"`);
  return kind === 'time' ? `to_timestamp(${params.add(number)}::float8 / 1000)` : params.add(number);
}

/** SQL conditions for the `property` filters. */
export function propertyConditions(property: ListQuery['property'], fields: FieldMap, params: SqlParams): string[] {
  const filters = property === undefined ? [] : Array.isArray(property) ? property : [property];
  return filters.map((filter) => {
    const match = PROPERTY.exec(filter.trim());
    if (!match) throw invalid(`property: cannot read the filter "${filter}"`);
    const [, negated, name, operator, value] = match;
    const field = fields[name!];
    if (!field) throw invalid(`property: cannot filter on "${name}"; filterable fields are ${Object.keys(fields).join(', ')}`);
    if (field.kind === 'memberIds') {
      if (negated || (operator !== '==' && operator !== '!=')) throw invalid(`property: "${name}" takes == or != and an id, as in "${name}==…"`);
      const holds = `${field.column} @> jsonb_build_array(jsonb_build_object('id', ${params.add(unquoted(value!))}::text))`;
      return operator === '==' ? holds : `not ${holds}`;
    }
    if (!operator) return `${field.column} is ${negated ? '' : 'not '}null`;
    if (negated) throw invalid(`property: "!" only tests that a field is absent, as in "!${name}"`);
    if (operator === '~') {
      if (field.kind !== 'text') throw invalid(`property: "~" applies to text fields, not "${name}"`);
      return `${field.column} ~ ${params.add(value)}`;
    }
    const sqlOperator = operator === '==' ? '=' : operator === '!=' ? '<>' : operator;
    const expression = `${field.column} ${sqlOperator} ${typed(name!, field.kind, value!, params)}`;
    // "!=" also keeps objects without the field, as a reader of the filter would expect.
    return operator === '!=' ? `(${expression} or ${field.column} is null)` : expression;
  });
}

/** PostgreSQL's "invalid regular expression": a client's bad `~` pattern, not a server fault. */
export function isBadRegex(error: unknown): boolean {
  return (error as { code?: string })?.code === '2201B';
}
