import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { backupStore, backupSumFile } from '../../../main/store/backups';
import { DATABASE_FILE, openStore } from '../../../main/store/database';

/**
 * A backup counts only once it is on the disk, and so does a restored database: the order of
 * fsyncs and renames the store asks of the file system, recorded at the fs boundary. (A power
 * cut cannot be staged in a test; this is what makes one harmless.)
 */

const journal: string[] = [];
const paths = new Map<number, string>();

vi.mock('node:fs', async (importOriginal) => {
  const real = await importOriginal<typeof fs>();
  return {
    ...real,
    openSync: (...args: Parameters<typeof real.openSync>) => {
      const fd = real.openSync(...args);
      paths.set(fd, String(args[0]));
      return fd;
    },
    closeSync: (fd: number) => {
      paths.delete(fd);
      real.closeSync(fd);
    },
    fsyncSync: (fd: number) => {
      journal.push(`fsync ${paths.get(fd) ?? `fd ${String(fd)}`}`);
      real.fsyncSync(fd);
    },
    renameSync: (from: fs.PathLike, to: fs.PathLike) => {
      journal.push(`rename ${String(from)} -> ${String(to)}`);
      real.renameSync(from, to);
    },
    copyFileSync: (from: fs.PathLike, to: fs.PathLike, mode?: number) => {
      journal.push(`copy ${String(from)} -> ${String(to)}`);
      real.copyFileSync(from, to, mode);
    },
  };
});

let dataDir: string;
beforeEach(() => {
  dataDir = fs.mkdtempSync(join(tmpdir(), 'examiner-durable-'));
  journal.length = 0;
});
afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

const position = (entry: string) => {
  const index = journal.indexOf(entry);
  expect(index, `${entry} in\n${journal.join('\n')}`).toBeGreaterThanOrEqual(0);
  return index;
};

describe('durability of backups and restores', () => {
  it('fsyncs the VACUUM INTO output and its checksum before naming them, and the folder after', () => {
    const { store } = openStore(dataDir);
    let backup: string;
    try {
      journal.length = 0;
      backup = backupStore(store, dataDir, new Date('2026-03-14T03:00:00.000Z'));
    } finally {
      store.close();
    }
    const dir = join(dataDir, 'backups');
    const partial = `${backup}.partial`;
    const sum = backupSumFile(backup);

    const named = position(`rename ${partial} -> ${backup}`);
    expect(position(`fsync ${partial}`)).toBeLessThan(named);
    // The checksum is on the disk before the backup has its name: a named backup always has one.
    const sumNamed = position(`rename ${sum}.partial -> ${sum}`);
    expect(position(`fsync ${sum}.partial`)).toBeLessThan(sumNamed);
    expect(sumNamed).toBeLessThan(named);
    expect(journal.slice(named + 1)).toContain(`fsync ${dir}`);
  });

  it('fsyncs a restored copy and its folder before opening it, and the rename that moved the damaged file aside', () => {
    const first = openStore(dataDir);
    let backup: string;
    try {
      backup = backupStore(first.store, dataDir, new Date('2026-03-14T03:00:00.000Z'));
    } finally {
      first.store.close();
    }
    const file = join(dataDir, DATABASE_FILE);
    fs.writeFileSync(file, Buffer.alloc(8192, 7));
    journal.length = 0;

    const opened = openStore(dataDir);
    try {
      expect(opened.recovery?.backupFile).toBe(backup);
      const damaged = opened.recovery?.damagedFile ?? '';
      expect(position(`rename ${file} -> ${damaged}`)).toBeLessThan(position(`fsync ${dataDir}`));
      const copied = position(`copy ${backup} -> ${file}`);
      expect(journal.slice(copied + 1, copied + 3)).toEqual([`fsync ${file}`, `fsync ${dataDir}`]);
      expect(basename(damaged)).toMatch(/^workstation\.sqlite\.damaged-\d+$/);
    } finally {
      opened.store.close();
    }
  });
});
