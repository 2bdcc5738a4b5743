import { existsSync, writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Recording } from '@common/platform';
import { silentLogger } from '../../../main/log';
import { MediaCacheFolder, RecordingCache, findArtefact, newMediaId, recordingRow, type ArtefactRow, type Removal } from '../../../main/recording-cache';
import { openStore, type OpenedStore } from '../../../main/store/database';
import { makeDataDir, removeDataDir } from '../../support/store-fixtures';

const recording = (id: string, bytes = 4): Recording => ({
  recordingId: id,
  angle: 'main',
  contentType: 'video/mp4',
  bytes,
  sha256: 'a'.repeat(64),
  durationMs: 1000,
});

describe('RecordingCache: the one writer of the media cache, announcing what goes', () => {
  let dataDir: string;
  let opened: OpenedStore;
  let cache: RecordingCache;
  let folder: MediaCacheFolder;
  let removed: Removal[];
  let ready: string[];
  let readability: string[];

  beforeEach(() => {
    dataDir = makeDataDir('recording-cache-');
    opened = openStore(dataDir);
    folder = new MediaCacheFolder(dataDir);
    cache = new RecordingCache({ store: opened.store, folder, log: silentLogger, now: () => new Date(1000) });
    cache.start();
    removed = [];
    ready = [];
    readability = [];
    cache.on('removed', (removal) => removed.push(removal));
    cache.on('ready', (recordingId) => ready.push(recordingId));
    cache.on('readability', (recordingId) => readability.push(recordingId));
  });

  afterEach(() => {
    opened.store.close();
    removeDataDir(dataDir);
  });

  /** A recording downloaded whole: its file in place and its row ready. */
  const downloaded = (id: string): string => {
    cache.want('ex-01', 'as-1', 5, [recording(id)]);
    const target = folder.recordingFile(id, 'video/mp4');
    writeFileSync(target.absolute, 'abcd');
    expect(cache.markReady(id, target.relative, 4)).toBe(true);
    return target.absolute;
  };

  const artefact = (recordingId: string, extension: string): { row: ArtefactRow; file: string } => {
    const target = folder.artefactFile(extension);
    writeFileSync(target.absolute, 'x');
    const row: ArtefactRow = {
      media_id: target.mediaId,
      recording_id: recordingId,
      other_recording_id: null,
      kind: 'strip',
      variant: 'tiles=60',
      path: target.relative,
      content_type: 'image/jpeg',
      bytes: 1,
      data: '{}',
      created_at: 1,
      last_used_at: 1,
    };
    return { row, file: target.absolute };
  };

  it('announces a recording ready once its row says so', () => {
    downloaded('rec-1');
    expect(ready).toEqual(['rec-1']);
    expect(recordingRow(cache.reader, 'rec-1')?.state).toBe('ready');
  });

  it('removes an evicted recording, its artefacts and their files, and announces it with the assignments it had', () => {
    const file = downloaded('rec-1');
    const strip = artefact('rec-1', '.jpg');
    expect(cache.saveArtefact(strip.row)).toBe(true);
    cache.remove('rec-1', 'evicted');
    expect(recordingRow(cache.reader, 'rec-1')).toBeUndefined();
    expect(findArtefact(cache.reader, 'rec-1', 'strip', 'tiles=60')).toBeUndefined();
    expect([existsSync(file), existsSync(strip.file)]).toEqual([false, false]);
    expect(removed).toEqual([{ recordingId: 'rec-1', reason: 'evicted', assignments: [{ examinerId: 'ex-01', assignmentId: 'as-1' }] }]);
  });

  it('replaces an artefact of the same variant, and its older file goes', () => {
    downloaded('rec-1');
    const first = artefact('rec-1', '.jpg');
    const second = artefact('rec-1', '.jpg');
    cache.saveArtefact(first.row);
    cache.saveArtefact(second.row);
    expect(findArtefact(cache.reader, 'rec-1', 'strip', 'tiles=60')?.media_id).toBe(second.row.media_id);
    expect([existsSync(first.file), existsSync(second.file)]).toEqual([false, true]);
  });

  it('sends a ready recording cut short on disk back to the queue, announced as damaged', () => {
    const file = downloaded('rec-1');
    writeFileSync(file, 'ab');
    expect(() => cache.readyRecording('rec-1', 'ex-01')).toThrow(/damaged/);
    expect(recordingRow(cache.reader, 'rec-1')).toMatchObject({ state: 'queued', path: null, media_id: null });
    expect(existsSync(file)).toBe(false);
    expect(removed.map((removal) => removal.reason)).toEqual(['damaged']);
  });

  it('announces a readability change only when it changes', () => {
    downloaded('rec-1');
    cache.markUnreadable('rec-1', null);
    cache.markUnreadable('rec-1', { code: 'media_corrupt_input', message: 'moov atom not found' });
    cache.markUnreadable('rec-1', { code: 'media_corrupt_input', message: 'moov atom not found' });
    expect(readability).toEqual(['rec-1']);
  });

  it('drops every write after stop (the store closes next)', () => {
    cache.want('ex-01', 'as-1', 5, [recording('rec-1')]);
    cache.stop();
    cache.setState('rec-1', 'failed', { error: { code: 'internal', message: 'late' } });
    expect(cache.markReady('rec-1', 'recordings/x.mp4', 4)).toBe(false);
    expect(cache.saveArtefact({ ...artefact('rec-1', '.jpg').row, media_id: newMediaId() })).toBe(false);
    expect(recordingRow(cache.reader, 'rec-1')?.state).toBe('queued');
    expect(ready).toEqual([]);
  });
});
