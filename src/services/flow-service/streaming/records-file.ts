import { writeFile } from 'node:fs/promises';
import type { RowError } from '../../../pipeline/contracts.js';
import type { StreamRecord } from '../../../connectors/index.js';
import { CODES } from '../../error-codes.js';

/** A micro-batch's records as a JSON-lines file for the pipeline, and the records that could not go in it. */
export interface RecordsFile {
  /** How many records were written to the file. */
  written: number;
  /** Bytes of the records taken from the stream, written or not. */
  inputBytes: number;
  /** One per record that is not a JSON object or is too large: row errors of the batch, as the pipeline's are. */
  rowErrors: RowError[];
}

/**
 * Writes the records of a micro-batch as JSON lines (the pipeline then maps, validates and writes them as it
 * does a file's). A record that is not one JSON object, or is larger than `maxRecordBytes`, becomes a row
 * error (the stream goes on). With `dataType` `xdm`, a record in AEP's envelope (`body.xdmEntity`) is
 * unwrapped to its entity.
 */
export async function writeRecordsFile(
  path: string,
  label: string,
  records: readonly StreamRecord[],
  options: { dataType: 'raw' | 'xdm'; maxRecordBytes: number },
): Promise<RecordsFile> {
  const lines: string[] = [];
  const rowErrors: RowError[] = [];
  let inputBytes = 0;
  records.forEach((record, index) => {
    inputBytes += record.data.length;
    const row = index + 1;
    if (record.data.length > options.maxRecordBytes) {
      rowErrors.push({
        file: label,
        row,
        code: CODES.streamRecordTooLarge.code,
        message: `the record is ${record.data.length} bytes; at most ${options.maxRecordBytes} are taken`,
      });
      return;
    }
    let value: unknown;
    try {
      value = JSON.parse(record.data.toString('utf8'));
    } catch {
      value = undefined;
    }
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      rowErrors.push({ file: label, row, code: CODES.streamRecordNotJson.code, message: 'the record is not a JSON object' });
      return;
    }
    const entity = options.dataType === 'xdm' ? xdmEntity(value as Record<string, unknown>) : value;
    // Re-serialised: one line per record, whatever whitespace the producer sent.
    lines.push(JSON.stringify(entity));
  });
  await writeFile(path, lines.length ? `${lines.join('\n')}\n` : '');
  return { written: lines.length, inputBytes, rowErrors };
}

/** The XDM entity of a record: AEP's envelope `{header, body: {xdmMeta, xdmEntity}}` unwrapped, or the record itself. */
function xdmEntity(record: Record<string, unknown>): unknown {
  const body = record.body as { xdmEntity?: unknown } | undefined;
  return body && typeof body === 'object' && body.xdmEntity && typeof body.xdmEntity === 'object' ? body.xdmEntity : record;
}
