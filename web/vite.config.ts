import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

/**
 * The UI's build. No React plugin: esbuild compiles JSX with the automatic runtime, which is all a
 * production build needs (no fast refresh). `TRIBUTARY_WEB_OUT` lets the build script write to a
 * scratch folder and swap it in whole, so a server never sees half a build.
 */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  logLevel: 'warn',
  esbuild: { jsx: 'automatic' },
  build: {
    outDir: process.env.TRIBUTARY_WEB_OUT ?? 'dist',
    emptyOutDir: true,
    sourcemap: false,
    chunkSizeWarningLimit: 600,
  },
  server: {
    // `npx vite web` during development: the API runs on `npm start`.
    proxy: { '/data': 'http://localhost:8080', '/ims': 'http://localhost:8080' },
  },
});
