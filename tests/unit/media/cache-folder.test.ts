import { isAbsolute, join, relative, sep } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MediaId } from '@common/contract';
import { extensionFor, MediaCacheFolder, newMediaId, safeName } from '../../../main/recording-cache/cache-folder';

const folder = new MediaCacheFolder('/data/examiner');
const inside = (file: string) => {
  const rel = relative(folder.root, file);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
};

describe('MediaCacheFolder', () => {
  it('keeps everything under <dataDir>/media-cache, named from ids', () => {
    expect(folder.root).toBe(join('/data/examiner', 'media-cache'));
    const partial = folder.recordingPartial('rec-0123');
    const file = folder.recordingFile('rec-0123', 'video/mp4');
    expect(partial.relative).toMatch(/^recordings\/rec-0123-[0-9a-f]{10}\.partial$/);
    expect(file.relative).toBe(partial.relative.replace('.partial', '.mp4'));
    expect(folder.resolve(file.relative)).toBe(file.absolute);
    const artefact = folder.artefactFile('.jpg');
    expect(MediaId.safeParse(artefact.mediaId).success).toBe(true);
    expect(artefact.relative).toBe(`artefacts/${artefact.mediaId}.jpg`);
  });

  it.each([
    '../workstation.sqlite',
    'recordings/../../workstation.sqlite',
    '..',
    '',
    '.',
    '/etc/passwd',
    'C:\\Windows\\win.ini',
    'c:relative',
    'recordings/x\0.mp4',
    'artefacts/../../../etc/passwd',
  ])('refuses the stored path %j', (stored) => {
    expect(folder.resolve(stored)).toBeNull();
  });

  it.each(['recordings/a.mp4', 'artefacts/m0.jpg', 'recordings/./a.mp4', 'recordings/sub/../a.mp4'])('accepts %j, inside the folder', (stored) => {
    const file = folder.resolve(stored);
    expect(file).not.toBeNull();
    expect(inside(file ?? '')).toBe(true);
  });

  it('turns any platform id into a file name that stays in its folder and differs for different ids', () => {
    const ids = ['rec-1', 'rec:1', 'rec.1', '..', '.', 'a/b', 'a\\b', 'x'.repeat(64)];
    const names = ids.map(safeName);
    expect(new Set(names).size).toBe(ids.length);
    for (const name of names) {
      expect(name).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(inside(folder.recordingPartial(name).absolute)).toBe(true);
    }
  });

  it('gives each artefact a fresh media id, and a known extension per content type', () => {
    expect(newMediaId()).not.toBe(newMediaId());
    expect(extensionFor('video/mp4')).toBe('.mp4');
    expect(extensionFor('Video/QuickTime; codecs=hvc1')).toBe('.mov');
    expect(extensionFor('application/x-unknown')).toBe('.bin');
  });
});
