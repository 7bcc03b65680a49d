// Runs kinesalite (an in-memory Kinesis server) in its own process on a free port.
// Usage: node kinesalite-runner.cjs. Prints {"port": N} on stdout once listening; stops on SIGTERM.
'use strict';
const kinesalite = require('kinesalite');

// Streams leave CREATING/UPDATING quickly, so that tests that create or reshard a stream do not wait long.
const server = kinesalite({ createStreamMs: 50, deleteStreamMs: 50, updateStreamMs: 50, shardLimit: 50 });
server.listen(0, '127.0.0.1', () => process.stdout.write(JSON.stringify({ port: server.address().port }) + '\n'));
server.on('error', (error) => {
  process.stderr.write(String(error && error.stack ? error.stack : error) + '\n');
  process.exit(1);
});

const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// The parent holds our stdin open; when it dies without stopping us, stdin ends: do not linger.
process.stdin.on('end', () => process.exit(0));
process.stdin.resume();
