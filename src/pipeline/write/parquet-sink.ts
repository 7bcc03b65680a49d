import { createWriteStream, type WriteStream } from 'node:fs';
import { stat, unlink } from 'node:fs/promises';
import { once } from 'node:events';
import { sqlIdent, sqlString, type Engine, engineMessage } from '../engine/duckdb.js';
import { FileCode, FileFailure } from '../errors.js';
import type { ObjectField } from '../schema/xdm-fields.js';
import { duckType } from './duck-types.js';

/**
 * Collects valid rows of one source file and writes them as one Parquet file typed by the target
 * schema. Rows are spooled as JSON lines on disk (memory stays flat however large the file), then
 * DuckDB converts the spool in one COPY, reading it with the schema's column types.
 */
export class ParquetSink {
  private readonly out: WriteStream;
  private readonly topLevel = new Set<string>();
  private count = 0;

  constructor(
    private readonly engine: Engine,
    private readonly root: ObjectField,
    private readonly spoolPath: string,
  ) {
    this.out = createWriteStream(spoolPath);
  }

  get rows(): number {
    return this.count;
  }

  async add(rows: Array<Record<string, unknown>>): Promise<void> {
    if (rows.length === 0) return;
    let text = '';
    for (const row of rows) {
      for (const key in row) this.topLevel.add(key);
      text += `${JSON.stringify(row)}\n`;
    }
    this.count += rows.length;
    if (!this.out.write(text)) await once(this.out, 'drain');
  }

  /** Writes the Parquet file; returns its size, or 0 (and writes nothing) when no row came. */
  async finish(outputPath: string): Promise<number> {
    await this.close();
    try {
      if (this.count === 0) return 0;
      // Only the top-level fields some row filled get a column; each with its full schema type.
      const columns = [...this.root.properties].filter(([name]) => this.topLevel.has(name));
      if (columns.length === 0) return 0;
      const spec = columns.map(([name, field]) => `${sqlString(name)}: ${sqlString(duckType(field))}`).join(', ');
      const select = columns.map(([name]) => sqlIdent(name)).join(', ');
      await this.run(
        `COPY (SELECT ${select} FROM read_json(${sqlString(this.spoolPath)}, format = 'newline_delimited', records = true,
           columns = {${spec}}, maximum_object_size = 67108864))
         TO ${sqlString(outputPath)} (FORMAT parquet)`,
      );
      return (await stat(outputPath)).size;
    } finally {
      await unlink(this.spoolPath).catch(() => undefined);
    }
  }

  private async run(sql: string): Promise<void> {
    try {
      await this.engine.connection.run(sql);
    } catch (error) {
      throw new FileFailure(FileCode.writeFailed, `cannot write the rows as Parquet: ${engineMessage(error)}`);
    }
  }

  /** Drops what was collected (the file failed as a whole). */
  async discard(): Promise<void> {
    await this.close();
    await unlink(this.spoolPath).catch(() => undefined);
  }

  private async close(): Promise<void> {
    if (this.out.closed) return;
    this.out.end();
    await once(this.out, 'close');
  }
}
