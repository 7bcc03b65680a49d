import { Readable } from 'node:stream';
import type { QueryResultsPage } from '../../services/query/index.js';

/**
 * The JSON body of a result page, produced as it is sent: the head's fields, then `"rows": [ … ]` filled from the
 * row texts one at a time, so a large result never sits whole in memory.
 */
export function resultsBody(page: QueryResultsPage): Readable {
  async function* body(): AsyncGenerator<string> {
    const head = JSON.stringify(page.head);
    yield `${head.slice(0, -1)},"rows":[`;
    let first = true;
    for await (const row of page.rows) {
      yield first ? row : `,${row}`;
      first = false;
    }
    yield ']}';
  }
  return Readable.from(body(), { objectMode: false });
}
