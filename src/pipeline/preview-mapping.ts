import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import type { FieldMapping, RowError, SourceFormat, TargetSchema } from './contracts.js';
import { openEngine, sqlString } from './engine/duckdb.js';
import { ingest } from './ingest.js';

export interface MappingPreview {
  /** The mapped rows that would land, as JSON. */
  rows: Array<Record<string, unknown>>;
  /** Every row that would fail, with its row number (1 = the first sample row). */
  errors: RowError[];
}

const SAMPLE = 'sample';

/**
 * Sample records through a mapping set exactly as a run takes them: the records become a small
 * source file (CSV when every value is a scalar, as a delimited source gives them; JSON lines
 * otherwise) and go through ingest() itself — the same compiled SQL plan or JavaScript mapper,
 * coercion and validation — and the Parquet it writes is read back.
 */
export async function previewMapping(
  mappings: FieldMapping[],
  target: TargetSchema,
  records: Array<Record<string, unknown>>,
): Promise<MappingPreview> {
  const scratch = await mkdtemp(join(tmpdir(), 'tributary-mapping-preview-'));
  try {
    const { bytes, format } = sampleFile(records);
    const out = join(scratch, 'out');
    const result = await ingest({
      files: [{ path: SAMPLE, size: bytes.length, open: async () => Readable.from([bytes]) }],
      format,
      mappings,
      target,
      outputDir: out,
      workDir: scratch,
      engine: { memoryLimit: '256MB', threads: 1 },
    });
    const parts = (await readdir(out)).filter((name) => name.endsWith('.parquet'));
    const rows: Array<Record<string, unknown>> = [];
    if (parts.length) {
      const engine = await openEngine({ memoryLimit: '256MB', threads: 1 });
      try {
        const reader = await engine.connection.runAndReadAll(
          `SELECT to_json(t)::VARCHAR FROM read_parquet(${sqlString(join(out, 'part-*.parquet'))}, union_by_name = true) t`,
        );
        for (const [json] of reader.getRowsJS() as Array<[string]>) rows.push(withoutNulls(JSON.parse(json)) as Record<string, unknown>);
      } finally {
        engine.close();
      }
    }
    return { rows, errors: result.rowErrors.map((e) => ({ ...e, file: SAMPLE })) };
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

function sampleFile(records: Array<Record<string, unknown>>): { bytes: Buffer; format: SourceFormat } {
  const scalar = records.every((r) =>
    Object.values(r).every((v) => v === null || v === undefined || ['string', 'number', 'boolean'].includes(typeof v)),
  );
  if (!scalar) return { bytes: Buffer.from(records.map((r) => JSON.stringify(r)).join('\n') + '\n'), format: { format: 'json' } };
  const columns = [...new Set(records.flatMap((r) => Object.keys(r)))];
  const cell = (v: unknown) => (v === null || v === undefined ? '' : `"${String(v).replaceAll('"', '""')}"`);
  const lines = [columns.map(cell).join(','), ...records.map((r) => columns.map((c) => cell(r[c])).join(','))];
  return { bytes: Buffer.from(lines.join('\n') + '\n'), format: { format: 'delimited' } };
}

/** Parquet columns of fields no row filled read back as null; a preview shows only what was mapped. */
function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (typeof value === 'object' && value !== null) {
    const result: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(value)) if (child !== null) result[key] = withoutNulls(child);
    return result;
  }
  return value;
}
