import { randomUUID } from 'node:crypto';
import type { Assignment, ScoreSheet } from '@common/platform';
import { RoomLog } from '@common/platform/room';

/** The platform's own API, as another client of examiner1 would use it (a second computer). */
export async function signInToPlatform(platformUrl: string, username: string): Promise<string> {
  const response = await fetch(`${platformUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password: 'demo1234' }),
  });
  if (!response.ok) throw new Error(`sign-in as ${username}: HTTP ${response.status}`);
  return ((await response.json()) as { token: string }).token;
}

export async function assignmentsOf(platformUrl: string, token: string): Promise<Assignment[]> {
  const response = await fetch(`${platformUrl}/api/v1/assignments`, { headers: { authorization: `Bearer ${token}` } });
  return ((await response.json()) as { assignments: Assignment[] }).assignments;
}

export async function submitScore(platformUrl: string, token: string, assignmentId: string, baseVersion: number, sheet: Omit<ScoreSheet, 'auditHead'>): Promise<number> {
  const response = await fetch(`${platformUrl}/api/v1/assignments/${assignmentId}/score`, {
    method: 'POST',
    headers: {
      authorization: `Bearer ${token}`,
      'content-type': 'application/json',
      'idempotency-key': randomUUID(),
      'if-match': `"${baseVersion}"`,
    },
    body: JSON.stringify({ ...sheet, auditHead: null }),
  });
  return response.status;
}

export async function scoreOf(platformUrl: string, token: string, assignmentId: string): Promise<{ version: number; total: number | null; sheet: ScoreSheet | null }> {
  const response = await fetch(`${platformUrl}/api/v1/assignments/${assignmentId}/score`, { headers: { authorization: `Bearer ${token}` } });
  return (await response.json()) as { version: number; total: number | null; sheet: ScoreSheet | null };
}

/** The exam-room log (考场记录) of a queue entry: who did what, when. */
export async function roomLogOf(platformUrl: string, token: string, slotId: string, entryId: string): Promise<RoomLog> {
  const response = await fetch(`${platformUrl}/api/v1/slots/${slotId}/queue/${entryId}/log`, { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) throw new Error(`room log of ${entryId}: HTTP ${response.status}`);
  return RoomLog.parse(await response.json());
}

/** A control of the panel's lead (主考) on a queue entry, as the lead's own client sends it; the platform refuses anyone else. */
export async function leadControl(platformUrl: string, token: string, slotId: string, entryId: string, control: 'call' | 'finish' | 'absent'): Promise<void> {
  const response = await fetch(`${platformUrl}/api/v1/slots/${slotId}/queue/${entryId}/${control}`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) throw new Error(`${control} ${entryId}: HTTP ${response.status} ${await response.text()}`);
}
