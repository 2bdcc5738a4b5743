import { afterEach, describe, expect, it } from 'vitest';
import type { PushToExaminer } from '@common/platform';
import { MAX_PUSH_BYTES } from '@common/platform/realtime';
import type { Logger } from '../../main/log';
import { startPlatform } from '../../platform/server';
import { startWorkstation } from '../support/workstation';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A logger that keeps every warning, to read what main said of a refused message. */
function recordingLogger(): Logger & { warnings: { message: string; fields: unknown }[] } {
  const warnings: { message: string; fields: unknown }[] = [];
  return { warnings, info: () => {}, error: () => {}, warn: (message: string, fields?: unknown) => warnings.push({ message, fields }) };
}

describe('main and a realtime message larger than the protocol allows', () => {
  it('refuses it (ws: Max payload size exceeded, close 1009), passes none of it on, and connects again', async () => {
    const platform = await startPlatform({ sfu: 'off' });
    cleanups.push(() => platform.close());
    const log = recordingLogger();
    const ws = startWorkstation(platform.url, { log });
    cleanups.push(() => ws.stop());
    const connected = ws.waitFor('live.connection', (connection) => connection.state === 'connected');
    await ws.call('session.login', { username: 'examiner1', password: 'demo1234' });
    await connected;
    const refusals: string[] = [];
    ws.workstation.events.subscribe((event, payload) => {
      if (event === 'live.refused') refusals.push((payload as { code: string }).code);
    });

    // An error push is the one whose text the protocol leaves unbounded: the platform's own code can send one this large.
    const push = (code: string, bytes: number) => platform.ctx.notifier.toExaminer('ex-01', { type: 'error', code, message: 'x'.repeat(bytes) } satisfies PushToExaminer);
    const dropped = ws.waitFor('live.connection', (connection) => connection.state === 'offline');
    const after = ws.waitFor('live.refused', (refusal) => refusal.code === 'after_the_large_one');
    push('too_large_for_main', MAX_PUSH_BYTES + 1);
    push('after_the_large_one', 10);
    // Had main read the large one, the small one behind it on the same socket would come through.
    expect(await Promise.race([dropped.then(() => 'dropped'), after.then(() => 'read on')])).toBe('dropped');
    expect(log.warnings).toContainEqual({ message: 'realtime connection error', fields: { error: 'Max payload size exceeded' } });

    await ws.waitFor('live.connection', (connection) => connection.state === 'connected');
    const largest = ws.waitFor('live.refused', (refusal) => refusal.code === 'as_large_as_allowed');
    // The largest push allowed still arrives: the bound is the frame's payload, the JSON itself.
    const envelope = JSON.stringify({ type: 'error', code: 'as_large_as_allowed', message: '' }).length;
    push('as_large_as_allowed', MAX_PUSH_BYTES - envelope);
    await largest;
    expect(refusals).toEqual(['as_large_as_allowed']);
  });
});
