import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FrameBatcher } from '../../../renderer/src/queue/frame-batcher';

/** A page's animation frames, run when the test says so; and a clock the test moves. */
function fakeFrames() {
  const frames = new Map<number, FrameRequestCallback>();
  let next = 1;
  vi.stubGlobal('requestAnimationFrame', (callback: FrameRequestCallback) => {
    frames.set(next, callback);
    return next++;
  });
  vi.stubGlobal('cancelAnimationFrame', (id: number) => frames.delete(id));
  return {
    pending: () => frames.size,
    run() {
      const callbacks = [...frames.values()];
      frames.clear();
      for (const callback of callbacks) callback(0);
    },
  };
}

const microtasks = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

describe('the frame batcher', () => {
  let clock = 0;
  const now = () => clock;
  beforeEach(() => {
    clock = 1_000;
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  it('without a budget, flushes once per animation frame', async () => {
    const frames = fakeFrames();
    const flush = vi.fn();
    const batcher = new FrameBatcher(flush, { now });
    batcher.schedule();
    batcher.schedule();
    await microtasks();
    expect(flush).not.toHaveBeenCalled();
    frames.run();
    expect(flush).toHaveBeenCalledTimes(1);
  });

  it('with a budget, flushes a lone change at once, and the changes of one task together', async () => {
    const frames = fakeFrames();
    const flush = vi.fn();
    const batcher = new FrameBatcher(flush, { now, budgetMs: 8 });
    batcher.schedule();
    batcher.schedule();
    batcher.schedule();
    expect(flush).not.toHaveBeenCalled();
    await microtasks();
    expect(flush).toHaveBeenCalledTimes(1);
    expect(frames.pending()).toBe(0);
  });

  it('keeps flushing at once while the frame has budget left, then waits for the next frame', async () => {
    const frames = fakeFrames();
    // Each flush takes 3 ms of the page's time.
    const flush = vi.fn(() => {
      clock += 3;
    });
    const batcher = new FrameBatcher(flush, { now, budgetMs: 8, frameMs: 16 });
    for (let i = 0; i < 3; i++) {
      batcher.schedule();
      await microtasks();
    }
    // 9 ms spent within one frame: the budget of 8 is gone.
    expect(flush).toHaveBeenCalledTimes(3);
    batcher.schedule();
    batcher.schedule();
    await microtasks();
    expect(flush).toHaveBeenCalledTimes(3);
    expect(frames.pending()).toBe(1);
    frames.run();
    expect(flush).toHaveBeenCalledTimes(4);

    // A frame later the budget is whole again.
    clock += 16;
    batcher.schedule();
    await microtasks();
    expect(flush).toHaveBeenCalledTimes(5);
    expect(frames.pending()).toBe(0);
  });

  it('flushes by timer when no frame comes (a hidden window), and nothing after cancel', async () => {
    fakeFrames();
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const flush = vi.fn(() => {
        clock += 10;
      });
      const batcher = new FrameBatcher(flush, { now, budgetMs: 8, frameMs: 16, fallbackMs: 100 });
      batcher.schedule();
      await Promise.resolve();
      expect(flush).toHaveBeenCalledTimes(1);
      batcher.schedule();
      vi.advanceTimersByTime(100);
      expect(flush).toHaveBeenCalledTimes(2);

      clock += 100;
      batcher.schedule();
      batcher.cancel();
      await Promise.resolve();
      vi.advanceTimersByTime(200);
      expect(flush).toHaveBeenCalledTimes(2);
    } finally {
      vi.useRealTimers();
    }
  });

  it('counts a flush that throws against the budget and keeps going', async () => {
    fakeFrames();
    let calls = 0;
    const errors: unknown[] = [];
    const batcher = new FrameBatcher(
      () => {
        calls += 1;
        clock += 20;
        if (calls === 1) throw new Error('render failed');
      },
      { now, budgetMs: 8, frameMs: 16 },
    );
    const onError = (error: unknown) => errors.push(error);
    process.on('uncaughtException', onError);
    try {
      batcher.schedule();
      await microtasks();
      expect(errors).toHaveLength(1);
      clock += 16;
      batcher.schedule();
      await microtasks();
      expect(calls).toBe(2);
    } finally {
      process.off('uncaughtException', onError);
    }
  });
});
