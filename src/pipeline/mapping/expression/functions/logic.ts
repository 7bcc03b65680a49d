import { createHash, randomUUID } from 'node:crypto';
import { fnError, isDate, number, p, text, type FunctionDef } from './define.js';

const nullIn = (value: unknown) => value === null || value === undefined;

/** Truthiness as the mapper's conditions see it: booleans, "true"/"false", and null as false. */
export function truthy(value: unknown): boolean {
  if (nullIn(value)) return false;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' && /^(true|false)$/i.test(value.trim())) return value.trim().toLowerCase() === 'true';
  if (typeof value === 'number') return value !== 0;
  throw fnError('iif', `the condition must be a boolean, got ${JSON.stringify(value)}`);
}

/** Orders two values: numbers (and numeric strings) by value, dates by instant, other values as text. */
export function compareValues(a: unknown, b: unknown): number {
  if (isDate(a) && isDate(b)) return a.compareTo(b);
  const na = typeof a === 'number' ? a : typeof a === 'string' && a.trim() !== '' ? Number(a) : NaN;
  const nb = typeof b === 'number' ? b : typeof b === 'string' && b.trim() !== '' ? Number(b) : NaN;
  if (!Number.isNaN(na) && !Number.isNaN(nb)) return na === nb ? 0 : na < nb ? -1 : 1;
  const ta = text('compare', a);
  const tb = text('compare', b);
  return ta === tb ? 0 : ta < tb ? -1 : 1;
}

function extreme(fn: string, args: unknown[], sign: 1 | -1): unknown {
  const values = (args.length === 1 && Array.isArray(args[0]) ? args[0] : args).filter((v) => !nullIn(v));
  let best: unknown = null;
  for (const v of values) if (best === null || compareValues(v, best) * sign > 0) best = v;
  void fn;
  return best;
}

function converter(
  name: string,
  description: string,
  example: string,
  result: string,
  returnType: string,
  convert: (n: number) => number,
): FunctionDef {
  return {
    name,
    category: 'Type conversions',
    description,
    syntax: `${returnType.split('.').pop()} ${name}(Object)`,
    returns: 'The converted number, or null for a null input.',
    returnType,
    example,
    result,
    params: [p('input', 'string', 'A number, or a string holding one.')],
    impl: (args) => (nullIn(args[0]) ? null : convert(number(name, typeof args[0] === 'boolean' ? (args[0] ? 1 : 0) : args[0]))),
  };
}

/** The 38-digit ECID form of an FPID: two unsigned 64-bit halves of a digest of the FPID, as decimal. */
function fpidToEcid(fpid: string): string {
  const digest = createHash('sha256').update(fpid, 'utf8').digest();
  const half = (at: number) => (digest.readBigUInt64BE(at) % 10_000_000_000_000_000_000n).toString().padStart(19, '0');
  return half(0) + half(8);
}

