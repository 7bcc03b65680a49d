/**
 * Error codes the pipeline reports. Row codes land in RowError.code; file codes in FileOutcome.error.
 * The prefixes group them by stage so a reader of a run's errors knows where a row was lost.
 */
export const RowCode = {
  /** A delimited row whose column count differs from the header's. */
  raggedRow: 'PARSE-1001',
  /** A JSON line that is not valid JSON or not an object. */
  badJson: 'PARSE-1002',
  /** An expression calls a function that is not implemented (yet). */
  unsupportedFunction: 'MAPPER-2001',
  /** An expression cannot be parsed. */
  badExpression: 'MAPPER-2002',
  /** A function was given an input it cannot work with (a bad date, a malformed regular expression, …). */
  functionFailed: 'MAPPER-2004',
  /** A mapping's destination is not a field of the target schema. */
  unknownDestination: 'MAPPER-2003',
  /** A value cannot be converted to its target field's type. */
  typeMismatch: 'TYPE-3001',
  /** The mapped row breaks the target schema. */
  schemaViolation: 'XDM-4001',
  /** The mapped row holds no field of the target schema, so it has nothing to land. */
  emptyRow: 'XDM-4002',
} as const;

export const FileCode = {
  /** The source could not be opened or read. */
  unreadable: 'FILE-5001',
  /** The bytes are not valid for the declared compression. */
  badCompression: 'FILE-5002',
  unsupportedCompression: 'FILE-5003',
  unsupportedEncoding: 'FILE-5004',
  /** The parser gave up on the file as a whole (invalid UTF-8, broken Parquet, malformed JSON document). */
  unparsable: 'FILE-5005',
  /** The format options are not usable (e.g. a delimiter of several characters). */
  badFormat: 'FILE-5006',
  /** The valid rows could not be written as Parquet. */
  writeFailed: 'FILE-5007',
  /** The file expands past the size or ratio a compressed file may reach. */
  decompressionBomb: 'FILE-5008',
  /** A line or record is longer than the record size limit, so the file cannot be split into rows. */
  recordTooLarge: 'FILE-5009',
  /** A delimited file has more columns than the reader can hold. */
  tooManyColumns: 'FILE-5010',
} as const;

/** The longest message an error keeps: parsers quote the offending line, which may be megabytes long. */
const MAX_MESSAGE_CHARS = 1000;

/**
 * A message made safe to store and show: control characters (a NUL cannot be stored in a jsonb column, and
 * binary bytes quoted from a file mean nothing to a reader) become U+FFFD, and the length is bounded.
 */
export function printable(message: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is replaced
  const clean = message.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '\ufffd');
  return clean.length > MAX_MESSAGE_CHARS ? `${clean.slice(0, MAX_MESSAGE_CHARS)}…` : clean;
}

/** A failure that loses a whole file: it becomes FileOutcome.error and none of the file's rows land. */
export class FileFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(printable(message));
  }
}
