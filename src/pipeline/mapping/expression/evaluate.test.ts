// biome-ignore-all lint/suspicious/noTemplateCurlyInString: "${…}" is the expression language's braced field syntax, not a template.
import { describe, expect, it } from 'vitest';
import { MappingError } from './ast.js';
import { checkExpression, compileExpression } from './evaluate.js';

const run = (text: string, record: Record<string, unknown> = {}) => compileExpression(text)(record);

function failure(text: string, record: Record<string, unknown> = {}): { code: string; message: string } {
  const evaluate = compileExpression(text);
  try {
    evaluate(record);
  } catch (error) {
    if (!(error instanceof MappingError)) throw error;
    return { code: error.code, message: error.message };
  }
  throw new Error(`${text} gave a value`);
}

describe('compileExpression: fields', () => {
  it('reads top-level and nested fields; a column whose name holds dots wins over the nested walk', () => {
    expect(run('a.b', { a: { b: 1 } })).toBe(1);
    expect(run('a.b', { 'a.b': 'column', a: { b: 'nested' } })).toBe('column');
    expect(run('${First Name}', { 'First Name': 'Ada' })).toBe('Ada');
  });

  it('gives null for a missing field, and for a path through a non-object', () => {
    expect(run('missing')).toBeNull();
    expect(run('a.b', { a: 'text' })).toBeNull();
    expect(run('a.b', { a: [1] })).toBeNull();
    expect(run('[x, y]', { x: 1 })).toEqual([1, null]);
  });
});

describe('compileExpression: arithmetic', () => {
  it('divides whole numbers as Java does, and fractions as fractions', () => {
    expect(run('7 / 2')).toBe(3);
    expect(run('-7 / 2')).toBe(-3);
    expect(run('7.5 / 2')).toBe(3.75);
    expect(run('7 % 3')).toBe(1);
    expect(run('x / 2', { x: 0.5 })).toBe(0.25);
  });

  // Known bug (reported, not fixed here): a literal written with a decimal point but no fraction is
  // a whole JavaScript number, so `7.0 / 2` divides as integers (3) where Java and JEXL give 3.5,
  // and `1.0 / 0` fails as an integer division by zero. `it.fails` turns green once it is fixed.
  it.fails('divides a literal written as 7.0 as a fraction', () => {
    expect(run('7.0 / 2')).toBe(3.5);
  });

  it('fails a whole-number division by zero with MAPPER-2004', () => {
    expect(failure('1 / 0')).toEqual({ code: 'MAPPER-2004', message: '/: division by zero' });
    expect(failure('x % 0', { x: 5 })).toEqual({ code: 'MAPPER-2004', message: '%: division by zero' });
  });

  it('reads numeric strings as numbers, concatenates when + meets a string', () => {
    expect(run('a * b', { a: '3', b: ' 4 ' })).toBe(12);
    expect(run('a + 1', { a: 2 })).toBe(3);
    expect(run('a + 1', { a: '2' })).toBe('21');
    expect(run('"n=" + 1.5 + true')).toBe('n=1.5true');
    expect(failure('a - 1', { a: 'x' })).toEqual({ code: 'MAPPER-2004', message: '-: left operand must be a number, got "x"' });
    expect(failure('2 * a', { a: {} })).toEqual({ code: 'MAPPER-2004', message: '*: right operand must be a number, got an object' });
  });

  it('gives null when an operand is null', () => {
    expect([run('n + 1'), run('"a" + n'), run('n * 2'), run('-n'), run('~n')]).toEqual([null, null, null, null, null]);
  });

  it('does bitwise arithmetic on integers only', () => {
    expect([run('6 & 3'), run('6 | 3'), run('6 ^ 3'), run('~5')]).toEqual([2, 7, 5, -6]);
    expect(failure('1.5 & 1')).toEqual({ code: 'MAPPER-2004', message: '&: input must be an integer, got 1.5' });
  });
});

