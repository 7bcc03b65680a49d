import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { recordCutter } from './record-cutter.js';
import { waitFor } from '../../../test/support/wait-for.js';
import { segments } from './segments.js';

const LINE = `${'x'.repeat(99)}\n`;
/** A segment is cut at the first line end once it holds 10 lines: at the 11th line's end. */
const SEGMENT = 10 * LINE.length;
/** The chunks read once segment `i` is complete (its last line read). */
const readBy = (i: number) => Math.min(50, (i + 1) * 11);

/** 50 lines of 100 bytes in chunks of one line; `read` counts the chunks taken so far (the download's progress). */
function source(progress: { read: number }, fail?: Error): AsyncIterable<Buffer> {
  return (async function* () {
    for (let i = 0; i < 50; i++) {
      progress.read++;
      if (fail && i === 25) throw fail;
      // As from a socket: the next chunk arrives a little later.
      await new Promise((resolve) => setImmediate(resolve));
      yield Buffer.from(LINE);
    }
  })();
}

describe('segments', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'segments-unit-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const cut = (chunks: AsyncIterable<Buffer>, abandon?: () => void) =>
    segments(chunks, {
      ...(abandon ? { abandon } : {}),
      cutter: recordCutter({ format: 'json' }),
      segmentBytes: SEGMENT,
      header: false,
      maxHeaderBytes: 1024,
      pathFor: (i) => join(dir, `source-${i}`),
    });

  it('writes the next segment while the caller works on one, and no further', async () => {
    const progress = { read: 0 };
    const seen: string[] = [];
    for await (const path of cut(source(progress))) {
      seen.push(readFileSync(path, 'utf8'));
      const index = seen.length - 1;
      // The segment after this one is written meanwhile…
      if (index < 4)
        await waitFor(() => existsSync(join(dir, `source-${index + 1}`)) && progress.read >= readBy(index + 1), {
          timeoutMs: 2000,
          what: 'the next segment',
        });
      // …and then the stream waits: nothing past it is read, and two segments at most are on disk.
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(progress.read).toBe(readBy(index + 1));
      expect(readdirSync(dir).length).toBeLessThanOrEqual(2);
    }
    expect(seen.join('')).toBe(LINE.repeat(50));
    expect(seen.length).toBe(5);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('removes the segment written ahead and stops reading when the caller stops early', async () => {
    const progress = { read: 0 };
    for await (const path of cut(source(progress))) {
      await waitFor(() => existsSync(join(dir, 'source-1')), { timeoutMs: 2000, what: 'the second segment' });
      expect(path).toBe(join(dir, 'source-0'));
      break;
    }
    expect(readdirSync(dir)).toEqual([]);
    const stoppedAt = progress.read;
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(progress.read).toBe(stoppedAt);
    expect(stoppedAt).toBeLessThan(50);
  });

  it('abandons a stalled source at once when the caller stops, instead of waiting for its next chunk', async () => {
    let release: (error: Error) => void = () => {};
    const stalled = (async function* () {
      for (let i = 0; i < 15; i++) yield Buffer.from(LINE);
      // As a socket that sends nothing more: only abandoning it ends the wait.
      await new Promise((_, reject) => {
        release = reject;
      });
    })();
    const abandoned: string[] = [];
    const parts = cut(stalled, () => {
      abandoned.push('abandoned');
      release(Object.assign(new Error('aborted'), { name: 'AbortError' }));
    });
    for await (const path of parts) {
      expect(path).toBe(join(dir, 'source-0'));
      // The second segment has begun (four lines of it) and waits for more.
      await waitFor(() => existsSync(join(dir, 'source-1')), { timeoutMs: 2000, what: 'the second segment' });
      break;
    }
    expect(abandoned).toEqual(['abandoned']);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('gives the stream’s failure when the caller asks for the segment it broke, and leaves nothing behind', async () => {
    const progress = { read: 0 };
    const handed: string[] = [];
    await expect(
      (async () => {
        for await (const path of cut(source(progress, new Error('connection reset')))) handed.push(path);
      })(),
    ).rejects.toThrow('connection reset');
    // Segments 0 and 1 (lines 1–11 and 12–22) were whole; the third broke at line 26.
    expect(handed).toEqual([join(dir, 'source-0'), join(dir, 'source-1')]);
    expect(readdirSync(dir)).toEqual([]);
  });
});
