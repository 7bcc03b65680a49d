import { fnError, integer, p, regex, text, type FunctionDef } from './define.js';

const CATEGORY = 'String';

/** Java's String.split drops trailing empty strings; so does AEP's explode/split. */
function javaSplit(input: string, pattern: RegExp): string[] {
  const parts = input.split(pattern);
  while (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

function pad(fn: string, args: unknown[], left: boolean): string | null {
  if (args[0] === null || args[0] === undefined) return null;
  const input = text(fn, args[0]);
  const count = integer(fn, args[1], 'count');
  const padding = args[2] === undefined || args[2] === null ? ' ' : text(fn, args[2], 'padding');
  if (input.length >= count) return input;
  if (padding === '') return input;
  const fill = padding.repeat(Math.ceil((count - input.length) / padding.length)).slice(0, count - input.length);
  return left ? fill + input : input + fill;
}

const nullIn = (args: unknown[]) => args[0] === null || args[0] === undefined;

export const STRING_FUNCTIONS: FunctionDef[] = [
  {
    name: 'concat',
    category: CATEGORY,
    description: 'Joins its arguments into one string. Null arguments are left out; when every argument is null the result is null.',
    syntax: 'String concat(Object...)',
    returns: 'The arguments joined, or null when all are null.',
    returnType: 'java.lang.String',
    example: 'concat("Hi, ", "there", "!")',
    result: '"Hi, there!"',
    params: [p('values', 'string', 'The values to join.', { variadic: true })],
    impl: (args) => {
      const present = args.filter((a) => a !== null && a !== undefined);
      return present.length ? present.map((a) => text('concat', a)).join('') : null;
    },
  },
  {
    name: 'explode',
    category: CATEGORY,
    description: 'Splits a string around a regular expression (default ",") and returns the parts as an array.',
    syntax: 'String[] explode(String, String)',
    returns: 'The parts, or null for a null input.',
    returnType: 'java.lang.String[]',
    example: 'explode("Hi, there!", " ")',
    result: '["Hi,", "there!"]',
    params: [p('input', 'string', 'The string to split.'), p('regex', 'string', 'Where to split; "," when left out.', { optional: true })],
    impl: (args) =>
      nullIn(args)
        ? null
        : javaSplit(
            text('explode', args[0]),
            regex('explode', args[1] === undefined || args[1] === null ? ',' : text('explode', args[1], 'regex'), 'g'),
          ),
  },
  {
    name: 'instr',
    category: CATEGORY,
    description:
      'The 0-based position of a substring (as Java indexOf), searching from a start position (default 0) for its n-th occurrence (default 1); -1 when absent.',
    syntax: 'Integer instr(String, String, Integer, Integer)',
    returns: 'The position, -1 when not found, or null for a null input.',
    returnType: 'java.lang.Integer',
    example: 'instr("adobe.com", "com")',
    result: '6',
    params: [
      p('input', 'string', 'The string searched.'),
      p('substring', 'string', 'What to find.'),
      p('start', 'integer', 'Where to start (0-based).', { optional: true }),
      p('occurrence', 'integer', 'Which occurrence.', { optional: true }),
    ],
    impl: (args) => {
      if (nullIn(args) || args[1] === null || args[1] === undefined) return null;
      const input = text('instr', args[0]);
      const sub = text('instr', args[1], 'substring');
      let from = args[2] === undefined || args[2] === null ? 0 : integer('instr', args[2], 'start');
      const occurrence = args[3] === undefined || args[3] === null ? 1 : integer('instr', args[3], 'occurrence');
      if (from < 0 || occurrence < 1) throw fnError('instr', 'start must not be negative and occurrence must be positive');
      let at = -1;
      for (let n = 0; n < occurrence; n++) {
        at = input.indexOf(sub, from);
        if (at < 0) return -1;
        from = at + 1;
      }
      return at;
    },
  },
  {
    name: 'replacestr',
    category: CATEGORY,
    description: 'Replaces every occurrence of a search string (taken literally) with another string.',
    syntax: 'String replacestr(String, String, String)',
    returns: 'The string with the replacements, or null for a null input.',
    returnType: 'java.lang.String',
    example: 'replacestr("This is a string re test", "re", "replace")',
    result: '"This is a string replace test"',
    params: [
      p('input', 'string', 'The string to change.'),
      p('toFind', 'string', 'The text to look for.'),
      p('toReplace', 'string', 'The text put in its place.'),
    ],
    impl: (args) =>
      nullIn(args)
        ? null
        : // A function as the replacement, so that "$&" or "$$" in it stay as written (Java's String.replace).
          text('replacestr', args[0]).replaceAll(text('replacestr', args[1] ?? '', 'toFind'), () => text('replacestr', args[2] ?? '', 'toReplace')),
  },
  {
    name: 'substr',
    category: CATEGORY,
    description: 'The part of a string from a 0-based start index, of a given length (to the end when left out or too long).',
    syntax: 'String substr(String, Integer, Integer)',
    returns: 'The substring, or null for a null input.',
    returnType: 'java.lang.String',
    example: 'substr("This is a substring test", 7, 8)',
    result: '" a subst"',
    params: [
      p('input', 'string', 'The string.'),
      p('start', 'integer', '0-based index of the first character.'),
      p('length', 'integer', 'How many characters.', { optional: true }),
    ],
    impl: (args) => {
      if (nullIn(args)) return null;
      const input = text('substr', args[0]);
      const start = integer('substr', args[1], 'start');
      if (start < 0) throw fnError('substr', 'start must not be negative');
      const length = args[2] === undefined || args[2] === null ? input.length : integer('substr', args[2], 'length');
      if (length < 0) throw fnError('substr', 'length must not be negative');
      return input.substring(start, Math.min(input.length, start + length));
    },
  },
  {
    name: 'lower',
    aliases: ['lcase'],
    category: CATEGORY,
    description: 'The string in lower case.',
    syntax: 'String lower(String)',
    returns: 'The lower-case string, or null for a null input.',
    returnType: 'java.lang.String',
    example: 'lower("HeLLo")',
    result: '"hello"',
    params: [p('input', 'string', 'The string.')],
    impl: (args) => (nullIn(args) ? null : text('lower', args[0]).toLowerCase()),
  },
  {
    name: 'upper',
    aliases: ['ucase'],
    category: CATEGORY,
    description: 'The string in upper case.',
    syntax: 'String upper(String)',
    returns: 'The upper-case string, or null for a null input.',
    returnType: 'java.lang.String',
    example: 'upper("HeLLo")',
    result: '"HELLO"',
    params: [p('input', 'string', 'The string.')],
    impl: (args) => (nullIn(args) ? null : text('upper', args[0]).toUpperCase()),
  },
  {
    name: 'split',
    category: CATEGORY,
    description: 'Splits a string around a separator (taken literally) and returns the parts as an array.',
    syntax: 'String[] split(String, String)',
    returns: 'The parts, or null for a null input.',
    returnType: 'java.lang.String[]',
    example: 'split("Hello world", " ")',
    result: '["Hello", "world"]',
    params: [p('input', 'string', 'The string to split.'), p('separator', 'string', 'The separator.')],
    impl: (args) => {
      if (nullIn(args)) return null;
      const input = text('split', args[0]);
      const separator = text('split', args[1] ?? ',', 'separator');
      return separator === '' ? [...input] : javaSplit(input, new RegExp(separator.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), 'g'));
    },
  },
  {
    name: 'join',
    category: CATEGORY,
    description: 'Joins the elements of an array (or several values) with a separator; nulls are left out.',
    syntax: 'String join(String, Object...)',
    returns: 'The joined string, or null when there is nothing to join.',
    returnType: 'java.lang.String',
    example: 'join(" ", to_array(true, "Hello", "world"))',
    result: '"Hello world"',
    params: [p('separator', 'string', 'Put between the elements.'), p('values', 'array', 'An array, or values.', { variadic: true })],
    impl: (args) => {
      const separator = args[0] === null || args[0] === undefined ? '' : text('join', args[0], 'separator');
      const values = args
        .slice(1)
        .flatMap((a) => (Array.isArray(a) ? a : [a]))
        .filter((v) => v !== null && v !== undefined);
      return args.length < 2 || (args.length === 2 && (args[1] === null || args[1] === undefined))
        ? null
        : values.map((v) => text('join', v, 'values')).join(separator);
    },
  },
  {
    name: 'lpad',
    category: CATEGORY,
    description: 'Pads a string on the left to a length, repeating a padding string (default a space).',
    syntax: 'String lpad(String, Integer, String)',
    returns: 'The padded string, or null for a null input.',
    returnType: 'java.lang.String',
    example: 'lpad("bat", 8, "yz")',
    result: '"yzyzybat"',
    params: [
      p('input', 'string', 'The string.'),
      p('count', 'integer', 'The length to reach.'),
      p('padding', 'string', 'What to pad with.', { optional: true }),
    ],
    impl: (args) => pad('lpad', args, true),
  },
  {
    name: 'rpad',
    category: CATEGORY,
    description: 'Pads a string on the right to a length, repeating a padding string (default a space).',
    syntax: 'String rpad(String, Integer, String)',
    returns: 'The padded string, or null for a null input.',
    returnType: 'java.lang.String',
    example: 'rpad("bat", 8, "yz")',
    result: '"batyzyzy"',
    params: [
      p('input', 'string', 'The string.'),
      p('count', 'integer', 'The length to reach.'),
      p('padding', 'string', 'What to pad with.', { optional: true }),
    ],
    impl: (args) => pad('rpad', args, false),
  },
  {
    name: 'left',
    category: CATEGORY,
    description: 'The first n characters of a string.',
    syntax: 'String left(String, Integer)',
    returns: 'The leading characters, or null for a null input.',
    returnType: 'java.lang.String',
    example: 'left("abcde", 2)',
    result: '"ab"',
    params: [p('input', 'string', 'The string.'), p('count', 'integer', 'How many characters.')],
    impl: (args) => {
      if (nullIn(args)) return null;
      const n = integer('left', args[1], 'count');
      if (n < 0) throw fnError('left', 'count must not be negative');
      return text('left', args[0]).slice(0, n);
    },
  },
  {
    name: 'right',
    category: CATEGORY,
    description: 'The last n characters of a string.',
    syntax: 'String right(String, Integer)',
    returns: 'The trailing characters, or null for a null input.',
    returnType: 'java.lang.String',
    example: 'right("abcde", 2)',
    result: '"de"',
    params: [p('input', 'string', 'The string.'), p('count', 'integer', 'How many characters.')],
    impl: (args) => {
      if (nullIn(args)) return null;
      const n = integer('right', args[1], 'count');
      if (n < 0) throw fnError('right', 'count must not be negative');
      const input = text('right', args[0]);
      return n === 0 ? '' : input.slice(-n);
    },
  },
  ...(['ltrim', 'rtrim', 'trim'] as const).map(
    (name): FunctionDef => ({
      name,
      category: CATEGORY,
      description: `Removes white space from the ${name === 'ltrim' ? 'start' : name === 'rtrim' ? 'end' : 'start and the end'} of a string.`,
      syntax: `String ${name}(String)`,
      returns: 'The trimmed string, or null for a null input.',
      returnType: 'java.lang.String',
      example: `${name}("  hello  ")`,
      result: name === 'ltrim' ? '"hello  "' : name === 'rtrim' ? '"  hello"' : '"hello"',
      params: [p('input', 'string', 'The string.')],
      impl: (args) => {
        if (nullIn(args)) return null;
        const input = text(name, args[0]);
        return name === 'ltrim' ? input.trimStart() : name === 'rtrim' ? input.trimEnd() : input.trim();
      },
    }),
  ),
  {
    name: 'equals',
    category: CATEGORY,
    description: 'Whether two strings are equal (case matters). Also written as a method: a.equals(b).',
    syntax: 'Boolean equals(String, String)',
    returns: 'true or false; two nulls are equal.',
    returnType: 'java.lang.Boolean',
    example: '"string1".equals("STRING1")',
    result: 'false',
    params: [p('input', 'string', 'The first string.'), p('other', 'string', 'The second string.')],
    impl: (args) =>
      (args[0] ?? null) === null || (args[1] ?? null) === null
        ? (args[0] ?? null) === (args[1] ?? null)
        : text('equals', args[0]) === text('equals', args[1], 'other'),
  },
  {
    name: 'equalsIgnoreCase',
    category: CATEGORY,
    description: 'Whether two strings are equal when case is ignored. Also written as a method: a.equalsIgnoreCase(b).',
    syntax: 'Boolean equalsIgnoreCase(String, String)',
    returns: 'true or false; two nulls are equal.',
    returnType: 'java.lang.Boolean',
    example: '"string1".equalsIgnoreCase("STRING1")',
    result: 'true',
    params: [p('input', 'string', 'The first string.'), p('other', 'string', 'The second string.')],
    impl: (args) =>
      (args[0] ?? null) === null || (args[1] ?? null) === null
        ? (args[0] ?? null) === (args[1] ?? null)
        : text('equalsIgnoreCase', args[0]).toLowerCase() === text('equalsIgnoreCase', args[1], 'other').toLowerCase(),
  },
];
