import { openEngine } from './src/pipeline/engine/duckdb.js';
import { delimitedSource } from './src/pipeline/read/delimited.js';
import { numberDelimitedRows } from './src/pipeline/read/delimited-row-numbers.js';
const path = process.argv[2]!;
const engine = await openEngine();
const src = (await delimitedSource(path, { format: 'delimited' }))!;
await engine.connection.run(`CREATE TEMP TABLE t AS SELECT * FROM ${src.sequential!.dataSql}`);
const total = Number((await engine.connection.runAndReadAll(`SELECT count(*) FROM t`)).getRowsJS()[0]![0]);
const picked = (await engine.connection.runAndReadAll(`SELECT rowid + 1 AS r, * FROM t WHERE rowid % 97 = 3 OR c9 IS NOT NULL OR c8 IS NULL`)).getRowsJS() as unknown[][];
const values = picked.map(([, ...v]) => v as Array<string | null>).sort(() => Math.random() - 0.5);
const layout = { path, delimiter: ',', quote: '"', escape: '"', skip: 1, width: src.names.length };
for (let i = 0; i < 3; i++) {
  const t0 = performance.now(); const c0 = process.cpuUsage();
  const got = await numberDelimitedRows(layout, values, total);
  const c = process.cpuUsage(c0);
  console.log('ms', (performance.now() - t0).toFixed(0), 'cpu', ((c.user + c.system) / 1e6).toFixed(2), 'rows', got?.length, 'of', picked.length, 'total', total);
  if (!got) { console.log('NULL'); continue; }
  const same = JSON.stringify(got.map(r => r[0])) === JSON.stringify(picked.map(r => Number(r[0])));
  const sameVals = JSON.stringify(got) === JSON.stringify(picked.map(([r, ...v]) => [Number(r), ...v]));
  console.log('numbers equal', same, 'values equal', sameVals);
}
console.log('wrong total', await numberDelimitedRows(layout, values, total + 1));
