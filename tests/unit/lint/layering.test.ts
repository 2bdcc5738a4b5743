import { readdirSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ESLint, RuleTester, type Linter, type Rule } from 'eslint';
import { describe, expect, it } from 'vitest';

/**
 * local/layering, through the real ESLint API and the project's real eslint.config.js: every rule
 * of the layer table fails lint when broken (a violating case per rule) and is not over-broad (a
 * matching allowed case). The probe files need not exist: lintText only uses their path, and the
 * config is not type-aware, so typescript-eslint parses them without a program.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const RULE = 'local/layering';

type MessageId = 'crossLayer' | 'unlayered' | 'nodeBuiltin' | 'package';

interface Layer {
  readonly paths: readonly string[];
}

// The rule and the table are plain JS without declarations, so they are loaded by URL.
const { layering } = (await import(pathToFileURL(join(ROOT, 'eslint/layering.js')).href)) as { layering: Rule.RuleModule };
const { LAYERS } = (await import(pathToFileURL(join(ROOT, 'eslint/layers.js')).href)) as { LAYERS: Record<string, Layer> };

const eslint = new ESLint({ cwd: ROOT });

async function lint(file: string, code: string, engine: ESLint = eslint): Promise<Linter.LintMessage[]> {
  const [result, ...rest] = await engine.lintText(code, { filePath: join(ROOT, file) });
  expect(rest).toHaveLength(0);
  if (result === undefined) throw new Error(`no lint result for ${file}`);
  // A parse error or an ignored file would make every "allowed" case pass vacuously.
  expect(result.messages.filter((m) => m.fatal === true)).toEqual([]);
  return result.messages;
}

const layeringErrors = (messages: readonly Linter.LintMessage[]) => messages.filter((m) => m.ruleId === RULE);

async function expectViolation(file: string, code: string, messageId: MessageId, mentions: string): Promise<void> {
  const errors = layeringErrors(await lint(file, code));
  expect(errors.map((m) => m.messageId)).toEqual([messageId]);
  const [error] = errors;
  expect(error?.severity).toBe(2);
  expect(error?.message).toContain(mentions);
}

async function expectAllowed(file: string, code: string): Promise<void> {
  expect(layeringErrors(await lint(file, code))).toEqual([]);
}

interface Probe {
  /** The layer the probe file belongs to (checked against the table below). */
  readonly layer: string;
  readonly file: string;
  readonly refused: readonly (readonly [spec: string, messageId: MessageId])[];
  readonly allowed: readonly string[];
}

