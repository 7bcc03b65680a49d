import { MappingError } from '../ast.js';
import { FUNCTIONS_BY_NAME } from './index.js';

/**
 * For the function families' unit tests: a Data Prep function by its name or alias, called with plain
 * arguments, and the message it fails with. Not used by the product.
 */
export function fn(name: string): (...args: unknown[]) => unknown {
  const def = FUNCTIONS_BY_NAME.get(name.toLowerCase());
  if (!def) throw new Error(`no function ${name}`);
  return (...args) => def.impl(args);
}

/** The message of the MAPPER-2004 failure a call gives; any other outcome fails the test. */
export function failure(name: string, ...args: unknown[]): string {
  try {
    fn(name)(...args);
  } catch (error) {
    if (error instanceof MappingError && error.code === 'MAPPER-2004') return error.message;
    throw error;
  }
  throw new Error(`${name} gave a value`);
}
