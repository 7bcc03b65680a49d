/**
 * The one order the listing and the manifest are merged in: Unicode code points, which is the byte order of
 * UTF-8 and so PostgreSQL's `collate "C"` on a UTF-8 database. JavaScript's `<` compares UTF-16 code units
 * instead, which puts characters above U+FFFF (surrogate pairs) before U+E000–U+FFFF: the two would disagree.
 */
export function comparePaths(a: string, b: string): number {
  const length = Math.min(a.length, b.length);
  for (let i = 0; i < length; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Only where both are in U+D800–U+FFFF can code units and code points disagree.
    if (x >= 0xd800 && y >= 0xd800) return codePointRank(x) - codePointRank(y);
    return x - y;
  }
  return a.length - b.length;
}

/** Surrogates (U+D800–U+DFFF) stand for code points above U+FFFF: they rank after U+E000–U+FFFF. */
function codePointRank(unit: number): number {
  return unit >= 0xd800 && unit <= 0xdfff ? unit + 0x10000 : unit;
}
