import { ARRAY_FUNCTIONS } from './arrays.js';
import { DATETIME_FUNCTIONS } from './datetime.js';
import type { FunctionDef } from './define.js';
import { HASHING_FUNCTIONS } from './hashing.js';
import { LOGIC_FUNCTIONS } from './logic.js';
import { OBJECT_FUNCTIONS } from './objects.js';
import { REGEX_FUNCTIONS } from './regex.js';
import { STRING_FUNCTIONS } from './string.js';
import { URL_FUNCTIONS } from './url.js';
import { USER_AGENT_FUNCTIONS } from './user-agent.js';

export type { FunctionDef, FunctionParam } from './define.js';
export { isDate } from './define.js';
export { getMember } from './objects.js';
export { compareValues, truthy } from './logic.js';

/** Every function, in the order the functions endpoint lists them. */
export const FUNCTION_DEFS: readonly FunctionDef[] = [
  ...STRING_FUNCTIONS,
  ...REGEX_FUNCTIONS,
  ...HASHING_FUNCTIONS,
  ...URL_FUNCTIONS,
  ...DATETIME_FUNCTIONS,
  ...OBJECT_FUNCTIONS,
  ...ARRAY_FUNCTIONS,
  ...LOGIC_FUNCTIONS,
  ...USER_AGENT_FUNCTIONS,
];

/** Functions by lower-case name and alias (AEP's names are case-insensitive). */
export const FUNCTIONS_BY_NAME: ReadonlyMap<string, FunctionDef> = new Map(
  FUNCTION_DEFS.flatMap((def) => [def.name, ...(def.aliases ?? [])].map((name) => [name.toLowerCase(), def] as const)),
);
