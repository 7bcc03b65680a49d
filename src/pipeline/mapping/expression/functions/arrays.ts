import { array, boolean, p, type FunctionDef } from './define.js';

const CATEGORY = 'Hierarchies - Arrays';
const nullIn = (value: unknown) => value === null || value === undefined;
/** Arguments given as one array or as several values mean the same. */
const spread = (args: unknown[]) => (args.length === 1 && Array.isArray(args[0]) ? args[0] : args);

export const ARRAY_FUNCTIONS: FunctionDef[] = [
  {
    name: 'coalesce',
    category: CATEGORY,
    description: 'The first argument that is not null.',
    syntax: 'T coalesce(T...)',
    returns: 'The first non-null value, or null.',
    returnType: 'java.lang.Object',
    example: 'coalesce(null, null, null, "first", null, "second")',
    result: '"first"',
    params: [p('values', 'object', 'The candidates.', { variadic: true })],
    impl: (args) => spread(args).find((a) => !nullIn(a)) ?? null,
  },
  {
    name: 'first',
    category: CATEGORY,
    description: 'The first element of an array (or of the arguments).',
    syntax: 'T first(T...)',
    returns: 'The first element, or null when there is none.',
    returnType: 'java.lang.Object',
    example: 'first("1", "2", "3")',
    result: '"1"',
    params: [p('values', 'object', 'An array, or values.', { variadic: true })],
    impl: (args) => spread(args)[0] ?? null,
  },
  {
    name: 'last',
    category: CATEGORY,
    description: 'The last element of an array (or of the arguments).',
    syntax: 'T last(T...)',
    returns: 'The last element, or null when there is none.',
    returnType: 'java.lang.Object',
    example: 'last("1", "2", "3")',
    result: '"3"',
    params: [p('values', 'object', 'An array, or values.', { variadic: true })],
    impl: (args) => {
      const values = spread(args);
      return values[values.length - 1] ?? null;
    },
  },
  {
    name: 'add_to_array',
    category: CATEGORY,
    description: 'An array with values added at its end (a null array counts as empty).',
    syntax: 'Object[] add_to_array(Object[], Object...)',
    returns: 'The longer array.',
    returnType: 'java.lang.Object[]',
    example: 'add_to_array(["a", "b"], "c", "d")',
    result: '["a", "b", "c", "d"]',
    params: [p('array', 'array', 'The array.'), p('values', 'object', 'What to add.', { variadic: true })],
    impl: (args) => [...(nullIn(args[0]) ? [] : array('add_to_array', args[0], 'array')), ...args.slice(1)],
  },
  {
    name: 'join_arrays',
    category: CATEGORY,
    description: 'Joins arrays into one; a value that is not an array is added as one element.',
    syntax: 'Object[] join_arrays(Object[], Object[]...)',
    returns: 'The joined array.',
    returnType: 'java.lang.Object[]',
    example: 'join_arrays(["a", "b"], ["c"], ["d", "e"])',
    result: '["a", "b", "c", "d", "e"]',
    params: [p('arrays', 'array', 'The arrays.', { variadic: true })],
    impl: (args) => args.filter((a) => !nullIn(a)).flatMap((a) => (Array.isArray(a) ? a : [a])),
  },
  {
    name: 'to_array',
    category: CATEGORY,
    description: 'Makes an array of the values; the first argument says whether nulls are kept.',
    syntax: 'Object[] to_array(Boolean, Object...)',
    returns: 'The array.',
    returnType: 'java.lang.Object[]',
    example: 'to_array(false, 1, null, 2, 3)',
    result: '[1, 2, 3]',
    params: [p('includeNulls', 'boolean', 'Keep null values.'), p('values', 'object', 'The elements.', { variadic: true })],
    impl: (args) => {
      const keepNulls = boolean('to_array', args[0], 'includeNulls');
      const values = args.slice(1).map((a) => a ?? null);
      return keepNulls ? values : values.filter((v) => v !== null);
    },
  },
  {
    name: 'size_of',
    category: CATEGORY,
    description: 'How many elements an array has (or how many keys an object, or characters a string).',
    syntax: 'Integer size_of(Object)',
    returns: 'The size; 0 for null.',
    returnType: 'java.lang.Integer',
    example: 'size_of([1, 2, 3, 4])',
    result: '4',
    params: [p('input', 'object', 'The array.')],
    impl: (args) => {
      const value = args[0];
      if (nullIn(value)) return 0;
      if (Array.isArray(value) || typeof value === 'string') return value.length;
      if (typeof value === 'object') return Object.keys(value as object).length;
      return 1;
    },
  },
  ...(['upsert_array_append', 'upsert_array_replace'] as const).map(
    (name): FunctionDef => ({
      name,
      category: CATEGORY,
      description:
        name === 'upsert_array_append'
          ? 'For upserts to Profile: the array is appended to the existing one. When ingesting to the data lake (as here) the array is written as given.'
          : 'For upserts to Profile: the array replaces the existing one. When ingesting to the data lake (as here) the array is written as given.',
      syntax: `Object[] ${name}(Object[])`,
      returns: 'The array.',
      returnType: 'java.lang.Object[]',
      example: `${name}([123, 456])`,
      result: '[123, 456]',
      params: [p('array', 'array', 'The array.')],
      impl: (args) => (nullIn(args[0]) ? null : array(name, args[0], 'array')),
    }),
  ),
];
