import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * icebird reads through fetch; tables on the local lake live in folders, so file:// URLs are answered from the
 * disk. Returns the function that puts the original fetch back.
 */
export function answerFileUrls(): () => void {
  const original = globalThis.fetch;
  globalThis.fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    if (!url.startsWith('file://')) return original(input, init);
    const bytes = readFileSync(fileURLToPath(url));
    return new Response(init?.method === 'HEAD' ? null : bytes, { status: 200, headers: { 'content-length': String(bytes.length) } });
  }) as typeof fetch;
  return () => {
    globalThis.fetch = original;
  };
}
