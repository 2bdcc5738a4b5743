import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));

/** Builds the renderer into dist/renderer, served by app:// under Electron and by the browser host. */
export default defineConfig({
  root: here('./renderer'),
  base: './',
  plugins: [react()],
  resolve: { alias: { '@common': here('./common') } },
  build: {
    outDir: here('./dist/renderer'),
    emptyOutDir: true,
    target: 'chrome120',
    chunkSizeWarningLimit: 2048,
  },
});
