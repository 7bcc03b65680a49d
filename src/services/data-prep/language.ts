import { checkExpression, FUNCTION_DEFS } from '../../pipeline/index.js';

/** The functions as `GET /languages/el/functions` lists them (AEP's shape). */
export function listFunctions(): Array<Record<string, unknown>> {
  return FUNCTION_DEFS.map((def) => ({
    category: def.category,
    function: def.name,
    ...(def.aliases?.length ? { aliases: def.aliases } : {}),
    description: def.description,
    syntax: def.syntax,
    returns: def.returns,
    returnType: def.returnType,
    example: def.example,
    result: def.result,
    params: def.params.map((p, i) => ({
      name: p.name,
      description: p.description,
      type: p.type,
      optional: p.optional === true,
      ...(p.variadic ? { variadic: true } : {}),
      position: i + 1,
    })),
    since: 1,
  }));
}

const op = (operatorSymbol: string, methodName: string, numberOfOperands: number, description: string, example: string) => ({
  operatorSymbol,
  methodName,
  numberOfOperands,
  description,
  example,
});

/** The operators of the expression language, as `GET /languages/el/operators` lists them. */
export const OPERATORS = [
  op('+', 'add', 2, 'Adds two numbers; when either side is a string, joins them as text. Null on either side gives null.', '1 + 2'),
  op('-', 'subtract', 2, 'Subtracts two numbers (numeric strings count as numbers).', '5 - 2'),
  op('*', 'multiply', 2, 'Multiplies two numbers.', '3 * 4'),
  op('/', 'divide', 2, 'Divides two numbers; two whole numbers divide as whole numbers (the fraction is dropped). Also written div.', '1 / 2'),
  op('%', 'mod', 2, 'The remainder of a division. Also written mod.', '7 % 3'),
  op('-', 'negate', 1, 'Negates a number.', '-12'),
  op('~', 'complement', 1, 'Bitwise complement of a whole number: ~33 is -34.', '~44'),
  op('&', 'bitwiseAnd', 2, 'Bitwise and of two whole numbers.', '12 & 10'),
  op('|', 'bitwiseOr', 2, 'Bitwise or of two whole numbers.', '12 | 10'),
  op('^', 'bitwiseXor', 2, 'Bitwise exclusive or of two whole numbers.', '12 ^ 10'),
  op('==', 'equals', 2, 'Equality: numbers (and numeric strings) by value, other values as text; two nulls are equal. Also written eq.', 'a == "x"'),
  op('!=', 'notEquals', 2, 'Inequality. Also written ne.', 'a != "x"'),
  op(
    '<',
    'lessThan',
    2,
    'Less than (numbers by value, dates by time, other values as text); false when either side is null. Also written lt.',
    'a < 10',
  ),
  op('<=', 'lessThanOrEqual', 2, 'Less than or equal. Also written le.', 'a <= 10'),
  op('>', 'greaterThan', 2, 'Greater than. Also written gt.', 'a > 10'),
  op('>=', 'greaterThanOrEqual', 2, 'Greater than or equal. Also written ge.', 'a >= 10'),
  op('&&', 'and', 2, 'Both conditions hold (null counts as false). Also written and.', 'cond1 && cond2'),
  op('||', 'or', 2, 'Either condition holds. Also written or.', 'cond1 || cond2'),
  op('!', 'not', 1, 'The condition does not hold. Also written not.', '!cond1'),
  op('?:', 'ternary', 3, 'The second operand when the condition holds, else the third.', 'a > 1 ? "many" : "one"'),
  op('[]', 'index', 2, 'An element of an array (0-based) or a member of an object.', 'items[0]'),
];

/** Checks an expression: syntax, known functions and their argument counts. */
export function validateExpression(expression: string): { valid: true } | { valid: false; message: string } {
  try {
    checkExpression(expression);
    return { valid: true };
  } catch (error) {
    return { valid: false, message: (error as Error).message };
  }
}
