import { mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { RESULTS_CONTENT_TYPES, ResultsFiles } from '../../../main/chief/results-files';
import { mediaProtocolResponse } from '../../../main/media/protocol-response';
import { attachment, planMediaReply, type ServedMedia } from '../../../main/media/serve-media';
import type { SessionService } from '../../../main/services/session-service';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

describe('serving a results file', () => {
  const file: ServedMedia = { file: '/data/exports/m1.xlsx', size: 100, contentType: XLSX, etag: '"m1"', download: { fileName: '成绩_美术_素描.xlsx' } };

  it('serves the workbook and the CSV with their real types, as attachments under their names', () => {
    const plan = planMediaReply(file, 'GET', {});
    expect(plan.status).toBe(200);
    expect(plan.headers['content-type']).toBe(XLSX);
    expect(plan.headers['content-disposition']).toBe(
      `attachment; filename="________.xlsx"; filename*=UTF-8''${encodeURIComponent('成绩_美术_素描.xlsx')}`,
    );
    const csv = planMediaReply({ ...file, contentType: 'text/csv; charset=utf-8' }, 'GET', {});
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(csv.headers['content-disposition']).toMatch(/^attachment;/);
  });

  it('serves nothing else as a download, and never these types as media', () => {
    for (const contentType of ['text/html', 'text/csv', 'application/pdf', 'image/svg+xml', 'video/mp4', 'application/octet-stream']) {
      expect(planMediaReply({ ...file, contentType }, 'GET', {}).status).toBe(403);
    }
    const { download: _download, ...asMedia } = file;
    expect(planMediaReply(asMedia, 'GET', {}).status).toBe(403);
    expect(planMediaReply({ ...asMedia, contentType: 'text/csv; charset=utf-8' }, 'GET', {}).status).toBe(403);
  });

  it('is served the same by Electron’s app:// protocol, from the file', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'results-protocol-'));
    try {
      const files = new ResultsFiles(dataDir, { session: { examiner: { id: 'chief' } } } as unknown as SessionService);
      const { mediaId } = files.write('chief', 'xlsx', '成绩.xlsx', Buffer.from('PK-bytes'));
      const response = mediaProtocolResponse(files, mediaId, { method: 'GET', headers: new Headers() });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe(XLSX);
      expect(response.headers.get('content-disposition')).toBe(`attachment; filename="__.xlsx"; filename*=UTF-8''${encodeURIComponent('成绩.xlsx')}`);
      expect(await response.text()).toBe('PK-bytes');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('quotes nothing a header could be broken with', () => {
    expect(attachment('a"b\\c\r\n.csv')).toBe(`attachment; filename="a_b_c__.csv"; filename*=UTF-8''a%22b%5Cc%0D%0A.csv`);
  });
});

describe('ResultsFiles', () => {
  const folders: string[] = [];
  afterEach(() => {
    for (const folder of folders.splice(0)) rmSync(folder, { recursive: true, force: true });
  });
  const session = (id: string | null) => ({ session: id === null ? null : { examiner: { id } } }) as unknown as SessionService;

  it('writes a private file named by its media id, served only to the chief who wrote it', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'results-files-'));
    folders.push(dataDir);
    const who = { id: 'chief' as string | null };
    const files = new ResultsFiles(dataDir, { get session() { return session(who.id).session; } } as SessionService);
    const { mediaId, bytes } = files.write('chief', 'csv', '成绩.csv', Buffer.from('a,b\r\n'));
    expect(mediaId).toMatch(/^m[0-9a-f]{24}$/);
    expect(bytes).toBe(5);
    const served = files.lookup(mediaId);
    expect(served).toMatchObject({ size: 5, contentType: RESULTS_CONTENT_TYPES.csv, download: { fileName: '成绩.csv' } });
    expect(readFileSync(served?.file ?? '', 'utf8')).toBe('a,b\r\n');
    if (process.platform !== 'win32') {
      expect(statSync(files.folder).mode & 0o777).toBe(0o700);
      expect(statSync(served?.file ?? '').mode & 0o777).toBe(0o600);
    }
    who.id = 'examiner1';
    expect(files.lookup(mediaId)).toBeNull();
    who.id = null;
    expect(files.lookup(mediaId)).toBeNull();
    who.id = 'chief';
    // A file changed on disk since it was written is not served.
    writeFileSync(served?.file ?? '', 'a,b,c\r\n');
    expect(files.lookup(mediaId)).toBeNull();
    expect(files.lookup('m000000000000000000000000')).toBeNull();
  });

  it('purges files older than a day, and leftovers of unfinished writes, at start', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'results-files-'));
    folders.push(dataDir);
    const now = Date.now();
    const files = new ResultsFiles(dataDir, session('chief'), () => new Date(now));
    const old = files.write('chief', 'xlsx', 'old.xlsx', Buffer.from('old'));
    const fresh = files.write('chief', 'xlsx', 'new.xlsx', Buffer.from('new'));
    const oldFile = join(files.folder, `${old.mediaId}.xlsx`);
    const dayAgo = (now - 25 * 60 * 60_000) / 1000;
    utimesSync(oldFile, dayAgo, dayAgo);
    writeFileSync(join(files.folder, 'mffff.xlsx.partial'), 'half');
    files.purge();
    expect(readdirSync(files.folder)).toEqual([`${fresh.mediaId}.xlsx`]);
  });
});
