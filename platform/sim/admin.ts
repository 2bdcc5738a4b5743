import { ADMIN_SECRET_HEADER, AdminCandidateList, type AdminCandidate } from '@common/platform/admin';
import { API_PREFIX } from '@common/platform/wire';

/**
 * The candidates of a slot with their devices' tokens, from the reference platform's admin
 * endpoint (loopback only, with the admin secret that `npm run platform` prints).
 */
export async function slotCandidates(platformUrl: string, slotId: string, adminSecret: string): Promise<AdminCandidate[]> {
  const url = new URL(`${API_PREFIX}/admin/candidates`, platformUrl);
  url.searchParams.set('slotId', slotId);
  const response = await fetch(url, { headers: { [ADMIN_SECRET_HEADER]: adminSecret } });
  if (!response.ok) {
    const hint = response.status === 401 ? ' (wrong admin secret? `npm run platform` prints it)' : '';
    throw new Error(`listing the candidates of ${slotId} failed: HTTP ${response.status}${hint}`);
  }
  return AdminCandidateList.parse(await response.json()).candidates;
}
