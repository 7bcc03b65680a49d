import { p, regex, text, type FunctionDef } from './define.js';

export const REGEX_FUNCTIONS: FunctionDef[] = [
  {
    name: 'extract_regex',
    category: 'Regular expressions',
    description: 'Matches a regular expression at the start of the string and returns the whole match followed by each group.',
    syntax: 'String[] extract_regex(String, String)',
    returns: 'The match and its groups, or null when the input is null or does not match.',
    returnType: 'java.lang.String[]',
    example: 'extract_regex("E259,E259B_009,1_1", "([^,]+),[^,]*,([^,]+)")',
    result: '["E259,E259B_009,1_1", "E259", "1_1"]',
    params: [p('input', 'string', 'The string to match.'), p('regex', 'string', 'The regular expression, with groups.')],
    impl: (args) => {
      if (args[0] === null || args[0] === undefined) return null;
      const match = regex('extract_regex', text('extract_regex', args[1], 'regex')).exec(text('extract_regex', args[0]));
      return match ? match.map((g) => g ?? null) : null;
    },
  },
  {
    name: 'matches_regex',
    category: 'Regular expressions',
    description: 'Whether the whole string matches a regular expression.',
    syntax: 'Boolean matches_regex(String, String)',
    returns: 'true or false; null for a null input.',
    returnType: 'java.lang.Boolean',
    example: 'matches_regex("E259,E259B_009,1_1", "([^,]+),[^,]*,([^,]+)")',
    result: 'true',
    params: [p('input', 'string', 'The string to match.'), p('regex', 'string', 'The regular expression.')],
    impl: (args) => {
      if (args[0] === null || args[0] === undefined) return null;
      // Java's matches() needs the whole input to match.
      return regex('matches_regex', `^(?:${text('matches_regex', args[1], 'regex')})$`).test(text('matches_regex', args[0]));
    },
  },
];
