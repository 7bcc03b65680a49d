/**
 * Splits a simple-query text into its statements at the semicolons outside quotes, dollar quotes and comments
 * (psql sends `-c "SET …; SELECT …"` as one message). Empty statements are dropped.
 */
export function splitStatements(text: string): string[] {
  const statements: string[] = [];
  let start = 0;
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    const next = text[i + 1];
    if (ch === "'" || ch === '"') {
      i = text.indexOf(ch, i + 1);
      // A doubled quote ('' or "") inside a quoted part is an escaped quote: the scan carries on past it.
      i = i < 0 ? text.length : i + 1;
    } else if (ch === '-' && next === '-') {
      const end = text.indexOf('\n', i);
      i = end < 0 ? text.length : end + 1;
    } else if (ch === '/' && next === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
    } else if (ch === '$' && /^\$[A-Za-z_]?\w*\$/.test(text.slice(i))) {
      const tag = /^\$[A-Za-z_]?\w*\$/.exec(text.slice(i))![0];
      const end = text.indexOf(tag, i + tag.length);
      i = end < 0 ? text.length : end + tag.length;
    } else if (ch === ';') {
      statements.push(text.slice(start, i));
      start = i + 1;
      i += 1;
    } else i += 1;
  }
  statements.push(text.slice(start));
  return statements.map((s) => s.trim()).filter((s) => s !== '' && !/^(?:\s+|--[^\n]*(?:\n|$)|\/\*[\s\S]*?\*\/)*$/.test(s));
}
