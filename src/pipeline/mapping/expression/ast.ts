/** The syntax tree of a Data Prep expression. Operators and method calls will add node kinds here. */
export type Expr =
  | { kind: 'field'; name: string; segments: string[] }
  | { kind: 'literal'; value: string | number | boolean | null }
  | { kind: 'call'; name: string; args: Expr[] };

/** A mapping that cannot produce a value; the row fails with `code`. */
export class MappingError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