const PROBES: readonly Probe[] = [
  {
    layer: 'common',
    file: 'common/probe.ts',
    refused: [
      ['node:fs', 'nodeBuiltin'],
      ['fs', 'nodeBuiltin'],
      ['fs/promises', 'nodeBuiltin'],
      ['react', 'package'],
      ['electron', 'package'],
      ['fastify', 'package'],
      ['../main/log', 'crossLayer'],
      ['../renderer/src/x', 'crossLayer'],
      ['../platform/server', 'crossLayer'],
      ['../node-shared/media/runner', 'crossLayer'],
      ['../package.json', 'unlayered'],
      ['../scripts/start', 'unlayered'],
    ],
    allowed: ['zod', './errors', './contract/schemas', '@common/platform/wire'],
  },
  {
    layer: 'renderer',
    file: 'renderer/src/probe.ts',
    refused: [
      ['node:path', 'nodeBuiltin'],
      ['path', 'nodeBuiltin'],
      ['electron', 'package'],
      ['fastify', 'package'],
      ['@fastify/static', 'package'],
      ['../../main/workstation', 'crossLayer'],
      ['../../preload/index', 'crossLayer'],
      ['../../platform/server', 'crossLayer'],
      ['../../platform/web/x', 'crossLayer'],
      ['../../node-shared/media/runner', 'crossLayer'],
      ['../../package.json', 'unlayered'],
    ],
    allowed: ['react', 'react-dom/client', 'antd', 'antd/locale/zh_CN', '@ant-design/icons', 'i18next', 'zod', '@common/contract', './i18n'],
  },
  {
    layer: 'renderer',
    file: 'renderer/src/app/probe.tsx',
    refused: [['../../../main/log', 'crossLayer']],
    allowed: ['../i18n', '../bridge/x', 'react'],
  },
  {
    layer: 'preload',
    file: 'preload/probe.ts',
    refused: [
      ['node:fs', 'nodeBuiltin'],
      ['../main/workstation', 'crossLayer'],
      ['../renderer/src/x', 'crossLayer'],
      ['react', 'package'],
    ],
    allowed: ['electron', '@common/contract', './index', 'zod'],
  },
  {
    layer: 'main',
    file: 'main/probe.ts',
    refused: [
      // Only the shell (main/electron/) may touch electron; the rest of main is host-independent.
      ['electron', 'package'],
      ['react', 'package'],
      ['../renderer/src/x', 'crossLayer'],
      ['../preload/index', 'crossLayer'],
      ['../platform/server', 'crossLayer'],
      ['./electron/main', 'crossLayer'],
      ['../scripts/start', 'unlayered'],
      // ffmpeg's binaries are found in one place, node-shared/media/binaries.ts.
      ['ffmpeg-static', 'package'],
    ],
    allowed: [
      'node:fs',
      'fs',
      'fastify',
      '@fastify/static',
      'ws',
      'zod',
      '@common/contract',
      './log',
      './services/x',
      '../package.json',
      '../node-shared/media/runner',
    ],
  },
  {
    layer: 'main',
    file: 'main/version.ts',
    refused: [],
    allowed: ['../package.json'],
  },
  {
    layer: 'main',
    file: 'main/media/probe.ts',
    refused: [],
    allowed: ['../../node-shared/media/runner', '../../node-shared/media/failures'],
  },
  {
    layer: 'shell',
    file: 'main/electron/probe.ts',
    refused: [
      ['../../renderer/src/x', 'crossLayer'],
      ['../../preload/index', 'crossLayer'],
      ['../../platform/server', 'crossLayer'],
      ['react', 'package'],
    ],
    allowed: ['electron', '../workstation', '../config', './ipc', '@common/contract', 'node:path', 'fastify'],
  },
  {
    layer: 'platform',
    file: 'platform/probe.ts',
    refused: [
      ['../main/workstation', 'crossLayer'],
      ['../renderer/src/x', 'crossLayer'],
      ['electron', 'package'],
      ['react', 'package'],
    ],
    allowed: [
      'fastify',
      '@fastify/websocket',
      'ws',
      'node:http',
      '@common/platform/wire',
      './server',
      './routes/x',
      './shared/candidate/device',
      '../node-shared/media/runner',
    ],
  },
  {
    layer: 'platform',
    file: 'platform/media/probe.ts',
    refused: [],
    allowed: ['../../node-shared/media/runner', '../../node-shared/media/binaries'],
  },
  {
    // The candidate device flow, run by the platform's simulators (Node) and its candidate page
    // (a browser) alike: neither Node nor the DOM's packages, nor the platform's server.
    layer: 'platform-shared',
    file: 'platform/shared/candidate/probe.ts',
    refused: [
      ['node:events', 'nodeBuiltin'],
      ['ws', 'package'],
      ['@roamhq/wrtc', 'package'],
      ['react', 'package'],
      ['fastify', 'package'],
      ['../../server', 'crossLayer'],
      ['../../sim/device', 'crossLayer'],
      ['../../web/candidate/main', 'crossLayer'],
      ['../../../renderer/src/x', 'crossLayer'],
      ['../../../main/log', 'crossLayer'],
      ['../../../node-shared/media/runner', 'crossLayer'],
    ],
    allowed: ['zod', 'simple-peer', '@common/platform/realtime', './device', '../other/x'],
  },
  {
    layer: 'platform-web',
    file: 'platform/web/probe.ts',
    refused: [
      ['node:fs', 'nodeBuiltin'],
      ['fastify', 'package'],
      ['electron', 'package'],
      ['../server', 'crossLayer'],
      ['../sim/device', 'crossLayer'],
      ['../../node-shared/media/runner', 'crossLayer'],
    ],
    allowed: ['react', 'antd', '@common/platform/wire', './x', '../shared/candidate/device'],
  },
  {
    // Node code of both the workstation and the platform: it may import common/ and nothing of
    // either of them, so that what it does is the same for both.
    layer: 'node-shared',
    file: 'node-shared/media/probe.ts',
    refused: [
      ['../../main/log', 'crossLayer'],
      ['../../main/media/failures', 'crossLayer'],
      ['../../main/electron/main', 'crossLayer'],
      ['../../platform/server', 'crossLayer'],
      ['../../platform/media/probe', 'crossLayer'],
      ['../../platform/shared/candidate/device', 'crossLayer'],
      ['../../renderer/src/x', 'crossLayer'],
      ['../../package.json', 'unlayered'],
      ['../../scripts/start', 'unlayered'],
      ['electron', 'package'],
      ['fastify', 'package'],
      ['better-sqlite3', 'package'],
      ['fluent-ffmpeg', 'package'],
    ],
    allowed: ['node:child_process', 'fs', 'ffmpeg-static', '@ffprobe-installer/ffprobe', '@common/contract', '../../common/contract', './runner', '../other/x'],
  },
];

