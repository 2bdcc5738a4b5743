import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../platform/clock';
import { DEMO_LIVE_SLOT_ID } from '../../platform/demo/exam';
import { startPlatform } from '../../platform/server';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('a demo platform kept in a data folder', () => {
  it('moves an ended live slot to the day it is started again, and queues its candidates anew', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'platform-day-'));
    dirs.push(dataDir);
    const first = await startPlatform({ dataDir, clock: new ManualClock('2026-06-01T01:00:00.000Z') });
    first.ctx.db.prepare("UPDATE queue_entries SET state = 'finished' WHERE slot_id = ?").run(DEMO_LIVE_SLOT_ID);
    const before = first.ctx.catalog.slot(DEMO_LIVE_SLOT_ID)?.slot;
    await first.close();

    const sameDay = await startPlatform({ dataDir, clock: new ManualClock('2026-06-01T03:00:00.000Z') });
    expect(sameDay.ctx.catalog.slot(DEMO_LIVE_SLOT_ID)?.slot).toEqual(before);
    await sameDay.close();

    const nextDay = await startPlatform({ dataDir, clock: new ManualClock('2026-06-02T01:00:00.000Z') });
    const slot = nextDay.ctx.catalog.slot(DEMO_LIVE_SLOT_ID)?.slot;
    expect(Date.parse(slot?.startsAt ?? '')).toBeLessThan(Date.parse('2026-06-02T01:00:00.000Z'));
    expect(Date.parse(slot?.endsAt ?? '')).toBeGreaterThan(Date.parse('2026-06-02T01:00:00.000Z'));
    const states = nextDay.ctx.db.prepare('SELECT DISTINCT state FROM queue_entries WHERE slot_id = ?').all(DEMO_LIVE_SLOT_ID);
    expect(states).toEqual([{ state: 'scheduled' }]);
    const earliest = nextDay.ctx.db
      .prepare('SELECT appointment_at FROM queue_entries WHERE slot_id = ? ORDER BY appointment_at LIMIT 2')
      .all(DEMO_LIVE_SLOT_ID) as { appointment_at: string }[];
    expect(earliest[0]?.appointment_at).toBe(slot?.startsAt);
    await nextDay.close();
  });
});
