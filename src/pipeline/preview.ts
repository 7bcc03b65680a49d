import { mkdtemp, open, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SourceFile, SourceFormat } from './contracts.js';
import { openEngine, type Engine } from './engine/duckdb.js';
import { printable, RowCode } from './errors.js';
import { readRecords } from './read/index.js';
import { delimitedSource } from './read/delimited.js';
import { detectDelimiter } from './read/detect-delimiter.js';
import { archiveKind } from './source/decompress.js';
import { materialize } from './source/materialize.js';
import { inferColumns } from './infer-columns.js';

export interface FilePreview {
  columns: Array<{ name: string; type: string }>;
  rows: Array<Record<string, unknown>>;
  /**
   * The records among those read that cannot become a row (a ragged line, bad JSON), in file order: a preview
   * shows them rather than skipping them silently. At most MAX_INVALID_ROWS.
   */
  invalidRows: Array<{ row: number; code: string; message: string }>;
  /** The column delimiter a delimited file was read with, and whether it was detected rather than given. */
  delimiter?: { columnDelimiter: string; detected: boolean };
}

/** Invalid records a preview lists; a file that is mostly broken needs only the first few to be recognised. */
const MAX_INVALID_ROWS = 20;

/** Bytes of a delimited file's start that delimiter detection looks at. */
const DETECTION_BYTES = 64 << 10;

/** Enough text for any sensible number of preview rows; the rest of the file is not fetched. */
const PREVIEW_BYTES = 4 << 20;

/**
 * The first rows of a file and a type for each column guessed from them, as Flow Service's
 * explore `preview=true` shows. Types: "string", "integer", "double", "boolean", "object", "array".
 * A file that cannot be read rejects with a FileFailure (its `code` says why).
 */
export async function previewFile(file: SourceFile, format: SourceFormat, limit = 10): Promise<FilePreview> {
  const scratch = await mkdtemp(join(tmpdir(), 'tributary-preview-'));
  let engine: Engine | undefined;
  try {
    engine = await openEngine({ memoryLimit: '256MB', threads: 1 });
    // Parquet, whole-document JSON and archives can only be read complete; lines can be cut at a line end.
    const whole = format.format === 'parquet' || (format.format === 'json' && format.isMultiLineJson) || archiveKind(format.compressionType) !== null;
    const { parts } = materialize(file, format, scratch, whole ? {} : { maxBytes: PREVIEW_BYTES });
    const delimited = format.format === 'delimited';
    let readAs: SourceFormat = format;
    let detected: string | null = null;
    /** A file of a header and no rows still has columns: its header's (read while its first part is at hand). */
    let headerNames: string[] = [];
    const rows: Array<Record<string, unknown>> = [];
    const invalidRows: FilePreview['invalidRows'] = [];
    let first = true;
    for await (const part of parts) {
      if (first) {
        first = false;
        // A semicolon- or tab-separated file read with commas would preview as one column: detect it when none is given.
        detected = delimited && !format.columnDelimiter ? detectDelimiter(await head(part.path), format.quoteChar ?? '"') : null;
        if (detected) readAs = { ...format, columnDelimiter: detected };
        if (delimited && readAs.header !== false) headerNames = (await delimitedSource(part.path, readAs))?.names ?? [];
      }
      if (rows.length >= limit) break;
      for await (const batch of readRecords(engine, part.path, readAs, limit - rows.length)) {
        for (const record of batch) {
          if (rows.length >= limit) break;
          if (record.values) rows.push(record.values);
          else if (invalidRows.length < MAX_INVALID_ROWS)
            invalidRows.push({
              row: record.row,
              code: record.error?.code ?? RowCode.badJson,
              message: printable(record.error?.message ?? 'unreadable record'),
            });
        }
      }
    }
    let columns = inferColumns(rows);
    if (columns.length === 0) columns = headerNames.map((name) => ({ name, type: 'string' }));
    return {
      columns,
      rows,
      invalidRows,
      ...(delimited ? { delimiter: { columnDelimiter: readAs.columnDelimiter ?? ',', detected: detected !== null } } : {}),
    };
  } finally {
    engine?.close();
    await rm(scratch, { recursive: true, force: true });
  }
}

/** The first bytes of a local file as text (a cut multi-byte character at the end is harmless here). */
async function head(path: string): Promise<string> {
  const handle = await open(path, 'r');
  try {
    const buffer = Buffer.alloc(DETECTION_BYTES);
    const { bytesRead } = await handle.read(buffer, 0, DETECTION_BYTES, 0);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}