const refusedCases = PROBES.flatMap(({ file, refused }) => refused.map(([spec, messageId]) => ({ file, spec, messageId })));
const allowedCases = PROBES.flatMap(({ file, allowed }) => allowed.map((spec) => ({ file, spec })));

describe('local/layering with the real config', () => {
  it('is on, as an error, for every probe path (so the allowed cases are not vacuous)', async () => {
    const files = [...new Set(PROBES.map((p) => p.file)), 'tests/x.test.ts', 'scripts/x.ts'];
    for (const file of files) {
      const path = join(ROOT, file);
      expect(await eslint.isPathIgnored(path), file).toBe(false);
      const config = (await eslint.calculateConfigForFile(path)) as { rules?: Record<string, unknown> };
      expect(config.rules?.[RULE], file).toEqual([2, expect.objectContaining({ layers: LAYERS })]);
    }
  });

  it('has probes for every layer of the table, each in the layer it claims', () => {
    const covered = new Set(PROBES.filter((p) => p.refused.length > 0).map((p) => p.layer));
    expect([...covered].sort()).toEqual(Object.keys(LAYERS).sort());
    for (const probe of PROBES) {
      const owner = Object.entries(LAYERS)
        .flatMap(([name, layer]) => layer.paths.filter((prefix) => probe.file.startsWith(prefix)).map((prefix) => ({ name, prefix })))
        .sort((a, b) => b.prefix.length - a.prefix.length)[0];
      expect(owner?.name, probe.file).toBe(probe.layer);
    }
  });

  it('covers every message of the rule', () => {
    const used = new Set(refusedCases.map((c) => c.messageId));
    expect([...used].sort()).toEqual(Object.keys(layering.meta?.messages ?? {}).sort());
  });

  it.each(refusedCases)('$file may not import $spec ($messageId)', async ({ file, spec, messageId }) => {
    await expectViolation(file, `import '${spec}';\n`, messageId, spec);
  });

  it.each(allowedCases)('$file may import $spec', async ({ file, spec }) => {
    await expectAllowed(file, `import '${spec}';\n`);
  });

  describe('checks every import syntax', () => {
    // Each form once with a forbidden module (electron in the renderer) and once with an
    // allowed one (react), so a form that is skipped, or flagged whatever it imports, fails.
    const forms: readonly (readonly [name: string, code: (spec: string) => string])[] = [
      ['a named import', (spec) => `import { x } from '${spec}';\nexport const y = x;\n`],
      ['a default import', (spec) => `import x from '${spec}';\nexport default x;\n`],
      ['a namespace import', (spec) => `import * as x from '${spec}';\nexport const y = x;\n`],
      ['a side-effect import', (spec) => `import '${spec}';\n`],
      ['a dynamic import()', (spec) => `export const load = () => import('${spec}');\n`],
      ['a require()', (spec) => `export const x: unknown = require('${spec}');\n`],
      ['export * from', (spec) => `export * from '${spec}';\n`],
      ['export * as from', (spec) => `export * as x from '${spec}';\n`],
      ['export { } from', (spec) => `export { x } from '${spec}';\n`],
      ['export type { } from', (spec) => `export type { X } from '${spec}';\n`],
      ['import type', (spec) => `import type { X } from '${spec}';\nexport type Y = X;\n`],
      ['an inline type import', (spec) => `import { type X } from '${spec}';\nexport type Y = X;\n`],
    ];
    it.each(forms)('in %s', async (_name, code) => {
      await expectViolation('renderer/src/probe.ts', code('electron'), 'package', 'electron');
      await expectAllowed('renderer/src/probe.ts', code('react'));
    });

    it('reports each offending import, not just the first', async () => {
      const code = "import 'electron';\nimport 'react';\nimport 'node:fs';\nexport const m = () => import('../../main/log');\n";
      const errors = layeringErrors(await lint('renderer/src/probe.ts', code));
      expect(errors.map((m) => [m.line, m.messageId])).toEqual([
        [1, 'package'],
        [3, 'nodeBuiltin'],
        [4, 'crossLayer'],
      ]);
    });

    it('refuses a type-only import of electron in main/ outside the shell', async () => {
      await expectViolation('main/probe.ts', "import type { BrowserWindow } from 'electron';\nexport type W = BrowserWindow;\n", 'package', 'electron');
      await expectAllowed('main/electron/probe.ts', "import type { BrowserWindow } from 'electron';\nexport type W = BrowserWindow;\n");
    });

    it('leaves require() with a computed name and other calls alone', async () => {
      await expectAllowed('renderer/src/probe.ts', "const name = 'electron';\nexport const x: unknown = require(name);\nexport const y = String('electron');\n");
    });

    // Forms local/layering does not look at; lint still fails on them through another rule.
    it.each([
      ['an import() type', "export type App = import('electron').App;\n"],
      ['import = require()', "import x = require('electron');\nexport const y = x;\n"],
    ])('fails lint on %s through another rule', async (_name, code) => {
      const errors = (await lint('renderer/src/probe.ts', code)).filter((m) => m.severity === 2);
      expect(errors.length).toBeGreaterThan(0);
    });
  });

  it.each(['tests/x.test.ts', 'scripts/x.ts', 'vite.config.ts', 'probe.ts'])('does not check %s, which is outside every layer', async (file) => {
    const code = "import 'electron';\nimport 'node:fs';\nimport 'react';\nimport '../main/workstation';\nimport './renderer/src/x';\nexport const m = require('fastify');\n";
    await expectAllowed(file, code);
  });

  it('checks the same layers when ESLint runs from a subfolder', async () => {
    for (const cwd of ['main', 'renderer/src', 'tests']) {
      const engine = new ESLint({ cwd: join(ROOT, cwd) });
      expect(layeringErrors(await lint('main/probe.ts', "import 'electron';\n", engine)).map((m) => m.messageId), cwd).toEqual(['package']);
      expect(layeringErrors(await lint('main/electron/probe.ts', "import 'electron';\n", engine)), cwd).toEqual([]);
    }
  });

  it('finds nothing to report in the repository as it is', { timeout: 60_000 }, async () => {
    const layered = ['common', 'renderer', 'preload', 'main', 'platform', 'node-shared'];
    const results = await eslint.lintFiles(layered);
    const linted = new Set(results.map((r) => relative(ROOT, r.filePath).split(sep)[0]));
    expect([...linted].sort()).toEqual([...layered].sort());
    expect(results.length).toBeGreaterThan(20);
    const problems = results.flatMap((r) => layeringErrors(r.messages).map((m) => `${relative(ROOT, r.filePath)}:${m.line} ${m.message}`));
    expect(problems).toEqual([]);
  });

  it('has a layer for every top-level folder of source, except tests and scripts', () => {
    const UNLAYERED = new Set(['tests', 'scripts', 'node_modules', 'dist', 'release']);
    const hasSource = (dir: string): boolean =>
      readdirSync(dir, { withFileTypes: true }).some((entry) =>
        entry.isDirectory() ? hasSource(join(dir, entry.name)) : /\.(ts|tsx|js|jsx|mts|cts)$/.test(entry.name),
      );
    const prefixes = Object.values(LAYERS).flatMap((layer) => layer.paths);
    const folders = readdirSync(ROOT, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && !entry.name.startsWith('.') && !UNLAYERED.has(entry.name))
      .map((entry) => entry.name)
      .filter((name) => name !== 'eslint' && hasSource(join(ROOT, name)));
    expect(folders.filter((name) => !prefixes.includes(`${name}/`))).toEqual([]);
    expect(folders.length).toBeGreaterThanOrEqual(5);
  });
});

