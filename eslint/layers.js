/**
 * Where code runs, and so what it may import. The linter (local/layering) enforces this table;
 * tests/unit/lint proves each rule fails lint when broken. A new npm package goes into the
 * layers that may use it; a new folder of source goes into exactly one layer.
 */

const BROWSER_PACKAGES = ['react', 'react-dom', 'antd', '@ant-design/*', 'i18next', 'react-i18next', 'simple-peer', 'zod'];
const SERVER_PACKAGES = ['zod', 'fastify', '@fastify/*', 'ws', 'better-sqlite3'];
/** ffmpeg and ffprobe binaries: only node-shared/media/binaries.ts finds them (fluent-ffmpeg is the benchmark's, in tests/). */
const MEDIA_PACKAGES = ['ffmpeg-static', '@ffprobe-installer/ffprobe'];

export const LAYERS = {
  /** Pure TypeScript shared by every side: no Node, no DOM, no Electron. */
  common: { paths: ['common/'], may: [], packages: ['zod'], node: false },
  /** The React UI: the contract from common/, browser packages, nothing of Node or Electron. */
  renderer: { paths: ['renderer/'], may: ['common'], packages: [...BROWSER_PACKAGES, 'echarts', 'echarts-for-react'], node: false },
  /** The sandboxed preload: electron's renderer APIs and the contract, nothing else. */
  preload: { paths: ['preload/'], may: ['common'], packages: ['electron', 'zod'], node: false },
  /** The workstation's back end, host-independent: it never imports electron. */
  main: { paths: ['main/'], may: ['common', 'node-shared'], packages: [...SERVER_PACKAGES, 'exceljs'], node: true, files: ['package.json'] },
  /** The thin Electron shell: the only part of main that touches electron. */
  shell: { paths: ['main/electron/'], may: ['main', 'common'], packages: ['electron', ...SERVER_PACKAGES], node: true },
  /** The reference exam platform: a separate server that shares only the wire schemas, and node-shared's Node code. */
  platform: { paths: ['platform/'], may: ['common', 'platform-shared', 'node-shared'], packages: [...SERVER_PACKAGES, 'simple-peer', '@roamhq/wrtc'], node: true },
  /**
   * Code of the platform's that runs both in its Node side (the simulators) and in its candidate
   * page (a browser): the candidate device flow. Not the workstation's, so not in common/; it sees
   * neither Node nor the DOM, and takes sockets and peers from whoever runs it (simple-peer for types only).
   */
  'platform-shared': { paths: ['platform/shared/'], may: ['common'], packages: ['zod', 'simple-peer'], node: false },
  /**
   * Node code of both the workstation (main/) and the reference platform (platform/), so it has one
   * implementation rather than drifting copies: finding and running ffmpeg and ffprobe. It knows
   * neither of them (node-shared/README.md).
   */
  'node-shared': { paths: ['node-shared/'], may: ['common'], packages: MEDIA_PACKAGES, node: true },
  /** The platform's candidate pages, which run in a browser. */
  'platform-web': { paths: ['platform/web/'], may: ['common', 'platform-shared'], packages: BROWSER_PACKAGES, node: false },
};

export const ALIASES = { '@common': 'common' };
