/**
 * Listing rules of the registry: `orderby=title,-x` sorts, `start` is the value of the primary sort
 * key to start strictly after, `limit` caps the page, `property=key==value` (also `!=`, `~` regex,
 * or a bare key for "exists") filters; the page says where to continue.
 */
import { invalid } from '../errors.js';
import type { Resource } from './resource.js';

export interface ListQuery {
  orderby?: string;
  start?: string;
  limit?: number;
  /** Filters, each `key==value`, `key!=value`, `key~regex` or `key`. */
  property?: string[];
}

export interface ListPage<T = Resource> {
  results: T[];
  _page: { orderby: string; next: string | null; count: number };
}

export const DEFAULT_LIMIT = 300;
const MAX_LIMIT = 500;

type Item = Record<string, unknown>;
type Filter = (r: Item) => boolean;

function valueAt(resource: Item, key: string): unknown {
  return resource[key];
}

function matches(value: unknown, test: (v: string) => boolean): boolean {
  return Array.isArray(value) ? value.some((v) => test(String(v))) : value !== undefined && test(String(value));
}

function parseFilter(expression: string): Filter {
  const m = /^([^=!~]+?)\s*(==|!=|~)\s*(.*)$/.exec(expression);
  if (!m) {
    const key = expression.trim();
    return (r) => valueAt(r, key) !== undefined;
  }
  const [, key, op, raw] = m as unknown as [string, string, string, string];
  if (op === '~') {
    let pattern: RegExp;
    try {
      pattern = new RegExp(raw);
    } catch {
      throw invalid(`Invalid regular expression in property filter '${expression}'`, 'XDM-1000-400');
    }
    return (r) => matches(valueAt(r, key.trim()), (v) => pattern.test(v));
  }
  const equal = (r: Item) => matches(valueAt(r, key.trim()), (v) => v === raw);
  return op === '==' ? equal : (r) => !equal(r);
}

function sortKey(resource: Item, key: string): string {
  const v = resource[key];
  return v === undefined || v === null ? '' : String(v);
}

/** One page of `resources`; `idKey` names the unique key that breaks ties (`$id`, or `@id` for descriptors). */
export function listPage<T extends Item = Resource>(resources: readonly T[], query: ListQuery, idKey = '$id'): ListPage<T> {
  const filters = (query.property ?? [])
    .flatMap((p) => p.split(','))
    .filter((p) => p.trim() !== '')
    .map(parseFilter);
  const orderby = query.orderby?.trim() || 'title';
  const keys = orderby
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean)
    .map((k) => (k.startsWith('-') ? { key: k.slice(1), desc: true } : { key: k.replace(/^\+/, ''), desc: false }));
  const limit = Math.min(Math.max(query.limit ?? DEFAULT_LIMIT, 0), MAX_LIMIT);
  const primary = keys[0]!;
  let selected = resources.filter((r) => filters.every((f) => f(r)));
  selected = [...selected].sort((a, b) => {
    for (const { key, desc } of keys) {
      const c = sortKey(a, key).localeCompare(sortKey(b, key));
      if (c !== 0) return desc ? -c : c;
    }
    return sortKey(a, idKey).localeCompare(sortKey(b, idKey));
  });
  if (query.start !== undefined) {
    const start = query.start;
    selected = selected.filter((r) => {
      const c = sortKey(r, primary.key).localeCompare(start);
      return primary.desc ? c < 0 : c > 0;
    });
  }
  const page = selected.slice(0, limit);
  const more = selected.length > page.length && page.length > 0;
  return { results: page, _page: { orderby, next: more ? sortKey(page[page.length - 1]!, primary.key) : null, count: page.length } };
}

/** The `xed-id` summary of a resource. */
export function summary(resource: Resource): Record<string, unknown> {
  return { $id: resource.$id, 'meta:altId': resource['meta:altId'], version: resource.version, title: resource.title };
}