describe('compileExpression: comparison and logic', () => {
  it('compares numbers by value, numeric strings as numbers, other text by code unit', () => {
    expect([run('a > 9', { a: '10' }), run('"10" > "9"'), run('"b" > "a"'), run('"B" < "a"'), run('2 == 2.0')]).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
  });

  it('treats null as equal only to null, and false in every ordering', () => {
    expect([run('n == null'), run('n != null'), run('n == 0'), run('n < 1'), run('n >= n'), run('"" == null')]).toEqual([
      true,
      false,
      false,
      false,
      false,
      false,
    ]);
  });

  it('compares booleans with their text, in any case', () => {
    expect([run('flag == true', { flag: 'TRUE' }), run('flag != false', { flag: 'false' })]).toEqual([true, false]);
  });

  it('short-circuits && and ||, and takes "true"/"false" strings and numbers as conditions', () => {
    expect(run('false && (1 / 0)')).toBe(false);
    expect(run('true || (1 / 0)')).toBe(true);
    expect(run('f ? "yes" : "no"', { f: 'True' })).toBe('yes');
    expect(run('f ? "yes" : "no"', { f: 0 })).toBe('no');
    expect(run('f ? "yes" : "no"')).toBe('no');
    expect(run('!f', { f: 'false' })).toBe(true);
    expect(failure('f ? 1 : 2', { f: 'maybe' })).toEqual({ code: 'MAPPER-2004', message: 'iif: the condition must be a boolean, got "maybe"' });
  });
});

describe('compileExpression: methods', () => {
  it('runs Java String methods on text and gives null on null', () => {
    expect(run('s.length()', { s: 'héllo😀' })).toBe(7);
    expect(run('s.toUpperCase()', { s: 'straße' })).toBe('STRASSE');
    expect(run('s.substring(1, 3)', { s: 'abcdef' })).toBe('bc');
    expect(run('s.substring(2)', { s: 'abcdef' })).toBe('cdef');
    expect(run('s.indexOf("z")', { s: 'abc' })).toBe(-1);
    expect(run('s.isEmpty()', { s: '' })).toBe(true);
    expect(run('s.contains("b")', { s: 'abc' })).toBe(true);
    expect(run('n.trim()')).toBeNull();
  });

  it('calls library functions as methods, with the target as first argument', () => {
    expect(run('"string1".equalsIgnoreCase("STRING1")')).toBe(true);
    expect(run('s.upper()', { s: 'abc' })).toBe('ABC');
  });

  it('reads members and items with get and indexing', () => {
    expect(run('o.get("k")', { o: { k: 5 } })).toBe(5);
    expect(run('xs[1]', { xs: ['a', 'b'] })).toBe('b');
    expect(run('o["a b"]', { o: { 'a b': 1 } })).toBe(1);
  });
});

describe('compileExpression: problems found once', () => {
  it('fails every row of an unknown function with MAPPER-2001, and of bad syntax with MAPPER-2002', () => {
    expect(failure('nosuch(1)')).toEqual({ code: 'MAPPER-2001', message: 'function "nosuch" does not exist' });
    expect(failure('x.nosuch()', { x: 1 })).toEqual({ code: 'MAPPER-2001', message: 'method "nosuch" does not exist' });
    expect(failure('1 +').code).toBe('MAPPER-2002');
  });

  it('checks argument counts when compiling, naming the function', () => {
    expect(failure('lower("a", "b")')).toEqual({ code: 'MAPPER-2002', message: 'lower takes 1 argument(s), got 2' });
    expect(() => checkExpression('iif(a, b)')).toThrow('iif takes 3 argument(s), got 2');
    expect(() => checkExpression('concat()')).not.toThrow();
    expect(() => checkExpression('upper(x)')).not.toThrow();
  });

  it('looks functions up in any case', () => {
    expect(run('UPPER(s)', { s: 'x' })).toBe('X');
  });
});

describe('compileExpression: values it gives', () => {
  it('gives dates as ISO-8601 text with their offset, also inside arrays and objects', () => {
    expect(run('date("2024-05-06T07:08:09+02:00", "yyyy-MM-dd\'T\'HH:mm:ssXXX")')).toBe('2024-05-06T07:08:09+02:00');
    expect(run('[date("2024-01-02", "yyyy-MM-dd")]')).toEqual(['2024-01-02T00:00:00Z']);
  });
});
