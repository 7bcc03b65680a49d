import { RowCode } from '../../errors.js';
import { splitPath } from '../paths.js';
import { MappingError, type Expr } from './ast.js';

/**
 * Parses the part of the Data Prep expression language the pipeline runs today: field references
 * (`first_name`, `person.name`, `${First Name}`), literals and function calls. Operators are
 * reported as not supported rather than misread.
 */
export function parseExpression(text: string): Expr {
  const parser = new Parser(text);
  const expr = parser.expression();
  parser.skipSpace();
  if (!parser.done()) throw parser.error(`unexpected "${text.slice(parser.pos, parser.pos + 10)}" (operators are not supported yet)`);
  return expr;
}

const IDENT_START = /[A-Za-z_$]/;
const IDENT_PART = /[A-Za-z0-9_$]/;
const NUMBER = /^-?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;

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
    this.skipSpace();
    const ch = this.text[this.pos];
    if (ch === undefined) throw this.error('empty expression');
    if (ch === '"' || ch === "'") return { kind: 'literal', value: this.quoted(ch) };
    if (ch === '$' && this.text[this.pos + 1] === '{') return this.braced();
    const number = NUMBER.exec(this.text.slice(this.pos));
    if (number) {
      this.pos += number[0].length;
      return { kind: 'literal', value: Number(number[0]) };
    }
    if (IDENT_START.test(ch)) return this.identifierOrCall();
    throw this.error(`unexpected "${ch}"`);
  }

  private quoted(quote: string): string {
    let value = '';
    this.pos++;
    while (!this.done()) {
      const ch = this.text[this.pos++]!;
      if (ch === '\\' && !this.done()) value += this.text[this.pos++];
      else if (ch === quote) return value;
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
      const from = this.pos;
      while (!this.done() && IDENT_PART.test(this.text[this.pos]!)) this.pos++;
      segments.push(this.text.slice(from, this.pos));
      if (this.text[this.pos] === '.' && IDENT_START.test(this.text[this.pos + 1] ?? '')) this.pos++;
      else break;
    }
    const name = this.text.slice(start, this.pos);
    this.skipSpace();
    if (this.text[this.pos] !== '(') {
      if (segments.length === 1 && (name === 'true' || name === 'false')) return { kind: 'literal', value: name === 'true' };
      if (segments.length === 1 && name === 'null') return { kind: 'literal', value: null };
      return { kind: 'field', name, segments };
    }
    this.pos++;
    const args: Expr[] = [];
    this.skipSpace();
    if (this.text[this.pos] === ')') this.pos++;
    else
      for (;;) {
        args.push(this.expression());
        this.skipSpace();
        const ch = this.text[this.pos++];
        if (ch === ')') break;
        if (ch !== ',') throw this.error(`expected "," or ")" in the arguments of ${name}`);
      }
    return { kind: 'call', name, args };
  }
}
