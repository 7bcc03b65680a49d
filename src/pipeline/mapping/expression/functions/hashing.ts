import { createHash, hash } from 'node:crypto';
import { fnError, p, text, type FunctionDef } from './define.js';

/** The charsets AEP's hashing functions accept, as Node encodings; UTF-8 text stays a string, which crypto.hash encodes as UTF-8 itself. */
function bytesOf(fn: string, input: string, charset: unknown): Buffer | string {
  const name = charset === undefined || charset === null ? 'UTF-8' : text(fn, charset, 'charset').toUpperCase();
  switch (name) {
    case 'UTF-8':
      return input;
    case 'UTF-16':
      // Java's UTF-16 writes big-endian with a byte-order mark.
      return Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(input, 'utf16le').swap16()]);
    case 'ISO-8859-1':
      return Buffer.from(input, 'latin1');
    case 'US-ASCII':
      // biome-ignore lint/suspicious/noControlCharactersInRegex: the range is all of ASCII, control characters included.
      return Buffer.from(input.replace(/[^\x00-\x7f]/g, '?'), 'latin1');
    default:
      throw fnError(fn, `unsupported charset ${JSON.stringify(charset)}: use UTF-8, UTF-16, ISO-8859-1 or US-ASCII`);
  }
}

let crcTable: Uint32Array | null = null;
function crc32(input: Buffer | string): string {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (const byte of bytes) crc = crcTable[(crc ^ byte) & 0xff]! ^ (crc >>> 8);
  return ((crc ^ 0xffffffff) >>> 0).toString(16);
}

const HASHES: Array<[string, string]> = [
  ['sha1', 'sha1'],
  ['sha256', 'sha256'],
  ['sha512', 'sha512'],
  ['md5', 'md5'],
];

export const HASHING_FUNCTIONS: FunctionDef[] = [
  ...HASHES.map(
    ([name, algorithm]): FunctionDef => ({
      name,
      category: 'Hashing',
      description: `The ${name.toUpperCase()} digest of a string, as lower-case hexadecimal. The optional charset (UTF-8, UTF-16, ISO-8859-1, US-ASCII; default UTF-8) says how the string becomes bytes.`,
      syntax: `String ${name}(String, String)`,
      returns: 'The hexadecimal digest, or null for a null input.',
      returnType: 'java.lang.String',
      example: `${name}("my text", "UTF-8")`,
      result: `"${createHash(algorithm).update('my text', 'utf8').digest('hex')}"`,
      params: [p('input', 'string', 'The text to hash.'), p('charset', 'string', 'How the text becomes bytes.', { optional: true })],
      impl: (args) =>
        args[0] === null || args[0] === undefined
          ? null
          : // The one-shot digest: a third of createHash's cost, which counts when every row of a file is hashed.
            hash(algorithm, bytesOf(name, text(name, args[0]), args[1]), 'hex'),
    }),
  ),
  {
    name: 'crc32',
    category: 'Hashing',
    description: 'The CRC-32 checksum of a string, as lower-case hexadecimal. The optional charset says how the string becomes bytes.',
    syntax: 'String crc32(String, String)',
    returns: 'The hexadecimal checksum, or null for a null input.',
    returnType: 'java.lang.String',
    example: 'crc32("my text", "UTF-8")',
    result: `"${crc32(Buffer.from('my text'))}"`,
    params: [p('input', 'string', 'The text to checksum.'), p('charset', 'string', 'How the text becomes bytes.', { optional: true })],
    impl: (args) => (args[0] === null || args[0] === undefined ? null : crc32(bytesOf('crc32', text('crc32', args[0]), args[1]))),
  },
];
