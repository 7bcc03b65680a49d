import { RowCode } from '../../errors.js';
import { splitPath } from '../paths.js';
import { MappingError, type BinaryOp, type Expr } from './ast.js';

/**
 * Parses the Data Prep expression language: field references (`first_name`, `person.name`,
 * `${First Name}`, `${a\.b}`), string/number/boolean/null literals, array literals, function calls,
 * method calls (`a.equals(b)`), indexing (`a[0]`), and JEXL-style operators — arithmetic, comparison
 * (symbols and the words `eq ne lt le gt ge`), logic (`&& || !`, `and or not`), bitwise, and `?:`.
 */
export function parseExpression(text: string): Expr {
  const parser = new Parser(text);
  const expr = parser.expression();
  parser.skipSpace();
  if (!parser.done()) throw parser.error(`unexpected "${text.slice(parser.pos, parser.pos + 10)}"`);
  return expr;
}

const IDENT_START = /[A-Za-z_$]/;
const IDENT_PART = /[A-Za-z0-9_$]/;
const NUMBER = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;

/** Binary operators by precedence level, loosest first; words are the JEXL spellings. */
const LEVELS: Array<Array<[string, BinaryOp]>> = [
  [
    ['||', '||'],
    ['or', '||'],
  ],
  [
    ['&&', '&&'],
    ['and', '&&'],
  ],
  [['|', '|']],
  [['^', '^']],
  [['&', '&']],
  [
    ['==', '=='],
    ['!=', '!='],
    ['eq', '=='],
    ['ne', '!='],
  ],
  [
    ['<=', '<='],
    ['>=', '>='],
    ['<', '<'],
    ['>', '>'],
    ['le', '<='],
    ['ge', '>='],
    ['lt', '<'],
    ['gt', '>'],
  ],
  [
    ['+', '+'],
    ['-', '-'],
  ],
  [
    ['*', '*'],
    ['/', '/'],
    ['%', '%'],
    ['div', '/'],
    ['mod', '%'],
  ],
];

/** Words that are operators or literals, never field names (AEP: wrap such a field in `${}`). */
const WORDS = new Set(['or', 'and', 'eq', 'ne', 'le', 'ge', 'lt', 'gt', 'div', 'mod', 'not', 'true', 'false', 'null']);

class Parser {
  pos = 0;
  constructor(private readonly text: string) {}

  done(): boolean {
    return this.pos >= this.text.length;
  }

  error(message: string): MappingError {
    return new MappingError(RowCode.badExpression, `invalid expression "${this.text}": ${message}`);
  }

  skipSpace(): void {
    while (!this.done() && /\s/.test(this.text[this.pos]!)) this.pos++;
  }

  expression(): Expr {
    const test = this.binary(0);
    this.skipSpace();
    if (this.text[this.pos] !== '?') return test;
    this.pos++;
    const then = this.expression();
    this.expect(':');
    const otherwise = this.expression();
    return { kind: 'conditional', test, then, otherwise };
  }

  private expect(ch: string): void {
    this.skipSpace();
    if (this.text[this.pos] !== ch) throw this.error(`expected "${ch}"`);
    this.pos++;
  }

  /** The operator at the cursor from one precedence level, if any (a word needs a boundary after it). */
  private operator(level: Array<[string, BinaryOp]>): BinaryOp | null {
    this.skipSpace();
    for (const [symbol, op] of level) {
      if (!this.text.startsWith(symbol, this.pos)) continue;
      const after = this.text[this.pos + symbol.length] ?? '';
      if (/[a-z]/.test(symbol[0]!) && IDENT_PART.test(after)) continue;
      // "&" is not "&&", "|" is not "||", "<" is not "<=" (longer symbols are listed first).
      if ((symbol === '&' && after === '&') || (symbol === '|' && after === '|')) continue;
      this.pos += symbol.length;
      return op;
    }
    return null;
  }

  private binary(levelIndex: number): Expr {
    if (levelIndex >= LEVELS.length) return this.unary();
    let left = this.binary(levelIndex + 1);
    for (;;) {
      const op = this.operator(LEVELS[levelIndex]!);
      if (!op) return left;
      const right = this.binary(levelIndex + 1);
      left = { kind: 'binary', op, left, right };
    }
  }

  private unary(): Expr {
    this.skipSpace();
    const ch = this.text[this.pos];
    if (ch === '-' || ch === '~' || (ch === '!' && this.text[this.pos + 1] !== '=')) {
      this.pos++;
      const operand = this.unary();
      if (ch === '-' && operand.kind === 'literal' && typeof operand.value === 'number') return { kind: 'literal', value: -operand.value };
      return { kind: 'unary', op: ch, operand };
    }
    if (this.text.startsWith('not', this.pos) && !IDENT_PART.test(this.text[this.pos + 3] ?? '')) {
      this.pos += 3;
      return { kind: 'unary', op: '!', operand: this.unary() };
    }
    return this.postfix(this.primary());
  }

