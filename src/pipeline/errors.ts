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

/**
 * Why a whole file was lost, and whether that is the file's own fault. A file version that failed for its
 * `content` fails the same way every time: a flow leaves it alone until it changes. One that failed for a
 * `transient` reason (the storage, a permission, the flow's settings) may work next time: a flow retries it.
 */
export type FileFailureKind = 'content' | 'transient';

interface FileCodeDef {
  code: string;
  kind: FileFailureKind;
}

const fileCodes = <T extends Record<string, FileCodeDef>>(defs: T) => defs;

/** Every code a whole file can fail with; each names one failure only. */
export const FILE_CODES = fileCodes({
  /** The storage could not be reached, or the read broke off midway. */
  storageUnreachable: { code: 'FILE-5001', kind: 'transient' },
  /** The bytes are not valid for the declared compression (or archive). */
  badCompression: { code: 'FILE-5002', kind: 'content' },
  /** A compression or archive variant the platform cannot unpack (ZIP64, a bzip2 server without bzip2). */
  unsupportedCompression: { code: 'FILE-5003', kind: 'content' },
  /** The flow's encoding is not one the platform reads: fixed by changing the flow, not the file. */
  unsupportedEncoding: { code: 'FILE-5004', kind: 'transient' },
  /** Not a valid file of the declared format (binary bytes in a CSV, invalid UTF-8, broken Parquet, malformed JSON). */
  unparsable: { code: 'FILE-5005', kind: 'content' },
  /** The format options are not usable (e.g. a delimiter of several characters): fixed by changing the flow. */
  badFormat: { code: 'FILE-5006', kind: 'transient' },
  /** The valid rows could not be written as Parquet (a full disk, say). */
  writeFailed: { code: 'FILE-5007', kind: 'transient' },
  /** The file expands too fast for its compressed size: refused as a decompression bomb. */
  decompressionBomb: { code: 'FILE-5008', kind: 'content' },
  /** A line or record is longer than the record size limit, so the file cannot be split into rows. */
  recordTooLarge: { code: 'FILE-5009', kind: 'content' },
  /** A delimited file has more columns than the reader can hold. */
  tooManyColumns: { code: 'FILE-5010', kind: 'content' },
  /** The storage refused to let this file be read. */
  permissionDenied: { code: 'FILE-5011', kind: 'transient' },
  /** The file was listed but was gone when it was read. */
  notFound: { code: 'FILE-5012', kind: 'transient' },
  /** The file (once decompressed) is larger than a file may be. */
  tooLarge: { code: 'FILE-5013', kind: 'content' },
  /** The storage asked us to slow down. */
  throttled: { code: 'FILE-5014', kind: 'transient' },
});

export type FileCodeName = keyof typeof FILE_CODES;

/** The codes by name, as the readers throw them. */
export const FileCode = Object.fromEntries(Object.entries(FILE_CODES).map(([name, def]) => [name, def.code])) as {
  readonly [K in FileCodeName]: (typeof FILE_CODES)[K]['code'];
};

const KIND_OF_CODE = new Map<string, FileFailureKind>(Object.values(FILE_CODES).map((d) => [d.code, d.kind]));

/** Whether a file failure is the file's own (retaken only once it changes) or may pass (retried); unknown codes may pass. */
export function fileFailureKind(code: string): FileFailureKind {
  return KIND_OF_CODE.get(code) ?? 'transient';
}

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

/** The longest message a whole-file failure keeps: what it quotes of the input is a short excerpt only. */
const MAX_FILE_MESSAGE_CHARS = 400;

/**
 * A whole-file failure's message made safe: a reader of a file that is not what it claims quotes its bytes,
 * so control characters become `\xNN`, undecodable bytes (U+FFFD) `\ufffd`, and the text is cut short.
 */
export function escapedExcerpt(message: string): string {
  const escaped = message
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is escaped
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
    .replace(/\ufffd/g, '\\ufffd');
  return escaped.length > MAX_FILE_MESSAGE_CHARS ? `${escaped.slice(0, MAX_FILE_MESSAGE_CHARS)}…` : escaped;
}

/** A failure that loses a whole file: it becomes FileOutcome.error and none of the file's rows land. */
export class FileFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(escapedExcerpt(message));
  }
}
