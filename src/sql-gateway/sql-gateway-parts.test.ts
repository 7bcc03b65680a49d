import { describe, expect, it } from 'vitest';
import { SqlFailure } from '../services/query/index.js';
import { ServiceError } from '../services/errors.js';
import { sandboxOfDbName } from '../services/query/sql-login.js';
import { PG_TYPES, pgTypeOf, textValue } from './pg-types.js';
import { answerLocally, initialSettings } from './session-commands.js';
import { sqlStateOf } from './sql-state.js';
import { splitStatements } from './statement-text.js';
import { backend, readFrontendMessage } from './wire-messages.js';

describe('pgTypeOf', () => {
  it.each([
    ['BOOLEAN', PG_TYPES.bool],
    ['SMALLINT', PG_TYPES.int2],
    ['INTEGER', PG_TYPES.int4],
    ['BIGINT', PG_TYPES.int8],
    ['HUGEINT', PG_TYPES.numeric],
    ['DECIMAL(18,3)', PG_TYPES.numeric],
    ['DOUBLE', PG_TYPES.float8],
    ['FLOAT', PG_TYPES.float4],
    ['VARCHAR', PG_TYPES.text],
    ['DATE', PG_TYPES.date],
    ['TIMESTAMP', PG_TYPES.timestamp],
    ['TIMESTAMP_NS', PG_TYPES.timestamp],
    ['TIMESTAMP WITH TIME ZONE', PG_TYPES.timestamptz],
    ['UUID', PG_TYPES.uuid],
    ['STRUCT("a" INTEGER)', PG_TYPES.json],
    ['INTEGER[]', PG_TYPES.json],
    ['VARCHAR[3]', PG_TYPES.json],
    ['MAP(VARCHAR, INTEGER)', PG_TYPES.json],
    ["ENUM('a', 'b')", PG_TYPES.text],
  ])('sends %s as OID %o', (duckdb, pg) => expect(pgTypeOf(duckdb)).toEqual(pg));

  it('sends a type left open as text', () => expect(pgTypeOf(null)).toEqual(PG_TYPES.text));
});

describe('textValue', () => {
  it('writes values in text format', () => {
    expect(textValue(null)).toBeNull();
    expect(textValue(true)).toBe('t');
    expect(textValue(false)).toBe('f');
    expect(textValue(2.5)).toBe('2.5');
    expect(textValue('2024-01-02 03:04:05')).toBe('2024-01-02 03:04:05');
    expect(textValue({ a: [1, 'é'] })).toBe('{"a":[1,"é"]}');
    expect(textValue(Number.POSITIVE_INFINITY)).toBe('Infinity');
  });
});

describe('splitStatements', () => {
  it('splits at semicolons outside quotes, dollar quotes and comments', () => {
    expect(splitStatements('SET a = \'x;y\'; SELECT 1 -- a;b\n; SELECT $$;$$, "c;d" /* ; */')).toEqual([
      "SET a = 'x;y'",
      'SELECT 1 -- a;b',
      'SELECT $$;$$, "c;d" /* ; */',
    ]);
  });

  it('drops empty statements and keeps parameters', () => {
    expect(splitStatements(' ; ;\n')).toEqual([]);
    expect(splitStatements('-- only a comment')).toEqual([]);
    expect(splitStatements('SELECT $1, $2;')).toEqual(['SELECT $1, $2']);
  });
});

describe('answerLocally', () => {
  const who = { user: 'ORG@AdobeOrg', database: 'prod:all' };

  it('keeps SET values for SHOW, but not those the engine fixes', () => {
    const settings = initialSettings(who.user, who.database, 'psql');
    expect(answerLocally("SET application_name TO 'bi'", settings, who)?.tag).toBe('SET');
    expect(answerLocally('SHOW application_name;', settings, who)?.rows).toEqual([['bi']]);
    answerLocally("SET TimeZone = 'Europe/Paris'", settings, who);
    expect(answerLocally('show timezone', settings, who)?.rows).toEqual([['UTC']]);
    expect(answerLocally('SHOW no_such_setting', settings, who)).toBeNull();
  });

  it('answers transactions, version() and the session functions', () => {
    const settings = initialSettings(who.user, who.database, '');
    expect(answerLocally('BEGIN', settings, who)).toMatchObject({ tag: 'BEGIN', transaction: 'begin' });
    expect(answerLocally('rollback', settings, who)).toMatchObject({ tag: 'ROLLBACK', transaction: 'end' });
    expect(answerLocally('SELECT version()', settings, who)?.rows[0]?.[0]).toMatch(/^PostgreSQL 14\.0 /);
    expect(answerLocally('select current_user', settings, who)?.rows).toEqual([['ORG@AdobeOrg']]);
    expect(answerLocally('SELECT pg_catalog.current_database() AS db', settings, who)).toMatchObject({
      columns: [{ name: 'db' }],
      rows: [['prod:all']],
    });
    expect(answerLocally('SELECT version() FROM t', settings, who)).toBeNull();
    expect(answerLocally('SELECT 1', settings, who)).toBeNull();
  });
});