export const LOGIC_FUNCTIONS: FunctionDef[] = [
  {
    name: 'decode',
    category: 'Logical operators',
    description:
      'Compares a key with each search value in turn and returns the result paired with the first match; an unpaired last argument is the default.',
    syntax: 'T decode(Object, Object, T, ..., T)',
    returns: 'The matching result, else the default, else null.',
    returnType: 'java.lang.Object',
    example: 'decode("pa", "ca", "California", "pa", "Pennsylvania", "N/A")',
    result: '"Pennsylvania"',
    params: [
      p('key', 'object', 'The value to look up.'),
      p('pairs', 'object', 'Search value, result pairs, then an optional default.', { variadic: true }),
    ],
    impl: (args) => {
      const key = args[0] ?? null;
      const rest = args.slice(1);
      for (let i = 0; i + 1 < rest.length; i += 2) {
        const candidate = rest[i] ?? null;
        if (key === null ? candidate === null : candidate !== null && compareValues(key, candidate) === 0 && typeof key === typeof candidate)
          return rest[i + 1] ?? null;
        if (key !== null && candidate !== null && text('decode', key) === text('decode', candidate)) return rest[i + 1] ?? null;
      }
      return rest.length % 2 === 1 ? (rest[rest.length - 1] ?? null) : null;
    },
  },
  {
    name: 'iif',
    category: 'Logical operators',
    description: 'The second argument when the condition is true, else the third (a null condition counts as false).',
    syntax: 'T iif(Boolean, T, T)',
    returns: 'One of the two values.',
    returnType: 'java.lang.Object',
    example: 'iif("s".equalsIgnoreCase("S"), "True", "False")',
    result: '"True"',
    params: [
      p('condition', 'boolean', 'The condition.'),
      p('trueValue', 'object', 'The value when true.'),
      p('falseValue', 'object', 'The value when false.'),
    ],
    impl: (args) => (truthy(args[0]) ? (args[1] ?? null) : (args[2] ?? null)),
  },
  {
    name: 'min',
    category: 'Aggregation',
    description: 'The smallest of the arguments (numbers by value, dates by time, other values as text); nulls are ignored.',
    syntax: 'T min(T...)',
    returns: 'The smallest value, or null when all are null.',
    returnType: 'java.lang.Object',
    example: 'min(3, 1, 4)',
    result: '1',
    params: [p('values', 'object', 'The values.', { variadic: true })],
    impl: (args) => extreme('min', args, -1),
  },
  {
    name: 'max',
    category: 'Aggregation',
    description: 'The largest of the arguments (numbers by value, dates by time, other values as text); nulls are ignored.',
    syntax: 'T max(T...)',
    returns: 'The largest value, or null when all are null.',
    returnType: 'java.lang.Object',
    example: 'max(3, 1, 4)',
    result: '4',
    params: [p('values', 'object', 'The values.', { variadic: true })],
    impl: (args) => extreme('max', args, 1),
  },
  converter(
    'to_bigint',
    'A whole number (64-bit) from a number or numeric string; a fraction is cut off.',
    'to_bigint("1000000.34")',
    '1000000',
    'java.lang.Long',
    (n) => Math.trunc(n),
  ),
  converter('to_decimal', 'A decimal number from a number or numeric string.', 'to_decimal("20.5")', '20.5', 'java.lang.Double', (n) => n),
  converter('to_float', 'A floating-point number from a number or numeric string.', 'to_float("12.3456")', '12.3456', 'java.lang.Float', (n) => n),
  converter(
    'to_integer',
    'A whole number (32-bit) from a number or numeric string; a fraction is cut off.',
    'to_integer("12")',
    '12',
    'java.lang.Integer',
    (n) => {
      const i = Math.trunc(n);
      if (i < -2147483648 || i > 2147483647) throw fnError('to_integer', `${n} is outside the 32-bit integer range`);
      return i;
    },
  ),
  {
    name: 'json_to_object',
    category: 'JSON',
    description: 'Parses a JSON document held in a string.',
    syntax: 'Object json_to_object(String)',
    returns: 'The parsed value, or null for a null input.',
    returnType: 'java.lang.Object',
    example: 'json_to_object("{\\"info\\": {\\"firstName\\": \\"John\\"}}")',
    result: '{"info": {"firstName": "John"}}',
    params: [p('input', 'string', 'The JSON text.')],
    impl: (args) => {
      if (nullIn(args[0])) return null;
      try {
        return JSON.parse(text('json_to_object', args[0]));
      } catch (error) {
        throw fnError('json_to_object', `invalid JSON: ${(error as Error).message}`);
      }
    },
  },
  {
    name: 'uuid',
    aliases: ['guid'],
    category: 'Special operations',
    description: 'A new random UUID (version 4).',
    syntax: 'String uuid()',
    returns: 'The UUID.',
    returnType: 'java.lang.String',
    example: 'uuid()',
    result: '"7c0267d2-bb74-4e1a-9275-3bf4fccda5f4"',
    params: [],
    volatile: true,
    impl: () => randomUUID(),
  },
  {
    name: 'fpid_to_ecid',
    category: 'Special operations',
    description:
      "A 38-digit ECID-shaped identifier derived deterministically from an FPID (Tributary's own derivation: the same FPID always gives the same value, but it is not Adobe's algorithm).",
    syntax: 'String fpid_to_ecid(String)',
    returns: 'The identifier, or null for a null input.',
    returnType: 'java.lang.String',
    example: 'fpid_to_ecid("4ed70bee-b654-420a-a3fd-b58b6b65e991")',
    result: `"${fpidToEcid('4ed70bee-b654-420a-a3fd-b58b6b65e991')}"`,
    params: [p('fpid', 'string', 'The first-party device id.')],
    impl: (args) => (nullIn(args[0]) ? null : fpidToEcid(text('fpid_to_ecid', args[0]))),
  },
];
