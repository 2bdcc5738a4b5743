import { useEffect, useState } from 'react';
import type { AssignmentRecordings, ContractError, RecordingArtefacts } from '@common/contract';
import type { Assignment } from '@common/platform';
import { examiner } from '../../bridge';
import { asContractError, call } from '../../app/call';
import { knownRecordings } from './video-pool';

export interface ReviewMedia {
  /** The assignment's downloads; null until main answers. */
  readonly recordings: AssignmentRecordings | null;
  /** What ffmpeg made of each downloaded recording, by recording id. */
  readonly artefacts: ReadonlyMap<string, RecordingArtefacts>;
  /** A failure to ask (e.g. ffmpeg missing), by recording id. */
  readonly prepareErrors: ReadonlyMap<string, ContractError>;
  readonly error: ContractError | null;
}

export const STRIP_TILES = 60;
export const WAVEFORM_PEAKS = 1000;

/**
 * An assignment's recordings for the player: their download state (kept current by
 * `recordings.progress`), and for each downloaded one, the review artefacts `media.prepare`
 * derives (first answer, then `media.artefacts` as each job finishes). Preparation waits for
 * `prepare`: the player shows the downloaded files first, and ffmpeg's jobs would otherwise
 * compete with the first frame for the same cores.
 */
export function useReviewMedia(assignment: Assignment, prepare: boolean): ReviewMedia {
  const assignmentId = assignment.assignmentId;
  // What the queue knew when the grader opened it (the player can show the files at once), until main answers.
  const [recordings, setRecordings] = useState<AssignmentRecordings | null>(() => knownRecordings(assignmentId));
  const [artefacts, setArtefacts] = useState<ReadonlyMap<string, RecordingArtefacts>>(new Map());
  const [prepareErrors, setPrepareErrors] = useState<ReadonlyMap<string, ContractError>>(new Map());
  const [error, setError] = useState<ContractError | null>(null);

  useEffect(() => {
    let live = true;
    // An event that came before the answer is newer than it.
    let evented = false;
    const off = examiner().on('recordings.progress', (item) => {
      if (!live || item.assignmentId !== assignmentId) return;
      evented = true;
      setRecordings(item);
    });
    void call('recordings.state', { assignmentId }).then(
      (item) => {
        if (live && !evented) setRecordings(item);
      },
      (failure: unknown) => {
        if (live) setError(asContractError(failure));
      },
    );
    return () => {
      live = false;
      off();
    };
  }, [assignmentId]);

  // The ids of the downloaded recordings, as one string: preparation starts once per recording.
  const ready = (recordings?.recordings ?? []).filter((recording) => recording.state === 'ready').map((recording) => recording.recordingId);
  const readyKey = ready.join(',');
  useEffect(() => {
    if (readyKey === '' || !prepare) return;
    const ids = new Set(readyKey.split(','));
    let live = true;
    const take = (item: RecordingArtefacts) => {
      if (live && ids.has(item.recordingId)) setArtefacts((current) => new Map(current).set(item.recordingId, item));
    };
    const off = examiner().on('media.artefacts', take);
    for (const recordingId of ids) {
      void call('media.prepare', { recordingId, priority: 'now', tiles: STRIP_TILES, peaks: WAVEFORM_PEAKS }).then(
        (item) => {
          // An event may already have brought a newer state of some part.
          if (live) setArtefacts((current) => (current.has(recordingId) ? current : new Map(current).set(recordingId, item)));
        },
        (failure: unknown) => {
          if (live) setPrepareErrors((current) => new Map(current).set(recordingId, asContractError(failure)));
        },
      );
    }
    return () => {
      live = false;
      off();
    };
  }, [readyKey, prepare]);

  return { recordings, artefacts, prepareErrors, error };
}
