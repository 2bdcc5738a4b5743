import { ADMIN_SECRET_HEADER, AdminCandidateList, type AdminCandidate } from '@common/platform/admin';
import { DEMO_LIVE_SLOT_ID } from '../../platform/demo/exam';
import type { RunningPlatform } from '../../platform/server';
import { startCandidateProcess, type CandidateProcess } from '../support/candidate-process';

/** The demo live slot's candidates with their device tokens, for the live benchmarks. */
export async function liveSlotCandidates(platform: RunningPlatform): Promise<AdminCandidate[]> {
  // Injected: the admin endpoint answers loopback peers only, and the platform may listen elsewhere.
  const response = await platform.app.inject({
    method: 'GET',
    url: `/api/v1/admin/candidates?slotId=${DEMO_LIVE_SLOT_ID}`,
    headers: { [ADMIN_SECRET_HEADER]: platform.adminSecret },
  });
  return AdminCandidateList.parse(response.json()).candidates;
}

/**
 * A candidate's two phones (platform/sim) in a child process, with a tone, optionally inside a
 * network namespace; resolves once the main one waits in the queue.
 */
export async function waitingCandidate(
  platformUrl: string,
  candidate: AdminCandidate,
  camera: { readonly width: number; readonly height: number; readonly fps: number },
  netns?: string,
): Promise<CandidateProcess> {
  const phones = startCandidateProcess({
    platformUrl,
    mainToken: candidate.mainToken,
    sideToken: candidate.sideToken,
    ...camera,
    tone: true,
    ...(netns !== undefined && { netns }),
  });
  await phones.until((line) => line.device === 'main' && line.state === 'waiting');
  return phones;
}
