// biome-ignore-all lint/suspicious/noTemplateCurlyInString: "${…}" is the expression language's braced field syntax, not a template.
// biome-ignore-all lint/suspicious/noThenProperty: `then` is a property of the conditional's syntax tree.
import { describe, expect, it } from 'vitest';
import { type BinaryOp, type Expr, MappingError } from './ast.js';
import { parseExpression } from './parse.js';

const field = (name: string, segments = name.split('.')): Expr => ({ kind: 'field', name, segments });
const lit = (value: string | number | boolean | null): Expr => ({ kind: 'literal', value });

function syntaxError(text: string): { code: string; message: string } {
  try {
    parseExpression(text);
  } catch (error) {
    if (!(error instanceof MappingError)) throw error;
    return { code: error.code, message: error.message };
  }
  throw new Error(`parsed ${text}`);
}

describe('parseExpression: operands', () => {
  it('reads field references, dotted paths and braced names', () => {
    expect(parseExpression('first_name')).toEqual(field('first_name'));
    expect(parseExpression('$price')).toEqual(field('$price'));
    expect(parseExpression('person.name.first')).toEqual(field('person.name.first'));
    expect(parseExpression('${First Name}')).toEqual(field('First Name'));
    expect(parseExpression('${a\\.b}.trim()')).toEqual({ kind: 'method', target: field('a.b', ['a.b']), name: 'trim', args: [] });
  });

  it('keeps a dot escaped inside ${…} as part of one name, and Unicode as it is', () => {
    expect(parseExpression('${a\\.b.c}')).toEqual({ kind: 'field', name: 'a.b.c', segments: ['a.b', 'c'] });
    expect(parseExpression('${prénom 名前}')).toEqual(field('prénom 名前'));
    expect(parseExpression('${and}')).toEqual(field('and'));
  });

  it('reads numbers, strings with escapes, booleans, null and arrays', () => {
    expect(parseExpression('42')).toEqual(lit(42));
    expect(parseExpression('.5e2')).toEqual(lit(50));
    expect(parseExpression('-3.25')).toEqual(lit(-3.25));
    expect(parseExpression(`'it\\'s'`)).toEqual(lit("it's"));
    expect(parseExpression('"a\\tb\\nc\\r\\\\d\\q"')).toEqual(lit('a\tb\nc\r\\dq'));
    expect(parseExpression('""')).toEqual(lit(''));
    expect(parseExpression('"😀é"')).toEqual(lit('😀é'));
    expect(parseExpression('true')).toEqual(lit(true));
    expect(parseExpression('null')).toEqual(lit(null));
    expect(parseExpression('[]')).toEqual({ kind: 'array', items: [] });
    expect(parseExpression('[ 1, "a" , x ]')).toEqual({ kind: 'array', items: [lit(1), lit('a'), field('x')] });
  });
});

describe('parseExpression: calls, methods and indexing', () => {
  it('reads calls with no, one or nested arguments', () => {
    expect(parseExpression('uuid()')).toEqual({ kind: 'call', name: 'uuid', args: [] });
    expect(parseExpression('upper ( lower(x) , 1 )')).toEqual({
      kind: 'call',
      name: 'upper',
      args: [{ kind: 'call', name: 'lower', args: [field('x')] }, lit(1)],
    });
  });

  it('reads the last segment of a dotted name before "(" as a method of the field', () => {
    expect(parseExpression('person.name.equals("x")')).toEqual({ kind: 'method', target: field('person.name'), name: 'equals', args: [lit('x')] });
  });

  it('reads methods and indexes after any value, left to right', () => {
    expect(parseExpression('"a".equals(b)')).toEqual({ kind: 'method', target: lit('a'), name: 'equals', args: [field('b')] });
    expect(parseExpression('xs[0]["k"].trim()')).toEqual({
      kind: 'method',
      target: { kind: 'index', target: { kind: 'index', target: field('xs'), index: lit(0) }, index: lit('k') },
      name: 'trim',
      args: [],
    });
  });
});

