/** The delimiters a preview tries when the caller names none, in the order ties are settled. */
const CANDIDATES = [',', ';', '\t', '|'] as const;

/** How many of a text's first lines are looked at. */
const SAMPLE_LINES = 20;

/**
 * The column delimiter a delimited text most likely uses: the candidate that splits the most of its
 * first lines into the same number of fields as the header (counted outside quotes), preferring more
 * fields; a comma when no candidate appears in the header at all.
 */
export function detectDelimiter(sample: string, quote = '"'): string {
  // The last line of a sample cut at a byte count may be partial: leave it out when others exist.
  const lines = sample.split(/\r?\n/).filter((line) => line !== '');
  const complete = lines.length > 1 && !/\n$/.test(sample) ? lines.slice(0, -1) : lines;
  const sampled = complete.slice(0, SAMPLE_LINES);
  const header = sampled[0];
  if (header === undefined) return ',';
  let best: { delimiter: string; agreeing: number; fields: number } = { delimiter: ',', agreeing: 0, fields: 0 };
  for (const delimiter of CANDIDATES) {
    const fields = countOutsideQuotes(header, delimiter, quote);
    if (fields === 0) continue;
    const agreeing = sampled.filter((line) => countOutsideQuotes(line, delimiter, quote) === fields).length;
    if (agreeing > best.agreeing || (agreeing === best.agreeing && fields > best.fields)) best = { delimiter, agreeing, fields };
  }
  return best.delimiter;
}

function countOutsideQuotes(line: string, delimiter: string, quote: string): number {
  let count = 0;
  let quoted = false;
  for (const ch of line) {
    if (ch === quote) quoted = !quoted;
    else if (ch === delimiter && !quoted) count += 1;
  }
  return count;
}