describe('sqlStateOf', () => {
  it.each([
    [new SqlFailure('error', 'Parser Error: syntax error at end of input'), '42601'],
    [new SqlFailure('error', 'Failed to extract statements: Parser Error: syntax error'), '42601'],
    [new SqlFailure('error', 'Catalog Error: Table with name t does not exist!'), '42P01'],
    [new SqlFailure('error', 'Catalog Error: Scalar Function with name f does not exist!'), '42883'],
    [new SqlFailure('error', 'Binder Error: Referenced column "x" not found in FROM clause!'), '42703'],
    [new SqlFailure('error', "Conversion Error: Could not convert string 'a' to INT64"), '22P02'],
    [new SqlFailure('error', 'something else'), '42000'],
    [new SqlFailure('refused', 'only SELECT queries (including WITH … SELECT) are allowed; the lake is read-only'), '25006'],
    [new SqlFailure('refused', 'exactly one statement is allowed, got 2'), '0A000'],
    [new SqlFailure('timeout', 'ran too long'), '57014'],
    [new ServiceError('invalid', '"sql" is required'), '22023'],
    [new Error('boom'), 'XX000'],
  ])('%s → %s', (error, state) => expect(sqlStateOf(error)).toBe(state));
});

describe('sandboxOfDbName', () => {
  it('takes the sandbox from {sandbox}:{database}', () => {
    expect(sandboxOfDbName('prod:all')).toBe('prod');
    expect(sandboxOfDbName('dev')).toBe('dev');
    expect(sandboxOfDbName('all')).toBeUndefined();
    expect(sandboxOfDbName(':all')).toBeUndefined();
    expect(sandboxOfDbName(undefined)).toBeUndefined();
  });
});

describe('wire messages', () => {
  const frame = (code: string, body: Buffer) => {
    const head = Buffer.alloc(5);
    head.write(code, 0, 'latin1');
    head.writeInt32BE(body.length + 4, 1);
    return new Uint8Array(Buffer.concat([head, body]));
  };

  it('reads a Bind with a NULL and a text parameter', () => {
    const body = Buffer.concat([
      Buffer.from('p\0s\0', 'latin1'),
      Buffer.from([0, 0]), // no parameter formats: all text
      Buffer.from([0, 2, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 2]),
      Buffer.from('hi'),
      Buffer.from([0, 0]),
    ]);
    const message = readFrontendMessage(frame('B', body));
    expect(message).toMatchObject({ type: 'bind', portal: 'p', statement: 's', params: [null, Buffer.from('hi')] });
  });

  it('reads Parse, Describe and Execute', () => {
    expect(readFrontendMessage(frame('P', Buffer.concat([Buffer.from('n\0SELECT $1\0'), Buffer.from([0, 1, 0, 0, 0, 25])])))).toEqual({
      type: 'parse',
      name: 'n',
      sql: 'SELECT $1',
      paramTypes: [25],
    });
    expect(readFrontendMessage(frame('D', Buffer.from('S\0')))).toEqual({ type: 'describe', target: 'statement', name: '' });
    expect(readFrontendMessage(frame('E', Buffer.from([0, 0, 0, 0, 10])))).toEqual({ type: 'execute', portal: '', maxRows: 10 });
    expect(readFrontendMessage(frame('F', Buffer.alloc(0)))).toEqual({ type: 'unsupported', code: 'F' });
  });

  it('writes a DataRow with NULL and UTF-8 values', () => {
    expect(backend.dataRow([null, 'é'])).toEqual(Buffer.from([0x44, 0, 0, 0, 16, 0, 2, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 2, 0xc3, 0xa9]));
  });
});
