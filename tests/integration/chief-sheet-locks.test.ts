import { describe, expect, it } from 'vitest';
import { EventHub } from '../../main/contract/event-hub';
import { silentLogger } from '../../main/log';
import { PlatformClient } from '../../main/platform/client';
import { PlatformCache } from '../../main/services/platform-cache';
import type { SessionService } from '../../main/services/session-service';
import { SheetLocks } from '../../main/services/sheet-locks';
import { openStore } from '../../main/store/database';
import { testCleanups } from '../support/cleanups';
import { closedPort } from '../support/servers';

const { cleanups, tempDir } = testCleanups();

const session = {
  session: { examiner: { id: 'ex-01' } },
  requireExaminerId: () => 'ex-01',
  requireToken: () => 'token',
} as unknown as SessionService;

/** SheetLocks over a real database file, with a platform that is not there (nothing listens on the port). */
function locksIn(dataDir: string, port: number) {
  const { store } = openStore(dataDir);
  cleanups.push(() => store.close());
  const client = new PlatformClient(`http://127.0.0.1:${String(port)}`);
  const events = new EventHub(silentLogger);
  const heard: unknown[] = [];
  events.subscribe((name, payload) => {
    if (name === 'sheet.lock') heard.push(payload);
  });
  const changed: unknown[] = [];
  const locks = new SheetLocks({ client, session, cache: new PlatformCache(store, client, session), events, onChange: (lock) => changed.push(lock) });
  return { locks, store, heard, changed };
}

describe('a chief’s lock on the examiner’s workstation', () => {
  it('is kept in the database: after a restart, offline, the sheet still shows locked (signed off)', async () => {
    const dataDir = tempDir('sheet-locks-');
    const port = await closedPort();
    const first = locksIn(dataDir, port);
    expect(await first.locks.get('as-1')).toEqual({ assignmentId: 'as-1', locked: false, signedOff: false });

    first.locks.apply({ type: 'sheet_lock', assignmentId: 'as-1', locked: true, signedOff: true });
    expect(first.heard).toEqual([{ assignmentId: 'as-1', locked: true, signedOff: true }]);
    expect(first.changed).toEqual(first.heard);
    first.store.close();

    const second = locksIn(dataDir, port);
    expect(await second.locks.get('as-1')).toEqual({ assignmentId: 'as-1', locked: true, signedOff: true });
    expect(await second.locks.get('as-2')).toEqual({ assignmentId: 'as-2', locked: false, signedOff: false });
    second.locks.apply({ type: 'sheet_lock', assignmentId: 'as-1', locked: false, signedOff: false });
    expect(await second.locks.get('as-1')).toEqual({ assignmentId: 'as-1', locked: false, signedOff: false });
  });

  it('asks the platform again about sheets kept as locked when the socket is back, sign-offs left out', async () => {
    const dataDir = tempDir('sheet-locks-');
    const { store } = openStore(dataDir);
    cleanups.push(() => store.close());
    const asked: string[] = [];
    // The platform as it is now: every sheet unlocked.
    const fetchImpl = (async (url: string) => {
      const assignmentId = /assignments\/([^/]+)\/score$/.exec(url)?.[1] ?? '';
      asked.push(assignmentId);
      return Response.json({ assignmentId, version: 0, sheet: null, total: null, acceptedAt: null, locked: false });
    }) as unknown as typeof fetch;
    const client = new PlatformClient('http://127.0.0.1:9', fetchImpl);
    const events = new EventHub(silentLogger);
    const heard: unknown[] = [];
    events.subscribe((name, payload) => {
      if (name === 'sheet.lock') heard.push(payload);
    });
    const locks = new SheetLocks({ client, session, cache: new PlatformCache(store, client, session), events });
    locks.apply({ type: 'sheet_lock', assignmentId: 'as-locked', locked: true, signedOff: false });
    locks.apply({ type: 'sheet_lock', assignmentId: 'as-signed', locked: true, signedOff: true });
    locks.apply({ type: 'sheet_lock', assignmentId: 'as-open', locked: false, signedOff: false });
    heard.length = 0;

    await locks.refreshLocked();
    expect(asked).toEqual(['as-locked']);
    expect(heard).toEqual([{ assignmentId: 'as-locked', locked: false, signedOff: false }]);
    expect(locks.peek('ex-01', 'as-locked').locked).toBe(false);
    expect(locks.peek('ex-01', 'as-signed')).toEqual({ assignmentId: 'as-signed', locked: true, signedOff: true });
  });
});
