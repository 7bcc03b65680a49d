import { BackendError } from 'pg-gateway';

/**
 * The messages of PostgreSQL's extended and simple query protocols that pg-gateway leaves to its user: pg-gateway
 * reads the start-up, SSL and password exchange and frames each later message; this module reads the frames of
 * the query messages and writes the answers (protocol 3.0, "Message Formats" of the PostgreSQL manual).
 */

export type FrontendMessage =
  | { type: 'query'; sql: string }
  | { type: 'parse'; name: string; sql: string; paramTypes: number[] }
  | { type: 'bind'; portal: string; statement: string; paramFormats: number[]; params: Array<Buffer | null>; resultFormats: number[] }
  | { type: 'describe'; target: 'statement' | 'portal'; name: string }
  | { type: 'execute'; portal: string; maxRows: number }
  | { type: 'close'; target: 'statement' | 'portal'; name: string }
  | { type: 'sync' }
  | { type: 'flush' }
  | { type: 'unsupported'; code: string };

/** Reads a frame (type byte, length, body) as the message it holds. */
export function readFrontendMessage(frame: Uint8Array): FrontendMessage {
  const reader = new Reader(Buffer.from(frame.buffer, frame.byteOffset, frame.byteLength), 5);
  const code = String.fromCharCode(frame[0] ?? 0);
  switch (code) {
    case 'Q':
      return { type: 'query', sql: reader.cstring() };
    case 'P': {
      const name = reader.cstring();
      const sql = reader.cstring();
      const paramTypes = reader.list(() => reader.int32());
      return { type: 'parse', name, sql, paramTypes };
    }
    case 'B': {
      const portal = reader.cstring();
      const statement = reader.cstring();
      const paramFormats = reader.list(() => reader.int16());
      const params = reader.list(() => {
        const length = reader.int32();
        return length < 0 ? null : reader.bytes(length);
      });
      const resultFormats = reader.list(() => reader.int16());
      return { type: 'bind', portal, statement, paramFormats, params, resultFormats };
    }
    case 'D':
    case 'C': {
      const target = reader.byte() === 'S' ? 'statement' : 'portal';
      return { type: code === 'D' ? 'describe' : 'close', target, name: reader.cstring() };
    }
    case 'E':
      return { type: 'execute', portal: reader.cstring(), maxRows: reader.int32() };
    case 'S':
      return { type: 'sync' };
    case 'H':
      return { type: 'flush' };
    default:
      return { type: 'unsupported', code };
  }
}

class Reader {
  constructor(
    private readonly buffer: Buffer,
    private offset: number,
  ) {}

  byte(): string {
    return String.fromCharCode(this.buffer[this.offset++] ?? 0);
  }

  int16(): number {
    const value = this.buffer.readInt16BE(this.offset);
    this.offset += 2;
    return value;
  }

  int32(): number {
    const value = this.buffer.readInt32BE(this.offset);
    this.offset += 4;
    return value;
  }

  bytes(length: number): Buffer {
    const value = this.buffer.subarray(this.offset, this.offset + length);
    this.offset += length;
    return value;
  }

  cstring(): string {
    const end = this.buffer.indexOf(0, this.offset);
    if (end < 0) throw new Error('a string of the message is not terminated');
    const value = this.buffer.toString('utf8', this.offset, end);
    this.offset = end + 1;
    return value;
  }

  /** An int16 count followed by that many items. */
  list<T>(item: () => T): T[] {
    const count = this.int16();
    return Array.from({ length: count }, item);
  }
}

/** Builds one backend message: its type byte, then the length, then the body. */
function message(code: string, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const head = Buffer.alloc(5);
  head.write(code, 0, 'latin1');
  head.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([head, body]);
}

const cstring = (text: string) => Buffer.concat([Buffer.from(text, 'utf8'), Buffer.from([0])]);
const int16 = (value: number) => {
  const b = Buffer.alloc(2);
  b.writeInt16BE(value);
  return b;
};
const int32 = (value: number) => {
  const b = Buffer.alloc(4);
  b.writeInt32BE(value);
  return b;
};

/** A column of a RowDescription: its name, type OID and the type's size (-1: variable). */
export interface WireColumn {
  name: string;
  oid: number;
  size: number;
}

export const backend = {
  parseComplete: () => message('1'),
  bindComplete: () => message('2'),
  closeComplete: () => message('3'),
  noData: () => message('n'),
  emptyQuery: () => message('I'),
  portalSuspended: () => message('s'),
  commandComplete: (tag: string) => message('C', cstring(tag)),
  parameterStatus: (name: string, value: string) => message('S', cstring(name), cstring(value)),
  readyForQuery: (status: 'I' | 'T' | 'E') => message('Z', Buffer.from(status, 'latin1')),
  parameterDescription: (oids: number[]) => message('t', int16(oids.length), ...oids.map(int32)),
  /** Every column in text format (0), not from a table (table OID 0, attribute 0), no type modifier. */
  rowDescription: (columns: WireColumn[]) =>
    message(
      'T',
      int16(columns.length),
      ...columns.flatMap((c) => [cstring(c.name), int32(0), int16(0), int32(c.oid), int16(c.size), int32(-1), int16(0)]),
    ),
  dataRow: (values: Array<string | null>) =>
    message(
      'D',
      int16(values.length),
      ...values.flatMap((v) => {
        if (v === null) return [int32(-1)];
        const bytes = Buffer.from(v, 'utf8');
        return [int32(bytes.length), bytes];
      }),
    ),
  error: (code: string, text: string, severity: 'ERROR' | 'FATAL' = 'ERROR') =>
    Buffer.from(BackendError.create({ severity, code, message: text }).flush()),
  /** A NoticeResponse: the fields of an error, sent as a warning that does not end the statement. */
  notice: (code: string, text: string) =>
    message(
      'N',
      Buffer.from('S', 'latin1'),
      cstring('NOTICE'),
      Buffer.from('V', 'latin1'),
      cstring('NOTICE'),
      Buffer.from('C', 'latin1'),
      cstring(code),
      Buffer.from('M', 'latin1'),
      cstring(text),
      Buffer.from([0]),
    ),
};
