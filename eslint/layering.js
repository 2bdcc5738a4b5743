import { builtinModules } from 'node:module';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * local/layering: every source file belongs to the layer whose folder holds it (the longest
 * match wins) and may import only
 *   - files of the layers listed in its `may`, or root files listed in its `files`;
 *   - npm packages listed in its `packages` ('@scope/*' matches a whole scope);
 *   - Node's built-in modules, if its `node` is true.
 * Like VS Code's local/code-layering and Signal's per-package layer table, so that where code
 * runs is visible in the config, not remembered. Files outside every layer are not checked.
 */

const BUILTINS = new Set(builtinModules.filter((name) => !name.startsWith('_')));

/** The project root (this rule lives in <root>/eslint/), not the cwd: linting from a subfolder must check the same layers. */
const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** @param {string} spec */
function packageName(spec) {
  const parts = spec.split('/');
  return spec.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] ?? spec);
}

/** @param {string} name @param {readonly string[]} allowed */
function packageAllowed(name, allowed) {
  return allowed.some((entry) => entry === name || (entry.endsWith('/*') && name.startsWith(entry.slice(0, -1))));
}

/**
 * @typedef {{ paths: string[], may: string[], packages?: string[], node?: boolean, files?: string[], aliases?: Record<string, string> }} Layer
 * @param {Record<string, Layer>} layers
 * @param {string} path  a path relative to the project root, with forward slashes
 */
function layerOf(layers, path) {
  let best = null;
  let bestLength = -1;
  for (const [name, layer] of Object.entries(layers)) {
    for (const prefix of layer.paths) {
      if (path.startsWith(prefix) && prefix.length > bestLength) {
        best = name;
        bestLength = prefix.length;
      }
    }
  }
  return best;
}

/** @type {import('eslint').Rule.RuleModule} */
export const layering = {
  meta: {
    type: 'problem',
    docs: { description: 'Keep each layer to the imports it may use (see eslint.config.js)' },
    schema: [
      {
        type: 'object',
        properties: {
          layers: { type: 'object' },
          aliases: { type: 'object' },
        },
        required: ['layers'],
        additionalProperties: false,
      },
    ],
    messages: {
      crossLayer: "'{{layer}}' may not import from '{{target}}' ({{spec}}).",
      unlayered: "'{{layer}}' may not import '{{spec}}', which belongs to no layer.",
      nodeBuiltin: "'{{layer}}' does not run in Node: '{{spec}}' is not available there.",
      package: "'{{pkg}}' is not a package of '{{layer}}'. If it belongs there, add it to that layer in eslint/layers.js.",
    },
  },
  create(context) {
    const options = /** @type {{ layers: Record<string, Layer>, aliases?: Record<string, string> }} */ (context.options[0]);
    const root = ROOT;
    const toProject = (/** @type {string} */ file) => relative(root, file).split(sep).join('/');
    const filePath = toProject(context.filename);
    const layerName = layerOf(options.layers, filePath);
    if (layerName === null) return {};
    const layer = /** @type {Layer} */ (options.layers[layerName]);
    const aliases = options.aliases ?? {};

    /** @param {import('estree').Node} node @param {string} spec */
    const check = (node, spec) => {
      const alias = Object.keys(aliases).find((prefix) => spec === prefix || spec.startsWith(`${prefix}/`));
      let target = null;
      if (alias !== undefined) target = `${aliases[alias]}${spec.slice(alias.length)}`;
      else if (spec.startsWith('.')) target = toProject(resolve(dirname(context.filename), spec));

      if (target !== null) {
        const targetLayer = layerOf(options.layers, target);
        if (targetLayer === null) {
          if (!(layer.files ?? []).includes(target)) context.report({ node, messageId: 'unlayered', data: { layer: layerName, spec } });
        } else if (targetLayer !== layerName && !layer.may.includes(targetLayer)) {
          context.report({ node, messageId: 'crossLayer', data: { layer: layerName, target: targetLayer, spec } });
        }
        return;
      }
      if (spec.startsWith('node:') || BUILTINS.has(packageName(spec))) {
        if (!layer.node) context.report({ node, messageId: 'nodeBuiltin', data: { layer: layerName, spec } });
        return;
      }
      const pkg = packageName(spec);
      if (!packageAllowed(pkg, layer.packages ?? [])) context.report({ node, messageId: 'package', data: { layer: layerName, pkg } });
    };

    /** @param {import('estree').Node & { source?: import('estree').Node | null }} node */
    const fromSource = (node) => {
      const source = node.source;
      if (source && source.type === 'Literal' && typeof source.value === 'string') check(source, source.value);
    };

    return {
      ImportDeclaration: fromSource,
      ExportAllDeclaration: fromSource,
      ExportNamedDeclaration: fromSource,
      ImportExpression: fromSource,
      CallExpression(node) {
        const [first] = node.arguments;
        if (node.callee.type === 'Identifier' && node.callee.name === 'require' && first?.type === 'Literal' && typeof first.value === 'string') {
          check(first, first.value);
        }
      },
    };
  },
};

export default { meta: { name: 'local' }, rules: { layering } };
