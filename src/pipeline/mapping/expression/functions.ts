/**
 * The Data Prep functions the pipeline implements, by lower-case name (see functions/ for the
 * library, one module per category).
 */
import { FUNCTIONS_BY_NAME } from './functions/index.js';

export type DataPrepFunction = (args: unknown[]) => unknown;

export const FUNCTIONS: ReadonlyMap<string, DataPrepFunction> = new Map([...FUNCTIONS_BY_NAME].map(([name, def]) => [name, def.impl]));
