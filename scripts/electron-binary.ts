import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The Electron executable if its binary is installed, else null (electron's index.js throws then). */
export function electronBinary(): string | null {
  try {
    const path = require('electron') as unknown;
    return typeof path === 'string' && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

/**
 * npm 11 runs no dependency install scripts unless package.json allows them, and electron's
 * fetches its binary from the internet, which fails on offline build machines. So the download
 * is tried here, once per start, and only when nothing said to skip it.
 */
export function ensureElectronBinary(env: NodeJS.ProcessEnv = process.env): string | null {
  const found = electronBinary();
  if (found || env.ELECTRON_SKIP_BINARY_DOWNLOAD || env.CI) return found;
  const install = require.resolve('electron/install.js');
  spawnSync(process.execPath, [install], { stdio: 'ignore', timeout: 300_000 });
  return electronBinary();
}
