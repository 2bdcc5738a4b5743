import { useEffect, useState } from 'react';
import type { ReReviewRequest } from '@common/platform';
import { examiner } from '../bridge';
import { tryCall } from '../app/call';

/**
 * Open re-review requests for the signed-in examiner: loaded, then added to as the platform
 * asks. A resubmission the platform accepts answers its request, so the list loads again then.
 */
export function useReReviews(): readonly ReReviewRequest[] {
  const [requests, setRequests] = useState<readonly ReReviewRequest[]>([]);
  useEffect(() => {
    let live = true;
    const load = () =>
      void tryCall('reReviews.list', {}).then((view) => {
        if (live && view) setRequests(view.requests);
      });
    const api = examiner();
    const offs = [
      api.on('reReview.requested', (request) => {
        if (live) setRequests((current) => (current.some((known) => known.requestId === request.requestId) ? current : [...current, request]));
      }),
      api.on('sheet.changed', (sheet) => {
        if (sheet.status === 'accepted') load();
      }),
    ];
    load();
    return () => {
      live = false;
      for (const off of offs) off();
    };
  }, []);
  return requests;
}
