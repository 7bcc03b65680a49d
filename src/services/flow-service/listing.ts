import { invalid } from '../errors.js';

/**
 * Flow Service list queries: `property=` filters, `orderby`, `limit`, `continuationToken`, `count`.
 * Filters apply to the response items, so any field a client sees can be filtered on.
 */

type Operator = '==' | '!=' | '>=' | '<=' | '>' | '<' | '~';
interface Filter {
  path: string[];
  op: Operator;
  value: string;
}

export interface ListQuery {
  filters: Filter[];
  orderBy: { path: string[]; descending: boolean } | null;
  limit: number;
  offset: number;
  count: boolean;
}

export interface Page<T> {
  items: T[];
  _links?: { next: { href: string } };
  count?: number;
}

const FILTER = /^([A-Za-z0-9_.$@-]+?)\s*(==|!=|>=|<=|>|<|~)\s*(.*)$/;

function parseFilter(raw: string): Filter {
  const match = FILTER.exec(raw.trim());
  if (!match) throw invalid(`property filter "${raw}" is not of the form field==value`);
  const [, field, op, rawValue] = match as unknown as [string, string, Operator, string];
  const value = /^".*"$/.test(rawValue) || /^'.*'$/.test(rawValue) ? rawValue.slice(1, -1) : rawValue;
  return { path: field.split('.'), op, value };
}

function asList(value: unknown): string[] {
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

export function parseListQuery(query: Record<string, unknown>, defaults = { limit: 100, maxLimit: 1000 }): ListQuery {
  const filters = asList(query.property)
    .flatMap((p) => p.split('&').filter(Boolean))
    .map(parseFilter);
  const limitRaw = query.limit;
  const limit = limitRaw === undefined ? defaults.limit : Number(limitRaw);
  if (!Number.isInteger(limit) || limit < 1) throw invalid('limit must be a positive integer');
  let offset = 0;
  if (typeof query.continuationToken === 'string' && query.continuationToken) {
    const decoded = Buffer.from(query.continuationToken, 'base64url').toString();
    if (!/^\d{1,9}$/.test(decoded)) throw invalid('continuationToken is not valid');
    offset = Number(decoded);
  }
  const orderRaw = typeof query.orderby === 'string' ? query.orderby : typeof query.orderBy === 'string' ? query.orderBy : '';
  const orderBy = orderRaw ? { path: orderRaw.replace(/^[-+]/, '').split('.'), descending: orderRaw.startsWith('-') } : null;
  return { filters, orderBy, limit: Math.min(limit, defaults.maxLimit), offset, count: String(query.count) === 'true' };
}

function at(item: unknown, path: string[]): unknown {
  let value: unknown = item;
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

function compare(actual: unknown, op: Operator, expected: string): boolean {
  if (Array.isArray(actual)) return op === '!=' ? actual.every((a) => compare(a, op, expected)) : actual.some((a) => compare(a, op, expected));
  if (op === '~') return typeof actual === 'string' && actual.toLowerCase().includes(expected.toLowerCase());
  const numeric = typeof actual === 'number' && expected.trim() !== '' && !Number.isNaN(Number(expected));
  const a = numeric ? (actual as number) : String(actual ?? '');
  const b = numeric ? Number(expected) : expected;
  switch (op) {
    case '==':
      return a === b;
    case '!=':
      return a !== b;
    case '>':
      return a > b;
    case '<':
      return a < b;
    case '>=':
      return a >= b;
    case '<=':
      return a <= b;
  }
}

/**
 * A page the database already cut: `items` are the list's items from `query.offset` on, in its
 * order, at most `query.limit + 1` of them (one more than a page says that another page follows).
 */
export function pageOf<T>(items: T[], query: ListQuery, nextHref: (token: string) => string, total?: number): Page<T> {
  const page: Page<T> = { items: items.slice(0, query.limit) };
  if (items.length > query.limit) page._links = { next: { href: nextHref(Buffer.from(String(query.offset + query.limit)).toString('base64url')) } };
  if (query.count && total !== undefined) page.count = total;
  return page;
}

/** Filters, orders and pages items already in their response shape. */
export function applyListQuery<T>(items: T[], query: ListQuery, nextHref: (token: string) => string): Page<T> {
  let selected = items.filter((item) => query.filters.every((f) => compare(at(item, f.path), f.op, f.value)));
  if (query.orderBy) {
    const { path, descending } = query.orderBy;
    selected = [...selected].sort((x, y) => {
      const a = at(x, path) as string | number;
      const b = at(y, path) as string | number;
      const order = a === b ? 0 : a === undefined ? 1 : b === undefined ? -1 : a < b ? -1 : 1;
      return descending ? -order : order;
    });
  }
  const page: Page<T> = { items: selected.slice(query.offset, query.offset + query.limit) };
  const nextOffset = query.offset + query.limit;
  if (nextOffset < selected.length) page._links = { next: { href: nextHref(Buffer.from(String(nextOffset)).toString('base64url')) } };
  if (query.count) page.count = selected.length;
  return page;
}
