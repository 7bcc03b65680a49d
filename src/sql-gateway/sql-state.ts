import { ServiceError } from '../services/errors.js';
import { SqlFailure } from '../services/query/index.js';

/** DuckDB's error classes (the words before "Error:") and the SQLSTATE PostgreSQL gives the same fault. */
const BY_CLASS: Array<[RegExp, string]> = [
  [/(?:^|: )Parser Error/i, '42601'], // syntax_error
  [/(?:^|: )Catalog Error: Table/i, '42P01'], // undefined_table
  [/(?:^|: )Catalog Error: (Scalar |Table |Aggregate )?Function/i, '42883'], // undefined_function
  [/(?:^|: )Catalog Error/i, '42704'], // undefined_object
  [/(?:^|: )Binder Error: .*column/i, '42703'], // undefined_column
  [/(?:^|: )Binder Error: No function matches/i, '42883'],
  [/(?:^|: )Binder Error/i, '42P18'], // indeterminate_datatype, the closest to "cannot bind"
  [/(?:^|: )(Conversion|Invalid Input) Error/i, '22P02'], // invalid_text_representation
  [/(?:^|: )Out of Range Error/i, '22003'], // numeric_value_out_of_range
  [/(?:^|: )Out of Memory Error/i, '53200'], // out_of_memory
  [/(?:^|: )Permission Error/i, '42501'], // insufficient_privilege
  [/(?:^|: )Not implemented Error/i, '0A000'], // feature_not_supported
];

/** The SQLSTATE of an error a statement ended with, for the ErrorResponse a PostgreSQL client reads. */
export function sqlStateOf(error: unknown): string {
  if (error instanceof SqlFailure) {
    if (error.code === 'timeout' || error.code === 'cancelled') return '57014'; // query_canceled
    if (error.code === 'refused') return /one statement/.test(error.message) ? '0A000' : '25006'; // read_only_sql_transaction
    for (const [pattern, state] of BY_CLASS) if (pattern.test(error.message)) return state;
    return '42000'; // syntax_error_or_access_rule_violation
  }
  if (error instanceof ServiceError) {
    if (error.kind === 'invalid') return '22023'; // invalid_parameter_value
    if (error.kind === 'forbidden') return '42501';
    if (error.kind === 'unauthenticated') return '28000';
  }
  return 'XX000'; // internal_error
}

/** What a client is told: a ServiceError's or SqlFailure's own message; nothing of an unexpected error's internals. */
export function messageOf(error: unknown): string {
  if (error instanceof SqlFailure || error instanceof ServiceError) return error.message;
  return 'the statement could not be run';
}
