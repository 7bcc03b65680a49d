import { ConnectorError } from '../sdk.js';

/** Reading a connection's `auth.params`: Flow Service validated them against the spec, but a
 * connector can be opened from anywhere, so it re-checks what it relies on. */

export function requiredString(params: Record<string, unknown>, name: string): string {
  const value = params[name];
  if (typeof value !== 'string' || value === '') throw new ConnectorError('invalid_params', `auth.params.${name} is required`);
  return value;
}

/** A string param, or undefined when absent or empty (forms often send "" for "not set"). */
export function optionalString(params: Record<string, unknown>, name: string): string | undefined {
  const value = params[name];
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new ConnectorError('invalid_params', `auth.params.${name} must be a string`);
  return value;
}
