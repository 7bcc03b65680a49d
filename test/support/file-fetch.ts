import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Bytes for a URL scheme fetch does not know (s3:// read with an S3 client). */
export type UrlReader = { scheme: string; read(url: string): Promise<Buffer> };

/**
 * icebird reads through fetch; tables on the local lake live in folders, so file:// URLs are answered from the
 * disk, and those of `other` (an S3 lake's s3:// URLs) by its reader. Returns the function that puts the original
 * fetch back.
 */
export function answerFileUrls(other?: UrlReader): () => void {
  const original = globalThis.fetch;
  globalThis.fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    let bytes: Buffer;
    if (url.startsWith('file://')) bytes = readFileSync(fileURLToPath(url));
    else if (other && url.startsWith(other.scheme)) bytes = await other.read(url);
    else return original(input, init);
    return new Response(init?.method === 'HEAD' ? null : new Uint8Array(bytes), { status: 200, headers: { 'content-length': String(bytes.length) } });
  }) as typeof fetch;
  return () => {
    globalThis.fetch = original;
  };
}
