import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/**
 * The folders of main/ form a tree of dependencies, not a web: no folder imports, directly or
 * through others, a folder that imports it (main/downloads and main/media once did, patched with
 * a mutable reference). Relative imports only: `@common` and packages are outside main/.
 */

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
const IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)['"](\.{1,2}\/[^'"]+)['"]/g;

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [path] : [];
  });
}

/** The top-level folder of `root` a path is in, or null for a file directly in `root` (or outside it). */
function folderOf(root: string, path: string): string | null {
  const parts = relative(root, path).split(sep);
  if (parts[0] === '..' || parts[0] === undefined || parts[0] === '') return null;
  if (parts.length > 1) return parts[0];
  // `../media-stack` names a folder (its index.ts).
  try {
    return statSync(join(root, parts[0])).isDirectory() ? parts[0] : null;
  } catch {
    return null;
  }
}

/** Which top-level folders of `root` each one imports from. */
function folderGraph(root: string): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const file of sourceFiles(root)) {
    const from = folderOf(root, file);
    if (from === null) continue;
    for (const match of readFileSync(file, 'utf8').matchAll(IMPORT)) {
      const to = folderOf(root, resolve(dirname(file), match[1] ?? ''));
      if (to === null || to === from) continue;
      if (!graph.has(from)) graph.set(from, new Set());
      graph.get(from)?.add(to);
    }
  }
  return graph;
}

/** The groups of folders that reach each other (strongly connected, more than one). */
function cycles(graph: ReadonlyMap<string, ReadonlySet<string>>): string[][] {
  const reaches = (from: string): Set<string> => {
    const seen = new Set<string>();
    const stack = [from];
    while (stack.length > 0) {
      for (const next of graph.get(stack.pop() ?? '') ?? []) {
        if (!seen.has(next)) {
          seen.add(next);
          stack.push(next);
        }
      }
    }
    return seen;
  };
  const folders = [...graph.keys()];
  const reach = new Map(folders.map((folder) => [folder, reaches(folder)]));
  const groups = new Map<string, string[]>();
  for (const folder of folders) {
    const group = folders.filter((other) => other === folder || (reach.get(folder)?.has(other) && reach.get(other)?.has(folder))).sort();
    if (group.length > 1) groups.set(group.join(','), group);
  }
  return [...groups.values()];
}

describe('the folders of main/', () => {
  it('never import each other, directly or round about', () => {
    const graph = folderGraph(join(ROOT, 'main'));
    // The check sees the real imports (not an empty graph).
    expect([...(graph.get('media-stack') ?? [])]).toEqual(expect.arrayContaining(['downloads', 'media', 'recording-cache']));
    expect(cycles(graph)).toEqual([]);
  });

  it('the check finds a cycle through a folder index and through a third folder', () => {
    const root = mkdtempSync(join(tmpdir(), 'folder-cycles-'));
    try {
      for (const folder of ['a', 'b', 'c', 'd']) mkdirSync(join(root, folder));
      writeFileSync(join(root, 'a', 'one.ts'), "import { b } from '../b';\n");
      writeFileSync(join(root, 'b', 'index.ts'), "export { c } from '../c/c';\nexport const b = 1;\n");
      writeFileSync(join(root, 'c', 'c.ts'), "import type { A } from '../a/one';\nexport const c = 1;\n");
      writeFileSync(join(root, 'd', 'd.ts'), "import { b } from '../b/index';\nconst lazy = () => import('../a/one');\n");
      const graph = folderGraph(root);
      expect(graph.get('d')).toEqual(new Set(['a', 'b']));
      expect(cycles(graph)).toEqual([['a', 'b', 'c']]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
