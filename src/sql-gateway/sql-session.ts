import type { SqlDescription } from '../services/query/index.js';
import { pgTypeOf, textValue, wireColumns } from './pg-types.js';
import { answerLocally, initialSettings } from './session-commands.js';
import { messageOf, sqlStateOf } from './sql-state.js';
import { splitStatements } from './statement-text.js';
import { backend, readFrontendMessage } from './wire-messages.js';

/** Runs the statements of one connection, in the org and sandbox it logged in to. */
export interface StatementRunner {
  run(
    sql: string,
    params: Array<string | null>,
  ): Promise<{ columns: Array<{ name: string; type: string }>; rows: unknown[][]; truncation?: { message: string } }>;
  describe(sql: string): Promise<SqlDescription>;
}

/** A statement's outcome, ready to send: columns (null: a command without rows), rows as text, the command tag. */
interface Outcome {
  columns: Array<{ name: string; type: string }> | null;
  rows: Array<Array<string | null>>;
  tag: string;
  notice?: string;
}

interface Portal {
  sql: string;
  params: Array<string | null>;
  outcome?: Outcome;
  /** Rows sent so far by Executes with a row limit. */
  sent: number;
}

class StatementError extends Error {
  constructor(
    readonly sqlState: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * One client connection past its login: the simple query protocol (Query) and the extended one (Parse, Bind,
 * Describe, Execute, Close, Sync) over the statements of `runner`, with session statements answered locally.
 * Results are sent in text format only, which every client asks for unless told otherwise.
 */
export class SqlSession {
  private readonly statements = new Map<string, { sql: string; paramTypes: number[] }>();
  private readonly portals = new Map<string, Portal>();
  private readonly settings;
  /** After an error in an extended-protocol exchange, messages are skipped until the client's Sync. */
  private skipToSync = false;
  private inTransaction = false;
  private greeted = false;

  constructor(
    private readonly runner: StatementRunner,
    private readonly who: { user: string; database: string; applicationName: string },
  ) {
    this.settings = initialSettings(who.user, who.database, who.applicationName);
  }

  /** The answers to one message frame from the client (Terminate is pg-gateway's: it closes the connection). */
  async *handle(frame: Uint8Array): AsyncGenerator<Uint8Array> {
    if (!this.greeted) {
      // pg-gateway sends only server_version after its AuthenticationOk; clients read the rest of the session's
      // parameters from ParameterStatus messages, which a server may send at any time, so they come first here.
      this.greeted = true;
      for (const { name, value } of this.settings.values())
        if (name !== 'server_version' && name !== 'current_database') yield backend.parameterStatus(name, value);
    }
    const message = readFrontendMessage(frame);
    if (message.type === 'sync') {
      this.skipToSync = false;
      yield this.ready();
      return;
    }
    if (message.type === 'query') {
      this.skipToSync = false;
      yield* this.simpleQuery(message.sql);
      yield this.ready();
      return;
    }
    if (this.skipToSync) return;
    try {
      switch (message.type) {
        case 'parse':
          this.statements.set(message.name, { sql: message.sql, paramTypes: message.paramTypes });
          yield backend.parseComplete();
          return;
        case 'bind': {
          const statement = this.statements.get(message.statement);
          if (!statement) throw new StatementError('26000', `prepared statement "${message.statement}" does not exist`);
          if (message.paramFormats.some((f) => f !== 0) || message.resultFormats.some((f) => f !== 0))
            throw new StatementError('0A000', 'only the text format is supported for parameters and results');
          const params = message.params.map((p) => (p === null ? null : p.toString('utf8')));
          this.portals.set(message.portal, { sql: statement.sql, params, sent: 0 });
          yield backend.bindComplete();
          return;
        }
        case 'describe':
          if (message.target === 'statement') yield* this.describeStatement(message.name);
          else {
            const outcome = await this.outcomeOf(this.portal(message.name));
            yield outcome.columns ? backend.rowDescription(wireColumns(outcome.columns)) : backend.noData();
          }
          return;
        case 'execute':
          yield* this.execute(this.portal(message.portal), message.maxRows);
          return;
        case 'close':
          if (message.target === 'statement') this.statements.delete(message.name);
          else this.portals.delete(message.name);
          yield backend.closeComplete();
          return;
        case 'flush':
          return;
        default:
          throw new StatementError('0A000', `protocol message "${message.code}" is not supported`);
      }
    } catch (error) {
      this.skipToSync = true;
      yield this.errorMessage(error);
    }
  }

  private async *simpleQuery(text: string): AsyncGenerator<Uint8Array> {
    const statements = splitStatements(text);
    if (statements.length === 0) {
      yield backend.emptyQuery();
      return;
    }
    for (const sql of statements) {
      try {
        const outcome = await this.outcomeOf({ sql, params: [], sent: 0 });
        if (outcome.columns) yield backend.rowDescription(wireColumns(outcome.columns));
        yield* this.rowsOf(outcome, 0, outcome.rows.length);
        yield backend.commandComplete(outcome.tag);
      } catch (error) {
        yield this.errorMessage(error);
        return; // the rest of the message is not run, as PostgreSQL does
      }
    }
  }

  private async *describeStatement(name: string): AsyncGenerator<Uint8Array> {
    const statement = this.statements.get(name);
    if (!statement) throw new StatementError('26000', `prepared statement "${name}" does not exist`);
    const local = answerLocally(statement.sql, new Map(this.settings), this.who);
    const described: SqlDescription = local ? { params: [], columns: local.columns ?? [] } : await this.runner.describe(statement.sql);
    // A type the client named in Parse stands; the others are the types the engine inferred.
    yield backend.parameterDescription(described.params.map((type, i) => statement.paramTypes[i] || pgTypeOf(type).oid));
    yield described.columns.length ? backend.rowDescription(wireColumns(described.columns)) : backend.noData();
  }

  private async *execute(portal: Portal, maxRows: number): AsyncGenerator<Uint8Array> {
    const outcome = await this.outcomeOf(portal);
    const end = maxRows > 0 ? Math.min(outcome.rows.length, portal.sent + maxRows) : outcome.rows.length;
    yield* this.rowsOf(outcome, portal.sent, end);
    portal.sent = end;
    yield end < outcome.rows.length ? backend.portalSuspended() : backend.commandComplete(outcome.tag);
  }

  private *rowsOf(outcome: Outcome, from: number, to: number): Generator<Uint8Array> {
    if (outcome.notice && from === 0) yield backend.notice('01000', outcome.notice);
    for (let i = from; i < to; i += 1) yield backend.dataRow(outcome.rows[i]!);
  }

  /** Runs a portal's statement once, the first time its rows or columns are asked for. */
  private async outcomeOf(portal: Portal): Promise<Outcome> {
    if (portal.outcome) return portal.outcome;
    const local = answerLocally(portal.sql, this.settings, this.who);
    if (local) {
      if (local.transaction) this.inTransaction = local.transaction === 'begin';
      portal.outcome = local;
      return local;
    }
    const result = await this.runner.run(portal.sql, portal.params);
    portal.outcome = {
      columns: result.columns,
      rows: result.rows.map((row) => row.map(textValue)),
      tag: `SELECT ${result.rows.length}`,
      ...(result.truncation ? { notice: result.truncation.message } : {}),
    };
    return portal.outcome;
  }

  private portal(name: string): Portal {
    const portal = this.portals.get(name);
    if (!portal) throw new StatementError('34000', `portal "${name}" does not exist`);
    return portal;
  }

  private ready(): Uint8Array {
    return backend.readyForQuery(this.inTransaction ? 'T' : 'I');
  }

  private errorMessage(error: unknown): Uint8Array {
    if (error instanceof StatementError) return backend.error(error.sqlState, error.message);
    return backend.error(sqlStateOf(error), messageOf(error));
  }
}