describe('local/layering on its own (RuleTester, a made-up table)', () => {
  RuleTester.describe = describe;
  RuleTester.it = it;
  RuleTester.itOnly = it.only;

  const options = [
    {
      layers: {
        core: { paths: ['src/core/'], may: [], packages: ['@scope/*', 'lodash'], node: false },
        app: { paths: ['src/'], may: ['core'], node: true, files: ['package.json'] },
        tools: { paths: ['tools/'], may: ['app'], packages: ['*'], node: false },
      },
      aliases: { '#core': 'src/core' },
    },
  ];
  const at = (file: string) => join(ROOT, file);
  const tester = new RuleTester({ languageOptions: { ecmaVersion: 'latest', sourceType: 'module' } });

  tester.run('layering', layering, {
    valid: [
      // '@scope/*' matches any package of the scope; a listed package's subpaths are that package.
      { filename: at('src/core/a.js'), options, code: "import '@scope/x';\nimport '@scope/y/deep/path';\nimport 'lodash/fp';" },
      // Aliases resolve into their layer; same-layer relative imports are fine.
      { filename: at('src/core/a.js'), options, code: "import '#core/b';\nimport './b';" },
      // The longest prefix wins: src/a.js is app, which may import core.
      { filename: at('src/a.js'), options, code: "import './core/b';\nimport '#core/b';\nimport 'fs';\nimport 'node:fs';" },
      // `files` lets a layer import named root files.
      { filename: at('src/a.js'), options, code: "import '../package.json';" },
      // Files outside every layer are not checked.
      { filename: at('lib/a.js'), options, code: "import 'anything';\nimport 'node:fs';\nimport '../src/core/a';" },
      // `may` is per layer: tools may import app.
      { filename: at('tools/a.js'), options, code: "import '../src/a';" },
    ],
    invalid: [
      {
        filename: at('src/core/a.js'),
        options,
        code: "import '@scopex/y';\nimport '@other/scope';\nimport 'lodash-es';",
        errors: [
          { messageId: 'package', data: { layer: 'core', pkg: '@scopex/y' }, line: 1 },
          { messageId: 'package', data: { layer: 'core', pkg: '@other/scope' }, line: 2 },
          { messageId: 'package', data: { layer: 'core', pkg: 'lodash-es' }, line: 3 },
        ],
      },
      {
        filename: at('src/core/a.js'),
        options,
        code: "import 'fs/promises';\nimport 'node:test';",
        errors: [
          { messageId: 'nodeBuiltin', data: { layer: 'core', spec: 'fs/promises' } },
          { messageId: 'nodeBuiltin', data: { layer: 'core', spec: 'node:test' } },
        ],
      },
      {
        filename: at('src/core/a.js'),
        options,
        code: "import '../a';\nimport '../../package.json';",
        errors: [
          { messageId: 'crossLayer', data: { layer: 'core', target: 'app', spec: '../a' } },
          { messageId: 'unlayered', data: { layer: 'core', spec: '../../package.json' } },
        ],
      },
      {
        filename: at('src/a.js'),
        options,
        code: "import 'lodash';\nimport '../other.json';\nimport '../tools/t';",
        errors: [
          { messageId: 'package', data: { layer: 'app', pkg: 'lodash' } },
          { messageId: 'unlayered', data: { layer: 'app', spec: '../other.json' } },
          { messageId: 'crossLayer', data: { layer: 'app', target: 'tools', spec: '../tools/t' } },
        ],
      },
      // A '*' entry is a package name, not a wildcard for every package; `may` is not transitive.
      {
        filename: at('tools/a.js'),
        options,
        code: "import 'react';\nimport '../src/core/a';",
        errors: [
          { messageId: 'package', data: { layer: 'tools', pkg: 'react' } },
          { messageId: 'crossLayer', data: { layer: 'tools', target: 'core', spec: '../src/core/a' } },
        ],
      },
    ],
  });
});
