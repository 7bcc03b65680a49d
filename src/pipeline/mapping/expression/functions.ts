/**
 * The Data Prep functions the pipeline implements, by lower-case name. Empty for now: the full
 * function library is its own piece of work, and until then a call to any function fails its row
 * with MAPPER-2001 naming the function.
 */
export type DataPrepFunction = (args: unknown[]) => unknown;

export const FUNCTIONS: ReadonlyMap<string, DataPrepFunction> = new Map();