  private postfix(expr: Expr): Expr {
    for (;;) {
      this.skipSpace();
      const ch = this.text[this.pos];
      if (ch === '[') {
        this.pos++;
        const index = this.expression();
        this.expect(']');
        expr = { kind: 'index', target: expr, index };
      } else if (ch === '.' && IDENT_START.test(this.text[this.pos + 1] ?? '')) {
        this.pos++;
        const name = this.identifier();
        this.skipSpace();
        if (this.text[this.pos] !== '(') throw this.error(`"${name}" after a value must be a method call`);
        this.pos++;
        expr = { kind: 'method', target: expr, name, args: this.arguments(name) };
      } else return expr;
    }
  }

  private primary(): Expr {
    this.skipSpace();
    const ch = this.text[this.pos];
    if (ch === undefined) throw this.error('empty expression');
    if (ch === '"' || ch === "'") return { kind: 'literal', value: this.quoted(ch) };
    if (ch === '$' && this.text[this.pos + 1] === '{') return this.braced();
    if (ch === '(') {
      this.pos++;
      const inner = this.expression();
      this.expect(')');
      return inner;
    }
    if (ch === '[') {
      this.pos++;
      this.skipSpace();
      const items: Expr[] = [];
      if (this.text[this.pos] === ']') this.pos++;
      else
        for (;;) {
          items.push(this.expression());
          this.skipSpace();
          const next = this.text[this.pos++];
          if (next === ']') break;
          if (next !== ',') throw this.error('expected "," or "]" in an array');
        }
      return { kind: 'array', items };
    }
    const number = NUMBER.exec(this.text.slice(this.pos));
    if (number) {
      this.pos += number[0].length;
      return { kind: 'literal', value: Number(number[0]) };
    }
    if (IDENT_START.test(ch)) return this.identifierOrCall();
    throw this.error(`unexpected "${ch}"`);
  }

  private identifier(): string {
    const from = this.pos;
    while (!this.done() && IDENT_PART.test(this.text[this.pos]!)) this.pos++;
    return this.text.slice(from, this.pos);
  }

  private quoted(quote: string): string {
    let value = '';
    this.pos++;
    while (!this.done()) {
      const ch = this.text[this.pos++]!;
      if (ch === '\\' && !this.done()) {
        const next = this.text[this.pos++]!;
        value += next === 'n' ? '\n' : next === 't' ? '\t' : next === 'r' ? '\r' : next;
      } else if (ch === quote) return value;
      else value += ch;
    }
    throw this.error('unterminated string');
  }

  /** `${…}`: any characters up to the closing brace; `\.` keeps a dot in a name, `\}` a brace. */
  private braced(): Expr {
    const start = this.pos + 2;
    let i = start;
    while (i < this.text.length && this.text[i] !== '}') i += this.text[i] === '\\' ? 2 : 1;
    if (i >= this.text.length) throw this.error('unterminated ${…}');
    const raw = this.text.slice(start, i);
    this.pos = i + 1;
    const segments = splitPath(raw);
    return { kind: 'field', name: segments.join('.'), segments };
  }

  private identifierOrCall(): Expr {
    const start = this.pos;
    const segments: string[] = [];
    for (;;) {
      segments.push(this.identifier());
      if (this.text[this.pos] === '.' && IDENT_START.test(this.text[this.pos + 1] ?? '')) this.pos++;
      else break;
    }
    const name = this.text.slice(start, this.pos);
    const afterName = this.pos;
    this.skipSpace();
    if (this.text[this.pos] !== '(') {
      this.pos = afterName;
      if (segments.length === 1 && (name === 'true' || name === 'false')) return { kind: 'literal', value: name === 'true' };
      if (segments.length === 1 && name === 'null') return { kind: 'literal', value: null };
      if (segments.length === 1 && WORDS.has(name)) throw this.error(`"${name}" is a reserved word; write a field of that name as \${${name}}`);
      return { kind: 'field', name, segments };
    }
    this.pos++;
    if (segments.length > 1) {
      // `person.name.equals("x")`: the last segment is a method of the field before it.
      const method = segments.pop()!;
      return { kind: 'method', target: { kind: 'field', name: segments.join('.'), segments }, name: method, args: this.arguments(method) };
    }
    return { kind: 'call', name, args: this.arguments(name) };
  }

  /** Arguments after an opening parenthesis, through the closing one. */
  private arguments(name: string): Expr[] {
    const args: Expr[] = [];
    this.skipSpace();
    if (this.text[this.pos] === ')') {
      this.pos++;
      return args;
    }
    for (;;) {
      args.push(this.expression());
      this.skipSpace();
      const ch = this.text[this.pos++];
      if (ch === ')') return args;
      if (ch !== ',') throw this.error(`expected "," or ")" in the arguments of ${name}`);
    }
  }
}
