import { array, fnError, isDate, isObject, object, p, text, type FunctionDef } from './define.js';

const CATEGORY = 'Hierarchies - Objects';
const nullIn = (value: unknown) => value === null || value === undefined;

/** "k1:v1,k2:v2" → pairs, trimmed; the delimiters are literal strings. */
function pairs(fn: string, input: string, valueDelimiter: string, fieldDelimiter: string): Array<[string, string]> {
  if (valueDelimiter === '' || fieldDelimiter === '') throw fnError(fn, 'delimiters must not be empty');
  const result: Array<[string, string]> = [];
  for (const field of input.split(fieldDelimiter)) {
    const at = field.indexOf(valueDelimiter);
    if (at < 0) continue;
    const key = field.slice(0, at).trim();
    if (key !== '') result.push([key, field.slice(at + valueDelimiter.length).trim()]);
  }
  return result;
}

export const OBJECT_FUNCTIONS: FunctionDef[] = [
  {
    name: 'is_empty',
    category: CATEGORY,
    description: 'Whether a value is empty: null, an empty string, an empty array or an object without keys.',
    syntax: 'boolean is_empty(Object)',
    returns: 'true or false.',
    returnType: 'java.lang.Boolean',
    example: 'is_empty([1, null, 2, 3])',
    result: 'false',
    params: [p('input', 'object', 'The value to check.')],
    impl: (args) => {
      const value = args[0];
      if (nullIn(value) || value === '') return true;
      if (Array.isArray(value)) return value.length === 0;
      if (isObject(value)) return Object.keys(value).length === 0;
      return false;
    },
  },
  {
    name: 'arrays_to_object',
    aliases: ['arrays_to_objects'],
    category: CATEGORY,
    description: 'Builds a list of objects from parallel arrays: to_array-style key/array pairs, element i of each array going into object i.',
    syntax: 'Object[] arrays_to_object(String, Object[], ...)',
    returns: 'The list of objects, or null when no array is given.',
    returnType: 'java.util.List',
    example: 'arrays_to_object("sku", ["s1", "s2"], "price", [1.5, 2])',
    result: '[{"sku": "s1", "price": 1.5}, {"sku": "s2", "price": 2}]',
    params: [p('key', 'string', 'The key of the values of the next array.'), p('values', 'array', 'The values for that key.', { variadic: true })],
    impl: (args) => {
      if (args.length % 2 !== 0) throw fnError('arrays_to_object', 'expects key, array pairs');
      const columns: Array<[string, unknown[]]> = [];
      for (let i = 0; i < args.length; i += 2)
        columns.push([text('arrays_to_object', args[i], 'key'), nullIn(args[i + 1]) ? [] : array('arrays_to_object', args[i + 1], 'values')]);
      if (columns.length === 0) return null;
      const length = Math.max(...columns.map(([, values]) => values.length));
      return Array.from({ length }, (_, i) =>
        Object.fromEntries(columns.filter(([, values]) => i < values.length).map(([key, values]) => [key, values[i] ?? null])),
      );
    },
  },
  {
    name: 'to_object',
    category: CATEGORY,
    description: 'Builds an object from alternating keys and values.',
    syntax: 'Object to_object(String, Object, ...)',
    returns: 'The object.',
    returnType: 'java.util.Map',
    example: 'to_object("firstName", "John", "lastName", "Doe")',
    result: '{"firstName": "John", "lastName": "Doe"}',
    params: [p('key', 'string', 'A key.'), p('value', 'object', 'Its value.', { variadic: true })],
    impl: (args) => {
      if (args.length % 2 !== 0) throw fnError('to_object', 'expects key, value pairs');
      const result: Record<string, unknown> = {};
      for (let i = 0; i < args.length; i += 2) {
        if (nullIn(args[i])) throw fnError('to_object', 'a key must not be null');
        result[text('to_object', args[i], 'key')] = args[i + 1] ?? null;
      }
      return result;
    },
  },
  {
    name: 'str_to_object',
    category: CATEGORY,
    description:
      'Builds an object from a string of key/value pairs; the value delimiter defaults to ":" and the field delimiter to ",". Keys and values are trimmed.',
    syntax: 'Object str_to_object(String, String, String)',
    returns: 'The object, or null for a null input.',
    returnType: 'java.util.Map',
    example: 'str_to_object("firstName - John ; lastName - Doe ; phone - 123 456 7890", "-", ";")',
    result: '{"firstName": "John", "lastName": "Doe", "phone": "123 456 7890"}',
    params: [
      p('input', 'string', 'The string of pairs.'),
      p('valueDelimiter', 'string', 'Between a key and its value.', { optional: true }),
      p('fieldDelimiter', 'string', 'Between pairs.', { optional: true }),
    ],
    impl: (args) => {
      if (nullIn(args[0])) return null;
      const valueDelimiter = nullIn(args[1]) ? ':' : text('str_to_object', args[1], 'valueDelimiter');
      const fieldDelimiter = nullIn(args[2]) ? ',' : text('str_to_object', args[2], 'fieldDelimiter');
      return Object.fromEntries(pairs('str_to_object', text('str_to_object', args[0]), valueDelimiter, fieldDelimiter));
    },
  },
  {
    name: 'contains_key',
    aliases: ['is_set'],
    category: CATEGORY,
    description: 'Whether an object holds a key; a dotted key walks nested objects.',
    syntax: 'boolean contains_key(Object, String)',
    returns: 'true or false.',
    returnType: 'java.lang.Boolean',
    example: 'contains_key(to_object("id", 1), "id")',
    result: 'true',
    params: [p('input', 'object', 'The object.'), p('key', 'string', 'The key to look for.')],
    impl: (args) => {
      if (nullIn(args[0])) return false;
      let current: unknown = object('contains_key', args[0]);
      for (const segment of text('contains_key', args[1], 'key').split('.')) {
        if (!isObject(current) || !Object.hasOwn(current, segment)) return false;
        current = current[segment];
      }
      return true;
    },
  },
  {
    name: 'nullify',
    category: CATEGORY,
    description: 'Always null: maps a field to no value.',
    syntax: 'Object nullify()',
    returns: 'null.',
    returnType: 'java.lang.Object',
    example: 'nullify()',
    result: 'null',
    params: [],
    impl: () => null,
  },
  {
    name: 'get_keys',
    category: CATEGORY,
    description: 'The keys of an object, as an array.',
    syntax: 'String[] get_keys(Object)',
    returns: 'The keys, or null for a null input.',
    returnType: 'java.lang.String[]',
    example: 'get_keys(to_object("book1", "Pride and Prejudice", "book2", "1984"))',
    result: '["book1", "book2"]',
    params: [p('input', 'object', 'The object.')],
    impl: (args) => (nullIn(args[0]) ? null : Object.keys(object('get_keys', args[0]))),
  },
  {
    name: 'get_values',
    category: CATEGORY,
    description: 'The value of one key in a string of key/value pairs (delimiters as for str_to_object).',
    syntax: 'String get_values(String, String, String, String)',
    returns: 'The value, or null when the key is absent or the input is null.',
    returnType: 'java.lang.String',
    example: 'get_values("firstName - John , lastName - Cena , phone - 555 420 8692", "firstName", "-", ",")',
    result: '"John"',
    params: [
      p('input', 'string', 'The string of pairs.'),
      p('key', 'string', 'The key.'),
      p('valueDelimiter', 'string', 'Between a key and its value.'),
      p('fieldDelimiter', 'string', 'Between pairs.', { optional: true }),
    ],
    impl: (args) => {
      if (nullIn(args[0])) return null;
      const key = text('get_values', args[1], 'key');
      const valueDelimiter = nullIn(args[2]) ? ':' : text('get_values', args[2], 'valueDelimiter');
      const fieldDelimiter = nullIn(args[3]) ? ',' : text('get_values', args[3], 'fieldDelimiter');
      return pairs('get_values', text('get_values', args[0]), valueDelimiter, fieldDelimiter).find(([k]) => k === key)?.[1] ?? null;
    },
  },
  {
    name: 'map_get_values',
    category: 'Hierarchies - Maps',
    description: 'The values of the given keys of a map, as an object holding only those keys.',
    syntax: 'Map map_get_values(Map, String[])',
    returns: 'The selected entries, or null for a null map.',
    returnType: 'java.util.Map',
    example: 'map_get_values(to_object("a", 1, "b", 2, "c", 3), ["a", "c"])',
    result: '{"a": 1, "c": 3}',
    params: [p('map', 'object', 'The map.'), p('keys', 'array', 'The keys to keep.')],
    impl: (args) => {
      if (nullIn(args[0])) return null;
      const map = object('map_get_values', args[0], 'map');
      const keys = Array.isArray(args[1]) ? args[1] : [args[1]];
      return Object.fromEntries(
        keys
          .map((k) => text('map_get_values', k, 'keys'))
          .filter((k) => Object.hasOwn(map, k))
          .map((k) => [k, map[k]]),
      );
    },
  },
  {
    name: 'map_has_keys',
    category: 'Hierarchies - Maps',
    description: 'Whether a map holds any of the given keys.',
    syntax: 'boolean map_has_keys(Map, String[])',
    returns: 'true or false.',
    returnType: 'java.lang.Boolean',
    example: 'map_has_keys(to_object("a", 1), ["a", "z"])',
    result: 'true',
    params: [p('map', 'object', 'The map.'), p('keys', 'array', 'The keys to look for.')],
    impl: (args) => {
      if (nullIn(args[0])) return false;
      const map = object('map_has_keys', args[0], 'map');
      const keys = Array.isArray(args[1]) ? args[1] : [args[1]];
      return keys.some((k) => Object.hasOwn(map, text('map_has_keys', k, 'keys')));
    },
  },
  {
    name: 'add_to_map',
    category: 'Hierarchies - Maps',
    description: 'Merges maps into one; a later map wins on a key both hold.',
    syntax: 'Map add_to_map(Map...)',
    returns: 'The merged map.',
    returnType: 'java.util.Map',
    example: 'add_to_map(to_object("a", 1), to_object("b", 2))',
    result: '{"a": 1, "b": 2}',
    params: [p('maps', 'object', 'The maps to merge.', { variadic: true })],
    impl: (args) => Object.assign({}, ...args.filter((a) => !nullIn(a)).map((a) => object('add_to_map', a, 'maps'))),
  },
];

/** `value.get(key)`: an object's member or an array's element. */
export function getMember(value: unknown, key: unknown): unknown {
  if (nullIn(value)) return null;
  if (Array.isArray(value)) return typeof key === 'number' || (typeof key === 'string' && /^\d+$/.test(key)) ? (value[Number(key)] ?? null) : null;
  if (isObject(value)) {
    // Own keys only: "constructor" or "toString" are no members of a record.
    const name = text('get', key, 'key');
    return Object.hasOwn(value, name) ? (value[name] ?? null) : null;
  }
  if (isDate(value)) return null;
  throw fnError('get', 'only objects and arrays have members');
}
