import { defaultShellPaths, runElectronApp } from './main';

// Bundled to dist/electron/main.cjs, so __dirname is dist/electron.
runElectronApp(defaultShellPaths(__dirname));
