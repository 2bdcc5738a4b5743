import { afterEach, describe, expect, it, onTestFinished } from 'vitest';
import { MAX_MATRIX_PAGE_ROWS, ScoreMatrix } from '@common/platform/chief';
import { BatchResponse } from '@common/platform/scores';
import { chiefClient, dataFolder } from '../support/platform-chief';
import { roomHarness, SLOT } from '../support/room-clients';

const harness = roomHarness();
afterEach(harness.cleanUp);

const USERS = { 'ex-01': 'examiner1', 'ex-02': 'examiner2', 'ex-03': 'examiner3', 'ch-01': 'chief' } as const;

/** A platform on a SQLite file with the demo's live slot of `candidates`, some of them scored. */
async function desk(candidates: number) {
  const folder = dataFolder('platform-chief-pages-');
  onTestFinished(folder.remove);
  const t = await harness.setUp({ dataDir: folder.dir, demo: { liveCandidates: candidates, recordedPerSlot: 1 } });
  const c = chiefClient(t.platform);
  const tokens = new Map<string, string>();
  for (const [id, username] of Object.entries(USERS)) tokens.set(id, await c.login(username));
  const token = (id: keyof typeof USERS): string => tokens.get(id) ?? '';
  const get = (path: string, as: keyof typeof USERS = 'ch-01') => c.send('GET', path, token(as));
  return { t, c, token, get, live: c.liveCandidates(SLOT) };
}

const matrixPath = `/chief/slots/${SLOT}/matrix`;

describe('reference platform: the chief\'s matrix in pages', () => {
  it('gives the slot\'s rows [offset, offset + limit) in its order, and the pages concatenated are the whole matrix', async () => {
    const { t, c, token, get, live } = await desk(23);
    // Scores in three columns, one deviating, so the rows carry combined scores and flags.
    for (const [member, pitchOf] of [
      ['ex-01', (index: number) => 20 + (index % 7)],
      ['ex-02', (index: number) => 21 + (index % 3)],
      ['ex-03', (index: number) => (index % 5 === 0 ? 2 : 22)],
    ] as const) {
      const answer = await c.submitFirstSheets(token(member), member, live.slice(0, 15), pitchOf);
      expect(answer.status, answer.text).toBe(200);
      expect(BatchResponse.parse(answer.body).results.every((result) => result.status === 201)).toBe(true);
    }
    // Two candidates without an appointment: after the queue, by the chief's code, in the whole matrix as in its pages.
    // (The room's records of their entries would refuse the deletion: they are left dangling, the matrix does not read them.)
    const db = t.platform.ctx.db;
    db.pragma('foreign_keys = OFF');
    const unqueued = db.prepare('DELETE FROM queue_entries WHERE slot_id = ? AND candidate_id = ?');
    expect(unqueued.run(SLOT, live[3]).changes + unqueued.run(SLOT, live[17]).changes).toBe(2);
    db.pragma('foreign_keys = ON');

    const whole = await get(matrixPath);
    expect(whole.status, whole.text).toBe(200);
    const all = ScoreMatrix.parse(whole.body);
    expect(all.page).toBeUndefined();
    expect(all.rows).toHaveLength(23);
    expect(all.rows.some((row) => row.cells.some((cell) => cell.flagged))).toBe(true);

    const pages: ScoreMatrix[] = [];
    for (let offset = 0; offset < 23; offset += 5) {
      const answer = await get(`${matrixPath}?offset=${String(offset)}&limit=5`);
      expect(answer.status, answer.text).toBe(200);
      pages.push(ScoreMatrix.parse(answer.body));
    }
    expect(pages.map((page) => page.page)).toEqual([0, 5, 10, 15, 20].map((offset) => ({ offset, limit: 5, totalRows: 23 })));
    expect(pages.map((page) => page.rows.length)).toEqual([5, 5, 5, 5, 3]);
    expect(pages.flatMap((page) => page.rows)).toEqual(all.rows);
    const { rows: _rows, generatedAt: _at, page: _page, ...header } = all;
    for (const page of pages) {
      const { rows: _r, generatedAt: _g, page: _p, ...pageHeader } = page;
      expect(pageHeader).toEqual(header);
    }

    // Past the end: no rows, the count still; limit alone starts at 0, offset alone runs to the most a page holds.
    const past = ScoreMatrix.parse((await get(`${matrixPath}?offset=23&limit=5`)).body);
    expect(past.rows).toEqual([]);
    expect(past.page).toEqual({ offset: 23, limit: 5, totalRows: 23 });
    expect(ScoreMatrix.parse((await get(`${matrixPath}?limit=2`)).body).rows).toEqual(all.rows.slice(0, 2));
    const rest = ScoreMatrix.parse((await get(`${matrixPath}?offset=20`)).body);
    expect(rest.page).toEqual({ offset: 20, limit: MAX_MATRIX_PAGE_ROWS, totalRows: 23 });
    expect(rest.rows).toEqual(all.rows.slice(20));
  });

  it('answers 400 to a query that is not a page, and 403 to an examiner as for the whole matrix', async () => {
    const { get } = await desk(3);
    for (const query of ['offset=-1&limit=5', 'offset=0&limit=0', `offset=0&limit=${String(MAX_MATRIX_PAGE_ROWS + 1)}`, 'offset=1.5&limit=5', 'offset=0&limit=abc', 'offset=&limit=5']) {
      const answer = await get(`${matrixPath}?${query}`);
      expect(answer.status, query).toBe(400);
      expect((answer.body as { error?: { code?: string } }).error?.code, query).toBe('bad_request');
    }
    expect((await get(`${matrixPath}?offset=0&limit=${String(MAX_MATRIX_PAGE_ROWS)}`)).status).toBe(200);
    expect((await get(`${matrixPath}?offset=0&limit=5`, 'ex-01')).status).toBe(403);
    expect((await get(matrixPath, 'ex-01')).status).toBe(403);
  });
});
