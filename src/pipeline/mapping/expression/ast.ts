/** The syntax tree of a Data Prep expression. */
export type Expr =
  | { kind: 'field'; name: string; segments: string[] }
  | { kind: 'literal'; value: string | number | boolean | null }
  | { kind: 'call'; name: string; args: Expr[] }
  /** `target.name(args)`: the methods AEP documents on values (`a.equals(b)`, `obj.get("k")`). */
  | { kind: 'method'; target: Expr; name: string; args: Expr[] }
  | { kind: 'unary'; op: UnaryOp; operand: Expr }
  | { kind: 'binary'; op: BinaryOp; left: Expr; right: Expr }
  | { kind: 'conditional'; test: Expr; then: Expr; otherwise: Expr }
  | { kind: 'array'; items: Expr[] }
  | { kind: 'index'; target: Expr; index: Expr };

export type UnaryOp = '-' | '!' | '~';
export type BinaryOp = '+' | '-' | '*' | '/' | '%' | '==' | '!=' | '<' | '<=' | '>' | '>=' | '&&' | '||' | '&' | '|' | '^';

/** A mapping that cannot produce a value; the row fails with `code`. */
export class MappingError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
