import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

/**
 * Writes a profile CSV of `rows` data rows. Values are drawn from a seeded generator, so the same
 * arguments always give the same file. About `badShare` of the rows are broken in one of the ways
 * real exports break: a malformed e-mail, a date that does not exist, a number that is not one, or
 * a row with a column missing.
 */
export async function writeProfileCsv(path: string, rows: number, badShare = 0.01, seed = 42): Promise<{ bytes: number; badRows: number }> {
  const out = createWriteStream(path);
  let bytes = 0;
  let badRows = 0;
  let state = seed >>> 0;
  // mulberry32: small, fast and good enough to vary test data.
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)]!;
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  const put = async (text: string) => {
    bytes += Buffer.byteLength(text);
    if (!out.write(text)) await once(out, 'drain');
  };
  await put('id,first_name,last_name,email,birth_date,city,country_code,loyalty_points,created_at\n');
  let chunk = '';
  for (let i = 1; i <= rows; i++) {
    const first = pick(FIRST);
    const last = pick(LAST);
    let email = `${first.toLowerCase()}.${last.toLowerCase()}${i % 1000}@${pick(DOMAINS)}`;
    let birth = `${1940 + Math.floor(random() * 65)}-${pad(1 + Math.floor(random() * 12))}-${pad(1 + Math.floor(random() * 28))}`;
    let points = String(Math.floor(random() * 100_000));
    const created = `2024-${pad(1 + Math.floor(random() * 12))}-${pad(1 + Math.floor(random() * 28))}T${pad(Math.floor(random() * 24))}:${pad(Math.floor(random() * 60))}:${pad(Math.floor(random() * 60))}Z`;
    let line: string | null = null;
    if (random() < badShare) {
      badRows++;
      const kind = Math.floor(random() * 4);
      if (kind === 0) email = `${first.toLowerCase()} at ${pick(DOMAINS)}`;
      else if (kind === 1) birth = `${1940 + Math.floor(random() * 65)}-02-30`;
      else if (kind === 2) points = 'n/a';
      else line = `p-${i},${first},${last},${email},${birth},${pick(CITIES)}\n`;
    }
    chunk += line ?? `p-${i},${first},${last},${email},${birth},"${pick(CITIES)}",${pick(COUNTRIES)},${points},${created}\n`;
    if (chunk.length > 1 << 16) {
      await put(chunk);
      chunk = '';
    }
  }
  await put(chunk);
  out.end();
  await once(out, 'close');
  return { bytes, badRows };
}

const FIRST = [
  'Ada',
  'Grace',
  'Alan',
  'Edsger',
  'Barbara',
  'Donald',
  'Frances',
  'John',
  'Margaret',
  'Ken',
  'Radia',
  'Tim',
  'Hedy',
  'Dennis',
  'Karen',
  'Niklaus',
];
const LAST = [
  'Lovelace',
  'Hopper',
  'Turing',
  'Dijkstra',
  'Liskov',
  'Knuth',
  'Allen',
  'McCarthy',
  'Hamilton',
  'Thompson',
  'Perlman',
  'Berners-Lee',
  'Lamarr',
  'Ritchie',
  'Jones',
  'Wirth',
];
const DOMAINS = ['example.com', 'example.org', 'example.net'];
const CITIES = ['London', 'Paris', 'San Jose', 'Zürich', 'São Paulo', 'New York, NY', 'Tokyo', 'Berlin'];
const COUNTRIES = ['GB', 'FR', 'US', 'CH', 'BR', 'JP', 'DE'];
