import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { RETRY_MS } from '../../../platform/shared/candidate/device';
import type { Device, QueueState } from '@common/platform/queue';
import type { PushToCandidate } from '@common/platform/realtime';
import { AT, rig, settle, type FakePlatform } from './fakes';

/** What happens after the device is online: the examiner moves the entry, or the platform pushes. */
type Step = { readonly examinerSets: QueueState } | { readonly push: (platform: FakePlatform) => PushToCandidate };

interface WalkCase {
  readonly name: string;
  readonly device?: Device;
  readonly faceFailures?: number;
  /** The entry's state when the device connects. */
  readonly state: QueueState;
  readonly steps: readonly Step[];
  /** Every HTTP call the device made, in order. */
  readonly calls: readonly string[];
  /** The state the device ends up seeing. */
  readonly seen: QueueState;
}

const call: Step = { push: (platform) => ({ type: 'call', entryId: platform.entry.entryId, at: AT }) };

const cases: readonly WalkCase[] = [
  {
    name: 'greeted, the main device walks from scheduled to waiting on its own',
    state: 'scheduled',
    steps: [],
    calls: ['GET state', 'POST check-in', 'POST face {"matched":true}', 'POST ready'],
    seen: 'waiting',
  },
  {
    name: 'face attempts fail as many times as configured, then one matches',
    faceFailures: 2,
    state: 'scheduled',
    steps: [],
    calls: ['GET state', 'POST check-in', 'POST face {"matched":false}', 'POST face {"matched":false}', 'POST face {"matched":true}', 'POST ready'],
    seen: 'waiting',
  },
  {
    name: 'a third failed face attempt leaves the candidate in manual review, where the device waits',
    faceFailures: 3,
    state: 'scheduled',
    steps: [],
    calls: ['GET state', 'POST check-in', 'POST face {"matched":false}', 'POST face {"matched":false}', 'POST face {"matched":false}'],
    seen: 'manual_review',
  },
  {
    name: 'a main device connecting halfway takes the remaining steps only',
    state: 'face_verified',
    steps: [],
    calls: ['GET state', 'POST ready'],
    seen: 'waiting',
  },
  {
    name: 'greeted, the side device only reads its state',
    device: 'side',
    state: 'scheduled',
    steps: [],
    calls: ['GET state'],
    seen: 'scheduled',
  },
  {
    name: 'called, the main device reads its state, then joins',
    state: 'waiting',
    steps: [{ examinerSets: 'called' }, call],
    calls: ['GET state', 'GET state', 'POST join'],
    seen: 'in_room',
  },
  {
    name: 'called, the side device reads its state and leaves joining to the main one',
    device: 'side',
    state: 'waiting',
    steps: [{ examinerSets: 'called' }, call],
    calls: ['GET state', 'GET state'],
    seen: 'called',
  },
  {
    name: 'a pushed state of called makes the main device join without reading',
    state: 'waiting',
    steps: [{ push: (platform) => ({ type: 'state', entry: platform.set('called') }) }],
    calls: ['GET state', 'POST join'],
    seen: 'in_room',
  },
  {
    name: 'a pushed state older than the one the device holds is ignored',
    state: 'waiting',
    steps: [{ push: (platform) => ({ type: 'state', entry: { ...platform.entry, state: 'called', revision: platform.entry.revision - 1 } }) }],
    calls: ['GET state'],
    seen: 'waiting',
  },
  {
    name: 'a pushed end of an interruption is taken as it is',
    state: 'interrupted',
    steps: [{ push: (platform) => ({ type: 'state', entry: platform.set('in_room') }) }],
    calls: ['GET state'],
    seen: 'in_room',
  },
];

describe('the shared candidate device: which pushes lead to which HTTP calls', () => {
  it.each(cases)('$name', async ({ device: which, faceFailures, state, steps, calls, seen }) => {
    const { device, platform, online, socket } = rig({ device: which, faceFailures, state });
    await online();
    for (const step of steps) {
      if ('examinerSets' in step) platform.set(step.examinerSets);
      else socket().push(step.push(platform));
      await settle();
    }
    expect(platform.calls).toEqual(calls);
    expect(device.snapshot.entry?.state).toBe(seen);
    expect(device.snapshot.problem).toBeNull();
  });
});

describe('the shared candidate device: a refused step', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it.each([
    { status: 409, retries: true, problem: 'refused: join refused' },
    { status: 0, retries: true, problem: 'network: connection refused' },
    { status: 403, retries: false, problem: 'refused: join refused' },
  ])('answered $status, shows the problem; looks again after a pause: $retries', async ({ status, retries, problem }) => {
    const { device, platform, online } = rig({ state: 'called' });
    platform.refuseNext('join', status);
    await online();
    expect(platform.calls).toEqual(['GET state', 'POST join']);
    expect(device.snapshot.problem).toBe(problem);

    vi.advanceTimersByTime(RETRY_MS - 1);
    await settle();
    expect(platform.calls).toHaveLength(2);
    vi.advanceTimersByTime(1);
    await settle();
    expect(platform.calls).toEqual(retries ? ['GET state', 'POST join', 'GET state', 'POST join'] : ['GET state', 'POST join']);
    expect(device.snapshot.entry?.state).toBe(retries ? 'in_room' : 'called');
    expect(device.snapshot.problem).toBe(retries ? null : problem);
  });
});
