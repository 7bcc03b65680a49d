import type { StoredEvent } from './partition-log.js';

/**
 * The `apache.org:selector-filter:string` expressions Event Hubs receivers attach with:
 * `amqp.annotation.x-opt-offset > '<offset>'` (or `>=`; offset `-1` is the start, `@latest` the end),
 * `amqp.annotation.x-opt-sequence-number > '<n>'` (or `>=`) and `amqp.annotation.x-opt-enqueued-time > '<epoch ms>'`.
 * Anything else is refused, as the service refuses a filter it cannot parse.
 */
export type EventFilter = { test(event: StoredEvent): boolean; latest: boolean };

const EXPRESSION = /^\s*amqp\.annotation\.x-opt-(offset|sequence-number|enqueued-time)\s*(>=|>)\s*'([^']*)'\s*$/;

export function parseSelector(expression: string): EventFilter {
  const match = EXPRESSION.exec(expression);
  if (!match) throw new Error(`The selector filter "${expression}" is not supported`);
  const [, field, operator, raw] = match as unknown as [string, string, string, string];
  const inclusive = operator === '>=';
  if (field === 'offset' && raw === '@latest') return { latest: true, test: () => true };
  const bound = Number(raw);
  if (!Number.isFinite(bound)) throw new Error(`The selector filter value "${raw}" is not a number`);
  const value = (event: StoredEvent) =>
    field === 'offset' ? Number(event.offset) : field === 'sequence-number' ? event.sequenceNumber : event.enqueuedTime.getTime();
  return { latest: false, test: (event) => (inclusive ? value(event) >= bound : value(event) > bound) };
}