describe('parseExpression: operators', () => {
  const bin = (op: BinaryOp, left: Expr, right: Expr): Expr => ({ kind: 'binary', op, left, right });

  it('binds * tighter than +, + tighter than comparison, comparison tighter than && and ||', () => {
    expect(parseExpression('a + b * c')).toEqual(bin('+', field('a'), bin('*', field('b'), field('c'))));
    expect(parseExpression('a - b - c')).toEqual(bin('-', bin('-', field('a'), field('b')), field('c')));
    expect(parseExpression('a < 1 || b >= 2 && c != 3')).toEqual(
      bin('||', bin('<', field('a'), lit(1)), bin('&&', bin('>=', field('b'), lit(2)), bin('!=', field('c'), lit(3)))),
    );
    expect(parseExpression('(a + b) * c')).toEqual(bin('*', bin('+', field('a'), field('b')), field('c')));
  });

  it('reads the JEXL words as operators only on a word boundary', () => {
    expect(parseExpression('a eq 1 and b ne 2 or not c')).toEqual(
      bin('||', bin('&&', bin('==', field('a'), lit(1)), bin('!=', field('b'), lit(2))), { kind: 'unary', op: '!', operand: field('c') }),
    );
    expect(parseExpression('a div 2 mod 3')).toEqual(bin('%', bin('/', field('a'), lit(2)), lit(3)));
    expect(parseExpression('x lt y')).toEqual(bin('<', field('x'), field('y')));
    expect(parseExpression('order + android')).toEqual(bin('+', field('order'), field('android')));
    expect(parseExpression('notes')).toEqual(field('notes'));
  });

  it('tells bitwise & and | from && and ||, and ! from !=', () => {
    expect(parseExpression('a & b | c ^ d')).toEqual(bin('|', bin('&', field('a'), field('b')), bin('^', field('c'), field('d'))));
    expect(parseExpression('!a')).toEqual({ kind: 'unary', op: '!', operand: field('a') });
    expect(parseExpression('~a')).toEqual({ kind: 'unary', op: '~', operand: field('a') });
    expect(parseExpression('-a')).toEqual({ kind: 'unary', op: '-', operand: field('a') });
    expect(parseExpression('--1')).toEqual(lit(1));
  });

  it('reads ?: with the test binding tighter and the branches nesting to the right', () => {
    expect(parseExpression('a > 1 ? "big" : b ? "b" : "c"')).toEqual({
      kind: 'conditional',
      test: bin('>', field('a'), lit(1)),
      then: lit('big'),
      otherwise: { kind: 'conditional', test: field('b'), then: lit('b'), otherwise: lit('c') },
    });
  });
});

describe('parseExpression: errors', () => {
  it('fails bad syntax with MAPPER-2002 and says where', () => {
    expect(syntaxError('')).toEqual({ code: 'MAPPER-2002', message: 'invalid expression "": empty expression' });
    expect(syntaxError('   ').message).toBe('invalid expression "   ": empty expression');
    expect(syntaxError('"abc').message).toBe('invalid expression ""abc": unterminated string');
    expect(syntaxError('${abc').message).toBe('invalid expression "${abc": unterminated ${…}');
    expect(syntaxError('f(a b)').message).toBe('invalid expression "f(a b)": expected "," or ")" in the arguments of f');
    expect(syntaxError('[1 2]').message).toBe('invalid expression "[1 2]": expected "," or "]" in an array');
    expect(syntaxError('(a').message).toBe('invalid expression "(a": expected ")"');
    expect(syntaxError('a ? b').message).toBe('invalid expression "a ? b": expected ":"');
    expect(syntaxError('a b').message).toBe('invalid expression "a b": unexpected "b"');
    expect(syntaxError('#').message).toBe('invalid expression "#": unexpected "#"');
    expect(syntaxError('"x".length').message).toBe('invalid expression ""x".length": "length" after a value must be a method call');
    expect(syntaxError('and').message).toBe('invalid expression "and": "and" is a reserved word; write a field of that name as ${and}');
  });
});
