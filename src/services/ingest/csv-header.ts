import { FileFailure, readFirstRecord } from '../../pipeline/index.js';

/**
 * The column names on the first line of a delimited file, or null when it has none. Batch Ingestion CSVs
 * name their columns by XDM path ("person.name.firstName"), so the names become the mapping of the file.
 * The line is read by the pipeline's own first-record reader, so both agree on quoting. A first line that
 * cannot be read is no header: the pipeline, reading the file, then reports why as the file's error.
 */
export async function readCsvHeader(
  path: string,
  options: { delimiter?: string; quote?: string; escape?: string; latin1?: boolean; maxBytes?: number } = {},
): Promise<string[] | null> {
  const quote = options.quote ?? '"';
  let fields: string[] | null;
  try {
    fields = await readFirstRecord(
      path,
      options.delimiter ?? ',',
      quote,
      options.escape ?? quote,
      options.latin1 ? 'latin1' : 'utf8',
      options.maxBytes,
    );
  } catch (error) {
    if (error instanceof FileFailure) return null;
    throw error;
  }
  const names = fields?.map((field) => field.trim()) ?? null;
  return names && names.some((name) => name !== '') ? names : null;
}
