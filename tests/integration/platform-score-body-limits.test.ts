import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BatchItem, ReviewMark } from '@common/platform';
import { startPlatform, type RunningPlatform } from '../../platform/server';

/**
 * The score routes' body limits are the longest valid bodies (common/platform/json-size.ts): a
 * batch of sheets full of review marks is read, and a stranger's body is not read at all.
 */

let platform: RunningPlatform;
let dataDir: string;

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'platform-body-limits-'));
  platform = await startPlatform({ dataDir, demo: { liveCandidates: 40, recordedPerSlot: 1 } });
});

afterAll(async () => {
  await platform.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** `count` review marks of `length` CJK characters each (three bytes apiece in UTF-8). */
function marks(count: number, length: number): ReviewMark[] {
  return Array.from({ length: count }, (_, index) => ({ id: `m${String(index)}`, kind: 'note', atMs: index * 1000, text: '音'.repeat(length) }));
}

async function login(): Promise<string> {
  const response = await fetch(`${platform.url}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'examiner1', password: 'demo1234' }),
  });
  return ((await response.json()) as { token: string }).token;
}

describe('the platform takes every valid batch', () => {
  it('accepts a batch of sheets full of review marks, over the 8 MiB a 16 KiB-a-sheet guess allowed', async () => {
    const token = await login();
    const list = (await (await fetch(`${platform.url}/api/v1/assignments`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
      assignments: { assignmentId: string; kind: string }[];
    };
    const ids = list.assignments.filter((assignment) => assignment.kind === 'live').map((assignment) => assignment.assignmentId).slice(0, 30);
    // Valid values do not matter here: each item is decided on its own after the body is read.
    const items: BatchItem[] = ids.map((assignmentId, index) => ({
      assignmentId,
      idempotencyKey: `mark-heavy-${String(index)}`,
      baseVersion: 0,
      sheet: { values: {}, comment: '', violation: { flagged: false, note: null }, marks: marks(200, 500) },
    }));
    const body = JSON.stringify({ items });
    expect(Buffer.byteLength(body)).toBeGreaterThan(8 * 1024 * 1024);
    const response = await fetch(`${platform.url}/api/v1/scores/batch`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body,
    });
    expect(response.status).toBe(200);
    const { results } = (await response.json()) as { results: { status: number }[] };
    expect(results).toHaveLength(ids.length);
  });

  it('answers a stranger 401 before reading a batch body of any size', async () => {
    const { hostname, port } = new URL(platform.url);
    // Announces 100 MB and sends none of it: only an answer that does not wait for the body comes back.
    const status = await new Promise<number>((resolve, reject) => {
      const request = httpRequest({
        host: hostname,
        port,
        method: 'POST',
        path: '/api/v1/scores/batch',
        headers: { 'content-type': 'application/json', 'content-length': String(100_000_000) },
      });
      request.on('response', (response) => {
        response.resume();
        resolve(response.statusCode ?? 0);
        request.destroy();
      });
      request.on('error', reject);
      request.flushHeaders();
    });
    expect(status).toBe(401);
  });
});
