import { invalid } from '../errors.js';

/**
 * Query Service's list parameters, shared by `/query-templates`, `/schedules` and a schedule's `/runs`:
 * `orderby` (`created` or `updated`, `+`/`-` in front, default `-created`), `limit`, `start` and `property`
 * filters (`name~text,userId==…`). The spec calls `start` a timestamp on the `orderby` field and the guides call it
 * a zero-based offset: both are accepted (digits are an offset, anything else must be a timestamp).
 */
export interface ListParams {
  orderby: string;
  column: 'created_at' | 'updated_at';
  descending: boolean;
  limit: number;
  offset: number;
  /** From `start` as a timestamp: rows after it in the page's order. */
  after: Date | null;
  property: string | null;
  filters: Filter[];
}

export interface Filter {
  column: string;
  op: '==' | '!=' | '>' | '<' | '>=' | '<=' | '~';
  value: string;
  kind: FilterKind;
}

type FilterKind = 'text' | 'time' | 'boolean' | 'user';

/** A property a list may be filtered on: its column, its kind and the operators it takes. */
export interface FilterDef {
  column: string;
  kind: FilterKind;
  ops: ReadonlyArray<Filter['op']>;
}

export interface RawListQuery {
  orderby?: string | undefined;
  orderBy?: string | undefined;
  limit?: string | number | undefined;
  start?: string | number | undefined;
  property?: string | undefined;
}

const OPERATORS: ReadonlyArray<Filter['op']> = ['==', '!=', '>=', '<=', '~', '>', '<'];

export function parseListParams(query: RawListQuery, filterable: Record<string, FilterDef>, defaultLimit = 20): ListParams {
  const limit = query.limit === undefined ? defaultLimit : Number(query.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 1000) throw invalid('limit must be an integer from 1 to 1000');
  const orderby = String(query.orderby ?? query.orderBy ?? '-created').trim();
  const match = /^([+-]?)(created|updated)$/.exec(orderby);
  if (!match) throw invalid('orderby must be created or updated, with + or - in front');
  let offset = 0;
  let after: Date | null = null;
  if (query.start !== undefined && query.start !== '') {
    const start = String(query.start);
    if (/^\d+$/.test(start)) offset = Number(start);
    else {
      after = new Date(start);
      if (Number.isNaN(after.getTime())) throw invalid('start must be an offset (0, 1, …) or an ISO 8601 timestamp');
    }
  }
  const property = query.property?.trim() || null;
  return {
    orderby,
    column: match[2] === 'created' ? 'created_at' : 'updated_at',
    // `orderby=created` (no sign) is ascending, as the guides say.
    descending: match[1] === '-',
    limit,
    offset,
    after,
    property,
    filters: property ? parseFilters(property, filterable) : [],
  };
}

function parseFilters(property: string, filterable: Record<string, FilterDef>): Filter[] {
  return property
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const op = OPERATORS.map((o) => ({ o, at: part.indexOf(o) }))
        .filter((c) => c.at > 0)
        .sort((a, b) => a.at - b.at || b.o.length - a.o.length)[0];
      if (!op) throw invalid(`property filter "${part}" has no operator (==, !=, >, <, >=, <=, ~)`);
      const name = part.slice(0, op.at).trim();
      const value = part.slice(op.at + op.o.length).trim();
      const def = filterable[name];
      if (!def) throw invalid(`property filter "${part}": ${name} cannot be filtered on; use ${Object.keys(filterable).join(', ')}`);
      if (!def.ops.includes(op.o)) throw invalid(`property filter "${part}": ${name} takes ${def.ops.join(', ')}`);
      if (def.kind === 'time' && Number.isNaN(new Date(value).getTime())) throw invalid(`property filter "${part}": ${value} is not a timestamp`);
      if (def.kind === 'boolean' && !['true', 'false'].includes(value.toLowerCase()))
        throw invalid(`property filter "${part}": ${name} is true or false`);
      return { column: def.column, op: op.o, value, kind: def.kind };
    });
}

/**
 * The WHERE conditions and ORDER BY of a list, with their values appended to `values` (whose first entries the
 * caller's own conditions use). Column names come from the filter definitions, never from the request.
 */
export function listSql(
  params: ListParams,
  values: unknown[],
  options: { page?: boolean } = {},
): { where: string; orderBy: string; limitOffset: string } {
  const conditions: string[] = [];
  const bind = (value: unknown) => {
    values.push(value);
    return `$${values.length}`;
  };
  for (const filter of params.filters) {
    if (filter.kind === 'time') conditions.push(`${filter.column} ${filter.op === '==' ? '=' : filter.op} ${bind(new Date(filter.value))}`);
    else if (filter.kind === 'boolean')
      conditions.push(`${filter.column} ${filter.op === '!=' ? '<>' : '='} ${bind(filter.value.toLowerCase() === 'true')}`);
    else if (filter.kind === 'user') {
      // A user id is shown as `{client}@AdobeID`; either spelling matches.
      const p = bind(filter.value.replace(/@AdobeID$/i, ''));
      conditions.push(`${filter.op === '!=' ? 'not ' : ''}(${filter.column} = ${p})`);
    } else if (filter.op === '~') conditions.push(`position(lower(${bind(filter.value)}) in lower(${filter.column})) > 0`);
    else conditions.push(`${filter.column} ${filter.op === '!=' ? '<>' : filter.op === '==' ? '=' : filter.op} ${bind(filter.value)}`);
  }
  if (params.after) conditions.push(`${params.column} ${params.descending ? '<' : '>'} ${bind(params.after)}`);
  const direction = params.descending ? 'desc' : 'asc';
  return {
    where: conditions.map((c) => ` and ${c}`).join(''),
    orderBy: `order by ${params.column} ${direction}, id ${direction}`,
    // A count takes the filters only.
    limitOffset: options.page === false ? '' : `limit ${bind(params.limit)} offset ${bind(params.offset)}`,
  };
}

/** `_page` and `_links` of a list page: `next` is there when the page is full. */
export function pageOf(
  params: ListParams,
  count: number,
  href: string,
  firstValue: string | undefined,
  lastValue: string | undefined,
): { _page: Record<string, unknown>; _links: Record<string, unknown> } {
  const full = count === params.limit;
  // A page that started at a timestamp goes on from the last one it showed; one that started at an offset, by offset.
  const next = params.after && lastValue ? lastValue : String(params.offset + count);
  const query = new URLSearchParams({ orderby: params.orderby, limit: String(params.limit), start: next });
  if (params.property) query.set('property', params.property);
  return {
    _page: {
      orderby: params.orderby,
      start: firstValue ?? String(params.offset),
      count,
      ...(params.property ? { property: params.property } : {}),
      ...(full ? { next } : {}),
    },
    _links: full ? { next: { href: `${href}?${query.toString()}` } } : {},
  };
}
