import { DuckDBInstance } from '@duckdb/node-api';
import { serviceError } from '../error-codes.js';
import { firstKeyword } from './sandboxed-sql.js';

/**
 * What a query asks for: rows (`SELECT`, kept as its result), or rows landed in a dataset (`INSERT INTO <dataset>
 * SELECT …`, or a SELECT with `insertIntoParameters.datasetName`, as AEP turns one into the other).
 * `CREATE TABLE … AS SELECT` (and `ctasParameters`) is refused: a Tributary dataset needs an XDM schema, and
 * one made up from a result's column types would be a schema nobody designed. Create the dataset first and use
 * INSERT INTO.
 */
export type Statement = { kind: 'select'; sql: string } | { kind: 'insert'; target: string; sql: string };

const INSERT = /^\s*insert\s+into\s+("(?:[^"]|"")+"|[A-Za-z0-9_]+)\s*([\s\S]*)$/i;

export async function classifyStatement(sql: string, options: { insertInto?: string | undefined; ctas?: boolean } = {}): Promise<Statement> {
  const keyword = firstKeyword(sql);
  if (options.ctas || keyword === 'create')
    throw serviceError(
      'queryCtasUnsupported',
      'CREATE TABLE … AS SELECT is not supported: a dataset needs an XDM schema. Create the dataset with its schema, then use INSERT INTO <dataset> SELECT …',
    );
  let statement: Statement = { kind: 'select', sql };
  if (keyword === 'insert') {
    const match = INSERT.exec(sql);
    const select = match?.[2] ?? '';
    if (!match || !['select', 'with', 'from', '('].includes(firstKeyword(select)))
      throw serviceError('querySqlSyntax', 'INSERT INTO takes a dataset (its table name or id) and a query: INSERT INTO <dataset> SELECT …');
    const name = match[1]!;
    statement = { kind: 'insert', target: name.startsWith('"') ? name.slice(1, -1).replaceAll('""', '"') : name, sql: select };
  } else if (options.insertInto !== undefined) {
    statement = { kind: 'insert', target: options.insertInto, sql };
  }
  await checkSyntax(statement.sql);
  return statement;
}

/** Parses (without binding: the tables need not exist yet) one statement, so a typo is a 400 rather than a failed run. */
async function checkSyntax(sql: string): Promise<void> {
  const instance = await DuckDBInstance.create(':memory:', { enable_external_access: 'false', threads: '1' });
  try {
    const connection = await instance.connect();
    try {
      const extracted = await connection.extractStatements(sql);
      if (extracted.count !== 1) throw serviceError('querySqlSyntax', `exactly one statement is allowed, got ${extracted.count}`);
    } catch (error) {
      if (error instanceof Error && 'kind' in error) throw error;
      const message = (error instanceof Error ? error.message : String(error)).replace(/^Failed to extract statements: /, '').split('\n')[0];
      throw serviceError('querySqlSyntax', `the SQL does not parse: ${message}`);
    } finally {
      connection.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}
