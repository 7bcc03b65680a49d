/** Where the server's compiled JavaScript goes and what it is built from: shared by the build and bin/tributary.js. */
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

export const SERVER_BUILD = {
  output: join(root, 'dist'),
  sources: [join(root, 'src'), join(root, 'tsconfig.json'), join(root, 'tsconfig.build.json')],
};
