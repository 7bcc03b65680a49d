// Runs s3rver in its own process (it needs `node --openssl-legacy-provider` for its
// continuation-token cipher). Usage: node --openssl-legacy-provider s3rver-runner.cjs <directory>
// Prints {"port": N} on stdout once listening; stops on SIGTERM.
'use strict';
const S3rver = require('s3rver');

const directory = process.argv[2];
if (!directory) {
  process.stderr.write('usage: s3rver-runner.cjs <directory>\n');
  process.exit(2);
}

const server = new S3rver({ address: '127.0.0.1', port: 0, silent: true, directory, configureBuckets: [] });

server.run().then(
  (address) => process.stdout.write(JSON.stringify({ port: address.port }) + '\n'),
  (error) => {
    process.stderr.write(String(error && error.stack ? error.stack : error) + '\n');
    process.exit(1);
  },
);

const stop = () => server.close().finally(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
// The parent holds our stdin open; when it dies without stopping us, stdin ends: do not linger.
process.stdin.on('end', stop);
process.stdin.resume();
