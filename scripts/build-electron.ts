import { fileURLToPath } from 'node:url';
import { build, type BuildOptions } from 'esbuild';

/**
 * Bundles the Electron shell and the preload into dist/electron. The preload must be a single
 * file: a sandboxed preload can require only `electron`, so the contract is bundled into it.
 */
const root = fileURLToPath(new URL('..', import.meta.url));

export async function buildElectron(): Promise<void> {
  const common: BuildOptions = {
    absWorkingDir: root,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node22',
    external: ['electron'],
    sourcemap: true,
    logLevel: 'warning',
    tsconfig: 'tsconfig.node.json',
  };
  await Promise.all([
    build({ ...common, entryPoints: ['main/electron/entry.ts'], outfile: 'dist/electron/main.cjs' }),
    build({ ...common, entryPoints: ['preload/index.ts'], outfile: 'dist/electron/preload.cjs', minify: true }),
  ]);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildElectron();
}
