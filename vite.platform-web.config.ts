import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/**
 * Builds the platform's simulated candidate page into dist/platform-web, which the platform
 * serves at /candidate/ (platform/server.ts). No framework: plain DOM, canvas and WebAudio.
 */
export default defineConfig({
  root: here('./platform/web/candidate'),
  base: './',
  resolve: { alias: { '@common': here('./common') } },
  build: {
    outDir: here('./dist/platform-web'),
    emptyOutDir: true,
    target: 'chrome120',
  },
});
