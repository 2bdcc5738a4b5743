import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ScoreSheet } from '@common/platform/scores';
import type { RunningPlatform } from '../../platform/server';
import { platformHttp } from './platform-http';

export interface Answer {
  readonly status: number;
  readonly body: unknown;
  readonly text: string;
}

/** A temporary data folder for a platform's SQLite file; `remove` once the platform is closed. */
export function dataFolder(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * The chief's desk over HTTP, as the workstation calls it: JSON in, status and JSON out (the raw
 * text kept, for tests that search it), plus the demo's assignments looked up behind the API.
 */
export function chiefClient(platform: RunningPlatform) {
  const { api, login } = platformHttp(platform);
  const send = async (method: string, path: string, token: string | null, body?: unknown, headers: Record<string, string> = {}): Promise<Answer> => {
    const response = await api(path, {
      method,
      headers: {
        ...(token !== null && { authorization: `Bearer ${token}` }),
        ...(body !== undefined && { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, body: text === '' ? null : (JSON.parse(text) as unknown), text };
  };
  const assignmentOf = (examinerId: string, candidateId: string, subjectId = 'vocal'): string => {
    const row = platform.ctx.db
      .prepare('SELECT id FROM assignments WHERE examiner_id = ? AND candidate_id = ? AND subject_id = ?')
      .get(examinerId, candidateId, subjectId) as { id: string } | undefined;
    if (!row) throw new Error(`${examinerId} has no ${subjectId} assignment for ${candidateId}`);
    return row.id;
  };
  /** The live slot's candidates in appointment order. */
  const liveCandidates = (slotId: string): string[] =>
    (platform.ctx.db.prepare('SELECT candidate_id FROM queue_entries WHERE slot_id = ? ORDER BY appointment_at, id').all(slotId) as { candidate_id: string }[]).map(
      (row) => row.candidate_id,
    );
  let keys = 0;
  const submit = (token: string, assignmentId: string, baseVersion: number, sheet: ScoreSheet) =>
    send('POST', `/assignments/${assignmentId}/score`, token, sheet, { 'idempotency-key': `chief-test-${String(++keys)}`, 'if-match': `"${String(baseVersion)}"` });
  /** Any candidate of a slot (recorded slots have no queue). */
  const candidateOf = (slotId: string): string => {
    const row = platform.ctx.db.prepare('SELECT candidate_id FROM assignments WHERE slot_id = ? ORDER BY candidate_id LIMIT 1').get(slotId) as
      | { candidate_id: string }
      | undefined;
    if (!row) throw new Error(`no candidate in ${slotId}`);
    return row.candidate_id;
  };
  const nextKey = () => `chief-test-${String(++keys)}`;
  /** One batch of first submissions (base version 0) of `examinerId`'s vocal sheets for these candidates. */
  const submitFirstSheets = (token: string, examinerId: string, candidateIds: readonly string[], pitchOf: (index: number) => number) =>
    send('POST', '/scores/batch', token, {
      items: candidateIds.map((candidateId, index) => ({
        assignmentId: assignmentOf(examinerId, candidateId),
        idempotencyKey: nextKey(),
        baseVersion: 0,
        sheet: vocalSheet(pitchOf(index)),
      })),
    });
  return { platform, send, login, submit, submitFirstSheets, assignmentOf, liveCandidates, candidateOf, nextKey };
}

/** The vocal rubric (pitch 30, rhythm 20, tone 20, expression 20, stage 10): total = pitch + 52 with these other values. */
export const vocalSheet = (pitch: number, comment = '音准稳定'): ScoreSheet => ({
  values: { pitch, rhythm: 16, tone: 16, expression: 15, stage: 5 },
  comment,
  violation: { flagged: false, note: null },
  auditHead: 'ab'.repeat(32),
});
