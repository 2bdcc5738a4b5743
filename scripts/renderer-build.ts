import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'vite';

const root = fileURLToPath(new URL('..', import.meta.url));
export const RENDERER_DIR = join(root, 'dist', 'renderer');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

/** Builds the renderer when dist/renderer is missing or older than its sources. */
export async function ensureRendererBuilt(log: (line: string) => void): Promise<string> {
  const index = join(RENDERER_DIR, 'index.html');
  const sources = Math.max(newestMtime(join(root, 'renderer')), newestMtime(join(root, 'common')));
  if (existsSync(index) && statSync(index).mtimeMs >= sources) return RENDERER_DIR;
  log('Building the workstation UI…');
  await build({ configFile: join(root, 'vite.config.ts'), logLevel: 'warn' });
  return RENDERER_DIR;
}
