import { describe, expect, it } from 'vitest';
import type { JobPriority, MediaJobKind } from '@common/contract';
import { MediaJobError } from '../../../node-shared/media/failures';
import { MediaJobQueue, type JobContext, type JobSnapshot } from '../../../main/media/queue';

/** A job the test finishes by hand; it records when it started and honours its signal. */
function handJob(name: string, started: string[], priority: JobPriority = 'background', kind: MediaJobKind = 'strip') {
  let finish!: (value: string) => void;
  let context!: JobContext;
  const spec = {
    kind,
    priority,
    timeoutMs: 60_000,
    recordingId: name,
    assignmentId: null,
    run: (given: JobContext) =>
      new Promise<string>((resolve, reject) => {
        context = given;
        started.push(name);
        finish = resolve;
        given.signal.addEventListener('abort', () => reject(given.signal.reason as Error), { once: true });
      }),
  };
  return { spec, finish: (value = name) => finish(value), context: () => context };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('MediaJobQueue', () => {
  it('runs at most `concurrency` jobs, first come first served', async () => {
    const started: string[] = [];
    const queue = new MediaJobQueue({ concurrency: 2 });
    const jobs = ['a', 'b', 'c', 'd'].map((name) => handJob(name, started));
    const handles = jobs.map((job) => queue.enqueue(job.spec));
    expect(started).toEqual(['a', 'b']);
    jobs[1]?.finish();
    await expect(handles[1]?.done).resolves.toBe('b');
    await settle();
    expect(started).toEqual(['a', 'b', 'c']);
    jobs[0]?.finish();
    jobs[2]?.finish();
    await settle();
    expect(started).toEqual(['a', 'b', 'c', 'd']);
    jobs[3]?.finish();
    await Promise.all(handles.map((handle) => handle.done));
    expect(started).toEqual(['a', 'b', 'c', 'd']);
  });

  it('starts what the grader opens now before the background, and in a lane of its own when background work fills every slot', async () => {
    const started: string[] = [];
    const queue = new MediaJobQueue({ concurrency: 1 });
    const proxy = handJob('proxy', started, 'background', 'proxy');
    const waiting = handJob('waiting-background', started);
    const strip = handJob('strip-now', started, 'now');
    const waveform = handJob('waveform-now', started, 'now', 'waveform');
    queue.enqueue(proxy.spec);
    queue.enqueue(waiting.spec);
    queue.enqueue(strip.spec);
    queue.enqueue(waveform.spec);
    // The proxy holds the only slot; the first `now` job gets the reserved lane, the second waits for it.
    expect(started).toEqual(['proxy', 'strip-now']);
    strip.finish();
    await settle();
    expect(started).toEqual(['proxy', 'strip-now', 'waveform-now']);
    waveform.finish();
    await settle();
    expect(started).toEqual(['proxy', 'strip-now', 'waveform-now']);
    proxy.finish();
    await settle();
    expect(started).toEqual(['proxy', 'strip-now', 'waveform-now', 'waiting-background']);
    waiting.finish();
  });

  it('moves a queued background job ahead when it is prioritised', async () => {
    const started: string[] = [];
    const queue = new MediaJobQueue({ concurrency: 1 });
    const first = handJob('first', started);
    const second = handJob('second', started);
    const third = handJob('third', started);
    queue.enqueue(first.spec);
    queue.enqueue(second.spec);
    const { jobId } = queue.enqueue(third.spec);
    queue.prioritise(jobId);
    expect(queue.snapshot(jobId)?.priority).toBe('now');
    // `now` with only background running takes the reserved lane at once.
    expect(started).toEqual(['first', 'third']);
    third.finish();
    first.finish();
    await settle();
    expect(started).toEqual(['first', 'third', 'second']);
    second.finish();
  });

  it('cancels a queued job without running it, and a running one through its signal', async () => {
    const started: string[] = [];
    const changes: JobSnapshot[] = [];
    const queue = new MediaJobQueue({ concurrency: 1, onChange: (job) => changes.push(job) });
    const running = handJob('running', started);
    const queued = handJob('queued', started);
    const a = queue.enqueue(running.spec);
    const b = queue.enqueue(queued.spec);
    expect(queue.cancel(b.jobId)).toBe(true);
    await expect(b.done).rejects.toMatchObject({ kind: 'cancelled' });
    expect(queue.cancel(a.jobId)).toBe(true);
    await expect(a.done).rejects.toMatchObject({ kind: 'cancelled' });
    expect(started).toEqual(['running']);
    expect(queue.cancel(a.jobId)).toBe(false);
    expect(changes.filter((job) => job.state === 'failed').map((job) => [job.recordingId, job.error?.code])).toEqual([
      ['queued', 'media_cancelled'],
      ['running', 'media_cancelled'],
    ]);
    expect(queue.pending).toBe(0);
  });

  it('times a job out through its signal, sorted as timed_out, and goes on with the next', async () => {
    const started: string[] = [];
    const queue = new MediaJobQueue({ concurrency: 1 });
    const slow = handJob('slow', started);
    const next = handJob('next', started);
    const handle = queue.enqueue({ ...slow.spec, timeoutMs: 20 });
    const after = queue.enqueue(next.spec);
    await expect(handle.done).rejects.toEqual(new MediaJobError('timed_out', 'the job took too long'));
    await settle();
    expect(started).toEqual(['slow', 'next']);
    next.finish('done');
    await expect(after.done).resolves.toBe('done');
  });

  it('reports queued → running → progress → done, and keeps a failing job from stopping the queue', async () => {
    const changes: JobSnapshot[] = [];
    const queue = new MediaJobQueue({ concurrency: 1, progressIntervalMs: 0, onChange: (job) => changes.push(job) });
    const failing = queue.enqueue({
      kind: 'probe',
      priority: 'now',
      timeoutMs: 1000,
      recordingId: 'bad',
      assignmentId: null,
      run: () => Promise.reject(new MediaJobError('corrupt_input', 'moov atom not found')),
    });
    const working = queue.enqueue({
      kind: 'waveform',
      priority: 'now',
      timeoutMs: 1000,
      recordingId: 'good',
      assignmentId: null,
      run: async (context) => {
        context.progress(0.5);
        context.progress(7);
        return 'peaks';
      },
    });
    await expect(failing.done).rejects.toMatchObject({ kind: 'corrupt_input' });
    await expect(working.done).resolves.toBe('peaks');
    expect(changes.filter((job) => job.recordingId === 'good').map((job) => [job.state, job.progress])).toEqual([
      ['queued', null],
      ['running', 0],
      ['running', 0.5],
      ['running', 1],
      ['done', 1],
    ]);
    expect(changes.find((job) => job.recordingId === 'bad' && job.state === 'failed')?.error).toEqual({
      kind: 'corrupt_input',
      code: 'media_corrupt_input',
      message: 'moov atom not found',
    });
  });

  it('after abortAll, cancels what runs and what waits, and refuses new jobs', async () => {
    const started: string[] = [];
    const queue = new MediaJobQueue({ concurrency: 1 });
    const running = queue.enqueue(handJob('running', started).spec);
    const waiting = queue.enqueue(handJob('waiting', started).spec);
    queue.abortAll();
    await expect(running.done).rejects.toMatchObject({ kind: 'cancelled' });
    await expect(waiting.done).rejects.toMatchObject({ kind: 'cancelled' });
    const late = queue.enqueue(handJob('late', started).spec);
    await expect(late.done).rejects.toMatchObject({ kind: 'cancelled' });
    expect(started).toEqual(['running']);
  });

  it('sizes itself for the machine: at least one job, one core left over', () => {
    expect(new MediaJobQueue().concurrency).toBeGreaterThanOrEqual(1);
    expect(new MediaJobQueue({ concurrency: 0 }).concurrency).toBe(1);
  });
});
