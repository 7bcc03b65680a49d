import { createWriteStream, type WriteStream } from 'node:fs';
import { stat, unlink } from 'node:fs/promises';
import { once } from 'node:events';
import { join } from 'node:path';
import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlIdent, sqlString, type Engine, engineMessage } from '../engine/duckdb.js';
import { FileCode, FileFailure } from '../errors.js';
import type { ObjectField } from '../schema/xdm-fields.js';
import { duckType } from './duck-types.js';

/** Spooled rows past this size become a Parquet part while the next rows are mapped. */
const DEFAULT_SPOOL_BYTES = 32 * 1024 * 1024;

/** A Parquet file the sink wrote. */
export interface SinkPart {
  path: string;
  bytes: number;
}

/**
 * Collects valid rows of one source file and writes them as Parquet typed by the target schema.
 * Rows are spooled as JSON lines on disk; each time the spool passes a size, DuckDB converts it to
 * a Parquet part (reading it with the schema's column types) on a connection of its own, while
 * this thread goes on mapping the next rows. One conversion runs at a time, so memory and scratch
 * space stay flat however large the file, and the two cores share the work.
 */
export class ParquetSink {
  private spool: Spool | null = null;
  private spools = 0;
  private converting: Promise<void> = Promise.resolve();
  private connection: Promise<DuckDBConnection> | null = null;
  private readonly parts: SinkPart[] = [];
  private count = 0;

  constructor(
    private readonly engine: Engine,
    private readonly root: ObjectField,
    private readonly scratchDir: string,
    /** The path of the next Parquet part (the caller numbers the parts of its batch). */
    private readonly nextPartPath: () => string,
    private readonly spoolBytes = DEFAULT_SPOOL_BYTES,
  ) {}

  get rows(): number {
    return this.count;
  }

  async add(rows: Array<Record<string, unknown>>): Promise<void> {
    if (rows.length === 0) return;
    const spool = (this.spool ??= new Spool(join(this.scratchDir, `rows-${this.spools++}.ndjson`)));
    await spool.write(rows);
    this.count += rows.length;
    if (spool.bytes >= this.spoolBytes) await this.roll();
  }

  /** Writes what is left and waits for every part; returns the parts (none when no row came). */
  async finish(): Promise<SinkPart[]> {
    await this.roll();
    await this.converting;
    return this.parts;
  }

  /** Drops what was collected and written (the file failed as a whole). */
  async discard(): Promise<void> {
    await this.converting.catch(() => undefined);
    await this.spool?.remove();
    this.spool = null;
    await Promise.all(this.parts.map((part) => unlink(part.path).catch(() => undefined)));
    this.parts.length = 0;
  }

  /** Hands the current spool to a conversion, after the previous one has finished. */
  private async roll(): Promise<void> {
    const spool = this.spool;
    if (!spool) return;
    this.spool = null;
    await spool.close();
    // The previous conversion's failure surfaces here, before more work is queued.
    await this.converting;
    const output = this.nextPartPath();
    this.converting = this.convert(spool, output);
    // Raised by the next roll or by finish; until then nobody awaits it.
    this.converting.catch(() => undefined);
  }

  private async convert(spool: Spool, outputPath: string): Promise<void> {
    try {
      // Only the top-level fields some row filled get a column; each with its full type.
      const columns = [...this.root.properties].filter(([name]) => spool.topLevel.has(name));
      if (columns.length === 0) return;
      const spec = columns.map(([name, field]) => `${sqlString(name)}: ${sqlString(duckType(field))}`).join(', ');
      const select = columns.map(([name]) => sqlIdent(name)).join(', ');
      const connection = await (this.connection ??= this.engine.connect());
      try {
        await connection.run(
          `COPY (SELECT ${select} FROM read_json(${sqlString(spool.path)}, format = 'newline_delimited', records = true,
             columns = {${spec}}, maximum_object_size = 67108864))
           TO ${sqlString(outputPath)} (FORMAT parquet)`,
        );
      } catch (error) {
        // A statement that failed or was interrupted may have left part of a file.
        await unlink(outputPath).catch(() => undefined);
        throw new FileFailure(FileCode.writeFailed, `cannot write the rows as Parquet: ${engineMessage(error)}`);
      }
      this.parts.push({ path: outputPath, bytes: (await stat(outputPath)).size });
    } finally {
      await spool.remove();
    }
  }
}

/** One spool file: rows as JSON lines, and the top-level fields they fill. */
class Spool {
  private readonly out: WriteStream;
  readonly topLevel = new Set<string>();
  bytes = 0;

  constructor(readonly path: string) {
    this.out = createWriteStream(path);
  }

  async write(rows: Array<Record<string, unknown>>): Promise<void> {
    let text = '';
    for (const row of rows) {
      for (const key in row) this.topLevel.add(key);
      text += `${JSON.stringify(row)}\n`;
    }
    this.bytes += text.length;
    if (!this.out.write(text)) await once(this.out, 'drain');
  }

  async close(): Promise<void> {
    if (this.out.closed) return;
    this.out.end();
    await once(this.out, 'close');
  }

  async remove(): Promise<void> {
    await this.close();
    await unlink(this.path).catch(() => undefined);
  }
}
