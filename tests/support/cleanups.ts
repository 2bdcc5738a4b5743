import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';

export type Cleanup = () => Promise<void> | void;

/**
 * What each test of a file leaves behind (platforms, workstations, folders), undone after it,
 * newest first: `cleanups.push(...)` for anything, `tempDir(prefix)` for a folder removed with it.
 * Call once at the top of a test file.
 */
export function testCleanups(): { cleanups: Cleanup[]; tempDir(prefix: string): string } {
  const cleanups: Cleanup[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  return {
    cleanups,
    tempDir(prefix) {
      const dir = mkdtempSync(join(tmpdir(), prefix));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      return dir;
    },
  };
}
