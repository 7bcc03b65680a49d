import { RowCode } from '../../errors.js';
import { readSource } from '../paths.js';
import { MappingError, type Expr } from './ast.js';
import { FUNCTIONS } from './functions.js';
import { parseExpression } from './parse.js';

export type Evaluator = (record: Record<string, unknown>) => unknown;

/**
 * Turns an expression into a function of one source record. Parsing and function lookup happen
 * once here; a problem found here fails every row with the same code, as AEP does.
 */
export function compileExpression(text: string): Evaluator {
  try {
    return compile(parseExpression(text));
  } catch (error) {
    if (!(error instanceof MappingError)) throw error;
    return () => {
      throw error;
    };
  }
}

function compile(expr: Expr): Evaluator {
  switch (expr.kind) {
    case 'literal': {
      const value = expr.value;
      return () => value;
    }
    case 'field': {
      const { name, segments } = expr;
      return (record) => readSource(record, name, segments);
    }
    case 'call': {
      const fn = FUNCTIONS.get(expr.name.toLowerCase());
      if (!fn) throw new MappingError(RowCode.unsupportedFunction, `function "${expr.name}" is not supported yet`);
      const args = expr.args.map(compile);
      return (record) => fn(args.map((arg) => arg(record)));
    }
  }
}
