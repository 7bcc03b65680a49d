import { spawn } from 'node:child_process';
import { Duplex, PassThrough } from 'node:stream';
import { FileCode, FileFailure } from '../errors.js';

/**
 * bzip2 decompression through the system's `bzip2` program: Node has no bzip2 codec, and the
 * program is present on nearly every host (Debian's `bzip2` package). Without it, bzip2 files
 * fail with a message saying what to install.
 */
export function bunzip2(): Duplex {
  const child = spawn('bzip2', ['-dc'], { stdio: ['pipe', 'pipe', 'pipe'] });
  // The output ends only once bzip2 has exited cleanly, so a corrupt file cannot pass as a short one.
  const output = new PassThrough();
  child.stdout.pipe(output, { end: false });
  const stream = Duplex.from({ writable: child.stdin, readable: output });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => {
    if (stderr.length < 2000) stderr += chunk.toString('utf8');
  });
  child.on('error', (error: NodeJS.ErrnoException) => {
    stream.destroy(
      error.code === 'ENOENT'
        ? new FileFailure(FileCode.unsupportedCompression, 'bzip2 files need the "bzip2" program on the server (e.g. apt-get install bzip2)')
        : new FileFailure(FileCode.badCompression, `bzip2 failed: ${error.message}`),
    );
  });
  child.on('close', (code) => {
    if (code === 0) output.end();
    else stream.destroy(new FileFailure(FileCode.badCompression, `cannot decompress as bzip2: ${stderr.trim() || `bzip2 exited with ${code}`}`));
  });
  // The consumer stopping early (a preview) must not leave the program running.
  stream.on('close', () => {
    if (child.exitCode === null) child.kill();
  });
  return stream;
}
