import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { devNull, tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import ffmpeg from 'fluent-ffmpeg';
import { LoginResponse } from '@common/platform/wire';
import { silentLogger } from '../../main/log';
import { resolveFfmpegTools, resolveMediaTools, type FfmpegTools } from '../../node-shared/media/binaries';
import { probeRecording } from '../../main/media/probe';
import { FfmpegRunner } from '../../node-shared/media/runner';
import { makeStrip } from '../../main/media/strip';
import { proxyArgs } from '../../main/media/transcode';
import { alignAngles } from '../../main/media/align';
import { EnvelopeBuilder, type Envelope } from '../../main/media/envelope';
import { makeWaveform } from '../../main/media/waveform';
import { DEMO_RECORDED_SLOT_IDS } from '../../platform/demo/exam';
import { sha256File } from '../../platform/media/sha256';
import { performanceSound, writeSyntheticRecording, type SyntheticRecording } from '../../platform/media/synthetic-recording';
import { startPlatform, type RunningPlatform } from '../../platform/server';
import { saveRecording } from '../../platform/state/recordings';
import type { Page } from 'playwright-core';
import { SEEK_EXACT_MARK } from '../../renderer/src/review/player/player-clock';
import { openReviewQueue } from '../e2e/desk/review-page';
import { launchChromium } from '../support/chromium';
import { startStack } from '../support/servers';
import { startWorkstation } from '../support/workstation';
import { bench, note, percentile } from './report';

/**
 * Review on a phone-like pair: a 10-minute 720p30 main and side recording with a keyframe every
 * 2 seconds (generated once, cached in the OS temp folder by its parameters).
 *
 *  - thumbnail strip of 60 tiles (keyframes only, one ffmpeg pass) against fluent-ffmpeg's own
 *    `.screenshots({ count: 60 })` and against a full decode of the file (`-f null -`): the floor
 *    of any approach that decodes every frame;
 *  - waveform peaks (with silent gaps and integrated loudness), from the main recording's audio;
 *  - alignment of the two angles by their sound: the cost of the envelope inside each waveform
 *    pass (a note), and the time from the two envelopes to an offset (`review.align_s`);
 *  - the review proxy's speed, in × real time, on the main recording's first 60 seconds (the
 *    whole 10 minutes would take minutes on a 2-core machine and say the same);
 *  - download throughput through the workstation's downloader (range-resumable, sha256 on the
 *    fly, atomic rename) from the reference platform on loopback, against a plain fetch of the
 *    same URLs to the null device.
 *
 *  - the review player in Chromium, against the browser host (the built renderer, dist/renderer:
 *    `npm run build` first) with the pair downloaded: open → first frame (from the click on the
 *    queue's open button until both angles have decoded their first frame; the first open,
 *    clicked as soon as the download is ready and before anything of the files is prepared
 *    (the queue loads the next exam to score at idle time, so it may have begun), and later
 *    ones as a note), and seek latency over 50 random seeks, once the strip and waveform are
 *    made: from the pointer going down on the scrubber until both angles show a picture of the
 *    new place (`seek_p95_ms`: paused, the keyframe before it, up to 2 s earlier here, decoded
 *    alone), and until both show the exact frame (`seek_exact_p95_ms`). Each open's breakdown
 *    is a note: when the view, the angles' first frames and the sheet came, and the page's long
 *    tasks. `BENCH_REVIEW_PART=player` runs the player's figures alone.
 */
const SECONDS = 600;
const TILES = 60;
const PROXY_SAMPLE_SECONDS = 60;
const MAIN: SyntheticRecording = { seconds: SECONDS, width: 1280, height: 720, fps: 30, pattern: 'testsrc2', video: 'h264', audio: { toneHz: 440, silence: { from: 200, to: 230 } }, displayRotation: 0 };
const SIDE: SyntheticRecording = { ...MAIN, pattern: 'testsrc', audio: { toneHz: 330 } };
const OPENS = 5;
const SEEKS = 50;

/** The envelope of `seconds` of the demo's performance from `fromS`, at `gainDb`, as a phone would hear it (audio only, through ffmpeg). */
async function performanceEnvelope(ffmpegPath: string, fromS: number, seconds: number, gainDb: number): Promise<Envelope> {
  const child = spawn(ffmpegPath, ['-hide_banner', '-nostdin', '-loglevel', 'error', '-f', 'lavfi', '-i', `${performanceSound(fromS)}:s=8000:d=${String(seconds)}`,
    '-af', `volume=${String(gainDb)}dB`, '-f', 's16le', '-ac', '1', '-ar', '8000', 'pipe:1'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const builder = new EnvelopeBuilder();
  for await (const chunk of child.stdout) builder.push(chunk as Buffer);
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  if (code !== 0) throw new Error(`ffmpeg made no performance sound (exit ${String(code)})`);
  return builder.finish();
}

export async function run(): Promise<void> {
  const pair = await cachedPair();
  // The player's figures alone, when working on them: BENCH_REVIEW_PART=player npm run bench -- review
  if (process.env['BENCH_REVIEW_PART'] === 'player') {
    await playerFigures(pair);
    return;
  }
  const tools = resolveFfmpegTools({ configuredPath: null });
  const runner = new FfmpegRunner(() => tools, silentLogger);
  const signal = new AbortController().signal;
  const context = { signal, progress: () => undefined };
  const scratch = mkdtempSync(join(tmpdir(), 'bench-review-'));
  try {
    const probe = await probeRecording(runner, pair.main, signal);
    note(`main: ${String(probe.summary.durationMs / 1000)} s, ${String(probe.summary.video?.width)}×${String(probe.summary.video?.height)}, ${(statSync(pair.main).size / 1e6).toFixed(0)} MB`);

    const strip = await timed(() => makeStrip(runner, pair.main, join(scratch, 'strip.jpg'), probe, TILES, context, 600_000));
    note(`strip: ${String(strip.value.tileTimesMs.length)} tiles of ${String(strip.value.layout.tileWidth)}×${String(strip.value.layout.tileHeight)}`);
    bench('review.strip_s', strip.seconds, 's');

    const fluent = await timed(() => fluentScreenshots(tools, pair.main, join(scratch, 'fluent')));
    note(`fluent-ffmpeg wrote ${String(readdirSync(join(scratch, 'fluent')).length)} screenshots`);
    bench('review.fluent_screenshots_s', fluent.seconds, 's');

    const decode = await timed(() =>
      runner.run({ tool: 'ffmpeg', args: ['-hide_banner', '-nostdin', '-loglevel', 'error', '-i', pair.main, '-f', 'null', '-'], timeoutMs: 1_800_000, signal }),
    );
    bench('review.full_decode_s', decode.seconds, 's');
    bench('review.strip_speedup_vs_fluent', fluent.seconds / strip.seconds, 'x');

    const waveform = await timed(() => makeWaveform(runner, pair.main, true, 1000, probe.summary.durationMs, context, 600_000));
    if (waveform.value.kind === 'peaks') note(`waveform: ${String(waveform.value.max.length)} peaks, silent gaps ${JSON.stringify(waveform.value.silentGaps)}`);
    bench('review.waveform_s', waveform.seconds, 's');

    // Alignment: each angle's envelope is fed the waveform pass's own samples (timed inside the
    // pass: its cost on top of the decode), then the two envelopes are cross-correlated.
    const envelopes: Envelope[] = [];
    for (const file of [pair.main, pair.side]) {
      const builder = new EnvelopeBuilder();
      let envelopeSeconds = 0;
      const sink = {
        push: (chunk: Uint8Array) => {
          const started = performance.now();
          builder.push(chunk);
          envelopeSeconds += (performance.now() - started) / 1000;
        },
      };
      await makeWaveform(runner, file, true, 1000, probe.summary.durationMs, context, 600_000, sink);
      envelopes.push(builder.finish());
      note(`envelope pass: ${envelopeSeconds.toFixed(3)} s of the waveform pass for ${String(builder.finish().onset.length)} frames (${file === pair.main ? 'main' : 'side'})`);
    }
    const [mainEnvelope, sideEnvelope] = envelopes as [Envelope, Envelope];
    // The video pair's two steady tones have too few onsets to tell: alignment stops before the
    // correlation (a note). The figure is a 10-minute performance heard by two phones, the side
    // 2.37 s late and 10 dB quieter (platform's performanceSound), where the whole correlation runs.
    const early = await timed(() => Promise.resolve(alignAngles(mainEnvelope, sideEnvelope)));
    note(`alignment of the video pair (steady tones): ${JSON.stringify(early.value)} in ${early.seconds.toFixed(4)} s`);
    const [heardMain, heardSide] = await Promise.all([performanceEnvelope(tools.ffmpeg, 0, SECONDS, 0), performanceEnvelope(tools.ffmpeg, 2.37, SECONDS - 3, -10)]);
    const align = await timed(() => Promise.resolve(alignAngles(heardMain, heardSide)));
    note(`alignment of a 10-minute performance pair: ${JSON.stringify(align.value)} (the side started 2370 ms late)`);
    bench('review.align_s', align.seconds, 's');

    const proxyOutput = join(scratch, 'proxy.mp4');
    const args = proxyArgs(pair.main, proxyOutput);
    // The same arguments as the real proxy, over the first minute only.
    args.splice(args.indexOf('-i') + 2, 0, '-t', String(PROXY_SAMPLE_SECONDS));
    const proxy = await timed(() => runner.run({ tool: 'ffmpeg', args, timeoutMs: 1_800_000, signal }));
    bench('review.proxy_x_realtime', PROXY_SAMPLE_SECONDS / proxy.seconds, 'x');

    const download = await downloadThroughput(pair);
    note(`download: ${(download.downloader / 1e6).toFixed(0)} MB/s through the downloader, ${(download.raw / 1e6).toFixed(0)} MB/s raw loopback fetch`);
    bench('review.download_vs_raw', download.downloader / download.raw, 'x');

    await playerFigures(pair);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

async function playerFigures(pair: Pair): Promise<void> {
  const player = await playerLatency(pair);
  note(`open → first frame: ${player.opens.map((open) => open.firstFrame.toFixed(0)).join(', ')} ms (the first open: clicked as soon as the download is ready, before ffmpeg has prepared anything; the queue may have begun loading it at idle time by then, the next exam to score)`);
  for (const [i, open] of player.opens.entries()) {
    const steps = Object.entries(open.steps).map(([step, ms]) => `${step} ${ms.toFixed(0)}`);
    const tasks = open.longTasks.map(([start, duration]) => `${start.toFixed(0)}+${duration.toFixed(0)}`);
    note(`open ${String(i + 1)}: ${steps.join(', ')} ms; long tasks ${tasks.join(' ') || 'none'}`);
  }
  bench('review.open_first_frame_ms', player.opens[0]?.firstFrame ?? Number.NaN, 'ms');
  const shown = player.seeks.map((seek) => seek.shown);
  const exact = player.seeks.map((seek) => seek.exact);
  note(`seeks, picture of the new place: median ${percentile(shown, 50).toFixed(0)} ms, max ${Math.max(...shown).toFixed(0)} ms over ${String(shown.length)}`);
  bench('review.seek_p95_ms', percentile(shown, 95), 'ms');
  note(`seeks, exact frame: median ${percentile(exact, 50).toFixed(0)} ms, max ${Math.max(...exact).toFixed(0)} ms`);
  bench('review.seek_exact_p95_ms', percentile(exact, 95), 'ms');
}

async function timed<T>(work: () => Promise<T>): Promise<{ value: T; seconds: number }> {
  const started = performance.now();
  const value = await work();
  return { value, seconds: (performance.now() - started) / 1000 };
}

/** fluent-ffmpeg's own thumbnails: the baseline, and the only place this workstation calls `.screenshots()`. */
function fluentScreenshots(tools: FfmpegTools, file: string, folder: string): Promise<void> {
  mkdirSync(folder, { recursive: true });
  return new Promise((resolve, reject) => {
    ffmpeg(file)
      .setFfmpegPath(tools.ffmpeg)
      .setFfprobePath(tools.ffprobe)
      .on('end', () => resolve())
      .on('error', (error: Error) => reject(error))
      .screenshots({ count: TILES, folder, size: '160x90', filename: 'shot-%i.jpg' });
  });
}

interface Pair {
  readonly main: string;
  readonly side: string;
  readonly sha256: { readonly main: string; readonly side: string };
}

/** The pair, made once per set of parameters and kept in the OS temp folder between runs. */
async function cachedPair(): Promise<Pair> {
  const key = createHash('sha256').update(JSON.stringify({ MAIN, SIDE, v: 1 })).digest('hex').slice(0, 12);
  const dir = join(tmpdir(), `examiner-bench-review-${key}`);
  const index = join(dir, 'pair.json');
  if (existsSync(index)) {
    const pair = JSON.parse(readFileSync(index, 'utf8')) as Pair;
    if (existsSync(pair.main) && existsSync(pair.side)) return pair;
  }
  mkdirSync(dir, { recursive: true });
  note(`generating the 10-minute 720p30 pair in ${dir} (once; a minute or two)…`);
  const tools = resolveMediaTools();
  const make = async (spec: SyntheticRecording, name: string) => {
    const file = join(dir, name);
    await writeSyntheticRecording(tools, spec, `${file}.partial`);
    renameSync(`${file}.partial`, file);
    return file;
  };
  const [main, side] = await Promise.all([make(MAIN, 'main.mp4'), make(SIDE, 'side.mp4')]);
  const pair: Pair = { main, side, sha256: { main: await sha256File(main), side: await sha256File(side) } };
  writeFileSync(index, JSON.stringify(pair));
  return pair;
}

/** Bytes per second: the workstation's downloader, and a plain fetch of the same two URLs at once. */
async function downloadThroughput(pair: Pair): Promise<{ downloader: number; raw: number }> {
  const platform = await startPlatform({ demo: { liveCandidates: 1, recordedPerSlot: 1 } });
  const ws = startWorkstation(platform.url);
  try {
    const candidate = platform.ctx.db.prepare('SELECT candidate_id FROM assignments WHERE slot_id = ? LIMIT 1').get(DEMO_RECORDED_SLOT_IDS[0]) as { candidate_id: string };
    const ids = { main: 'rec-bench-main', side: 'rec-bench-side' };
    for (const angle of ['main', 'side'] as const) {
      saveRecording(platform.ctx.db, {
        id: ids[angle],
        candidate_id: candidate.candidate_id,
        slot_id: DEMO_RECORDED_SLOT_IDS[0],
        angle,
        path: pair[angle],
        content_type: 'video/mp4',
        bytes: statSync(pair[angle]).size,
        sha256: pair.sha256[angle],
        duration_ms: SECONDS * 1000,
      });
    }
    const bytes = statSync(pair.main).size + statSync(pair.side).size;
    const login = await fetch(`${platform.url}/api/v1/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'grader1', password: 'demo1234' }),
    });
    const token = LoginResponse.parse(await login.json()).token;
    const raw = async () => {
      const started = performance.now();
      await Promise.all(
        Object.values(ids).map(async (id) => {
          const response = await fetch(`${platform.url}/api/v1/recordings/${id}`, { headers: { authorization: `Bearer ${token}` } });
          if (!response.body) throw new Error('no body');
          await pipeline(Readable.fromWeb(response.body as WebReadableStream<Uint8Array>), createWriteStream(devNull));
        }),
      );
      return bytes / ((performance.now() - started) / 1000);
    };

    await ws.call('session.login', { username: 'grader1', password: 'demo1234' });
    const assignment = (await ws.call('assignments.list', {})).assignments.find((item) => item.assignment.recordings.some((recording) => recording.recordingId === ids.main));
    if (!assignment) throw new Error('the bench recordings are not in grader1’s assignments');
    const rawBefore = await raw();
    const ready = ws.waitFor('recordings.progress', (state) => state.assignmentId === assignment.assignment.assignmentId && state.state === 'ready');
    const started = performance.now();
    await ws.call('recordings.download', { assignmentId: assignment.assignment.assignmentId });
    await ready;
    const downloader = bytes / ((performance.now() - started) / 1000);
    const rawAfter = await raw();
    return { downloader, raw: (rawBefore + rawAfter) / 2 };
  } finally {
    ws.stop();
    await platform.close();
  }
}

const BENCH_IDS = { main: 'rec-bench-main', side: 'rec-bench-side' } as const;

/** Puts the pair into grader1's first recorded assignment on a platform (instead of the demo's clips). */
function registerPair(platform: RunningPlatform, pair: Pair): void {
  const candidate = platform.ctx.db.prepare('SELECT candidate_id FROM assignments WHERE slot_id = ? LIMIT 1').get(DEMO_RECORDED_SLOT_IDS[0]) as { candidate_id: string };
  for (const angle of ['main', 'side'] as const) {
    saveRecording(platform.ctx.db, {
      id: BENCH_IDS[angle],
      candidate_id: candidate.candidate_id,
      slot_id: DEMO_RECORDED_SLOT_IDS[0],
      angle,
      path: pair[angle],
      content_type: 'video/mp4',
      bytes: statSync(pair[angle]).size,
      sha256: pair.sha256[angle],
      duration_ms: SECONDS * 1000,
    });
  }
}

/** The review player in Chromium: open → first frame, then seeks by clicking the scrubber. */
async function playerLatency(pair: Pair): Promise<{ opens: OpenTimes[]; seeks: SeekTimes[] }> {
  const stack = await startStack({ platform: { demo: { liveCandidates: 1, recordedPerSlot: 1 } } });
  const browser = await launchChromium();
  try {
    if (!stack.platform) throw new Error('the stack has no platform');
    registerPair(stack.platform, pair);
    const page = await openReviewQueue(browser, stack, { height: 1000 });
    const assignment = (await stack.workstation.dispatch('assignments.list', {}, { transport: 'test' })) as { ok: true; value: { assignments: { assignment: { assignmentId: string; recordings: { recordingId: string }[] } }[] } };
    const assignmentId = assignment.value.assignments.find((item) => item.assignment.recordings.some((recording) => recording.recordingId === BENCH_IDS.main))?.assignment.assignmentId;
    if (!assignmentId) throw new Error('the bench pair is not in grader1’s assignments');
    const row = page.locator(`[data-testid="review-table"] [data-row-key="${assignmentId}"]`);
    await row.getByRole('button', { name: /^下载 考号/ }).click();
    await row.locator('[data-testid="download-state"][data-state="ready"]').waitFor({ timeout: 600_000 });

    const opens: OpenTimes[] = [];
    for (let i = 0; i < OPENS; i++) {
      opens.push(await openToFirstFrame(page, assignmentId));
      if (i < OPENS - 1) {
        await page.getByRole('button', { name: '返回阅卷队列' }).click();
        await page.waitForSelector('[data-testid="review-queue"]');
      }
    }
    return { opens, seeks: await seekLatencies(page) };
  } finally {
    await browser.close();
    await stack.stop();
  }
}

interface OpenTimes {
  /** Click → both angles' first frames decoded (the figure). */
  readonly firstFrame: number;
  /** Where the time went, in ms after the click (a note): the grading view in the page, each angle's index read and first frame (when they came after it), the sheet laid out, and the page's long tasks. */
  readonly steps: Readonly<Record<string, number>>;
  readonly longTasks: readonly (readonly [start: number, duration: number])[];
}

async function openToFirstFrame(page: Page, assignmentId: string): Promise<OpenTimes> {
  // tsx keeps function names with a helper the page lacks.
  await page.evaluate('globalThis.__name = (fn) => fn');
  await page.evaluate((id) => {
    performance.clearMarks();
    const steps: Record<string, number> = {};
    const longTasks: [number, number][] = [];
    const at = (name: string) => {
      steps[name] ??= performance.now() - opened;
    };
    const observer = new MutationObserver(() => {
      if (document.querySelector('[data-testid="grading-view"]')) at('view');
      if (document.querySelector('[data-testid="score-sheet"]')) at('sheet');
    });
    observer.observe(document.body, { childList: true, subtree: true });
    const tasks = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) longTasks.push([entry.startTime - opened, entry.duration]);
    });
    tasks.observe({ type: 'longtask' });
    // Media events do not bubble: heard on the way down, once the warm element is in the page.
    const media = (event: Event) => at(`${(event.target as HTMLElement).dataset['angle'] ?? '?'}.${event.type}`);
    const events = ['loadedmetadata', 'loadeddata'];
    for (const event of events) document.addEventListener(event, media, { capture: true });
    const stop = () => {
      observer.disconnect();
      tasks.disconnect();
      for (const event of events) document.removeEventListener(event, media, { capture: true });
    };
    Object.assign(globalThis, { benchOpen: { steps, longTasks, stop } });
    const open = document.querySelector<HTMLButtonElement>(`[data-testid="review-table"] [data-row-key="${id}"] button[aria-label^="为 "]`);
    if (!open) throw new Error('no open button for the bench assignment');
    performance.mark('bench:open');
    const opened = performance.now();
    open.click();
  }, assignmentId);
  await page.waitForSelector('[data-testid="review-player"][data-ready="true"]', { timeout: 120_000 });
  await page.waitForSelector('[data-testid="score-sheet"]', { timeout: 120_000 });
  return page.evaluate(() => {
    const [open] = performance.getEntriesByName('bench:open');
    const first = performance.getEntriesByName('review:first-frame').at(-1);
    if (!open || !first) throw new Error('missing performance marks');
    const { steps, longTasks, stop } = (globalThis as unknown as { benchOpen: { steps: Record<string, number>; longTasks: [number, number][]; stop(): void } }).benchOpen;
    stop();
    return { firstFrame: first.startTime - open.startTime, steps, longTasks };
  });
}

/**
 * From pointer down on the scrubber until both angles have seeked, at 50 places chosen by a
 * fixed seed; once the strip and waveform are made, so that ffmpeg's preparation is not
 * competing with Chromium's decoders for the cores.
 */
async function seekLatencies(page: Page): Promise<SeekTimes[]> {
  const scrubber = page.getByTestId('scrubber');
  await scrubber.waitFor();
  await page.waitForSelector('[data-testid="strip"][data-state="ready"]', { timeout: 600_000 });
  await page.waitForSelector('[data-testid="waveform"][data-state="ready"]', { timeout: 600_000 });
  const box = await scrubber.boundingBox();
  if (!box) throw new Error('the scrubber has no box');
  let seed = 20_260_501;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  const seeks: SeekTimes[] = [];
  for (let i = 0; i < SEEKS; i++) {
    const armed = page.evaluate(
      (exactMark) =>
        new Promise<SeekTimes>((resolve) => {
          const target = document.querySelector('[data-testid="scrubber"]');
          const videos = Array.from(document.querySelectorAll<HTMLVideoElement>('video[data-angle]'));
          target?.addEventListener(
            'pointerdown',
            () => {
              const started = performance.now();
              // Shown: every angle has seeked once (to the keyframe, or straight to the frame).
              const shown = Promise.all(videos.map((video) => new Promise((done) => video.addEventListener('seeked', done, { once: true })))).then(() => performance.now() - started);
              // Exact: the clock says both angles are on the frame asked for.
              const exact = new Promise<number>((done) => {
                const observer = new PerformanceObserver((list) => {
                  const mark = list.getEntries().find((entry) => entry.name === exactMark && entry.startTime >= started);
                  if (!mark) return;
                  observer.disconnect();
                  done(mark.startTime - started);
                });
                observer.observe({ type: 'mark' });
              });
              void Promise.all([shown, exact]).then(([shownMs, exactMs]) => resolve({ shown: shownMs, exact: exactMs }));
            },
            { once: true, capture: true },
          );
        }),
      SEEK_EXACT_MARK,
    );
    // The listener is in place once the evaluate has run its synchronous part.
    await page.evaluate(() => undefined);
    await page.mouse.click(box.x + 2 + random() * (box.width - 4), box.y + box.height / 2);
    seeks.push(await armed);
  }
  return seeks;
}

interface SeekTimes {
  /** Pointer down → a picture of the new place on every angle (its keyframe, or the frame itself). */
  readonly shown: number;
  /** Pointer down → the exact frame asked for on every angle. */
  readonly exact: number;
}
