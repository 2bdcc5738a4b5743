import { Flex, Segmented } from 'antd';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Assignment, Device, ReviewMark, Subject } from '@common/platform';
import { AlignmentBar } from './AlignmentBar';
import { DownloadStateCell } from '../DownloadStateCell';
import { useDownloadActions } from '../useDownloadActions';
import { angleSource, evidenceSource, type AngleSource } from './angle-source';
import { ExportPanel } from './ExportPanel';
import { ReviewPlayer } from './ReviewPlayer';
import { useAlignment } from './useAlignment';
import { useEvidence } from './useEvidence';
import { useReviewMedia } from './useReviewMedia';

/** Review artefacts are asked for this long after opening at the latest, even with no first frame. */
const PREPARE_AT_THE_LATEST_MS = 1000;


interface RecordingReviewProps {
  readonly assignment: Assignment;
  readonly marks: readonly ReviewMark[];
  readonly marksReadOnly: boolean;
  onMarksChange(marks: ReviewMark[]): void;
  /** How long ffmpeg waits for the player to settle at most (tests set it long). */
  readonly prepareAtTheLatestMs?: number;
  /** The subject's blind listening (open when not given). */
  readonly reviewMode?: Subject['reviewMode'];
  /**
   * Called once the player has had the page to itself: its playable angles have their first
   * frames (or the browser refused one, or `prepareAtTheLatestMs` passed), or nothing is
   * playable yet (not downloaded). The grading view lays the sheet out then.
   */
  onReady?(): void;
}

type Source = 'recordings' | 'evidence';

/**
 * The player fed with an assignment's media: its downloaded recordings (with their download
 * controls while they are not here yet), or the evidence recorded in its live interview.
 */
export function RecordingReview({ assignment, marks, marksReadOnly, onMarksChange, prepareAtTheLatestMs = PREPARE_AT_THE_LATEST_MS, reviewMode = 'open', onReady }: RecordingReviewProps) {
  const { t } = useTranslation();
  // ffmpeg starts once the player has its first frames (or the browser refused a file, which
  // the probe and a proxy must then fix), and after a second whatever happens.
  const [settled, setSettled] = useState(false);
  const [waited, setWaited] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => setWaited(true), prepareAtTheLatestMs);
    return () => clearTimeout(timer);
  }, [prepareAtTheLatestMs]);
  const onSettled = useCallback(() => setSettled(true), []);
  const media = useReviewMedia(assignment, settled || waited);
  const evidence = useEvidence(assignment.assignmentId);
  const actions = useDownloadActions();
  const hasRecordings = assignment.recordings.length > 0;
  const [source, setSource] = useState<Source | null>(null);
  const shown: Source = source ?? (hasRecordings || evidence.length === 0 ? 'recordings' : 'evidence');

  const recordingOf = (angle: Device): AngleSource => {
    const planned = assignment.recordings.find((recording) => recording.angle === angle);
    if (!planned) return { kind: 'absent' };
    const download = media.recordings?.recordings.find((recording) => recording.recordingId === planned.recordingId) ?? {
      recordingId: planned.recordingId,
      angle,
      state: 'none' as const,
      bytesDone: 0,
      bytes: planned.bytes,
      mediaId: null,
      error: null,
    };
    return angleSource(download, media.artefacts.get(planned.recordingId), media.prepareErrors.get(planned.recordingId));
  };
  const evidenceOf = (angle: Device): AngleSource => {
    const latest = evidence.filter((recording) => recording.device === angle).at(-1);
    return latest ? evidenceSource(latest) : { kind: 'absent' };
  };
  const sourceOf = shown === 'recordings' ? recordingOf : evidenceOf;
  const main = sourceOf('main');
  const side = sourceOf('side');
  // Nothing to wait for: no recordings, or their downloads are known (or unknowable) and no
  // angle can play. The evidence of an interview has its own first frames to wait for.
  const downloadsKnown = media.recordings !== null || media.error !== null;
  const nothingPlayable = shown === 'recordings' && (!hasRecordings || (downloadsKnown && main.kind !== 'ready' && side.kind !== 'ready'));
  const ready = settled || waited || nothingPlayable;
  const readyCallback = useRef(onReady);
  useEffect(() => {
    readyCallback.current = onReady;
  }, [onReady]);
  useEffect(() => {
    if (ready) readyCallback.current?.();
  }, [ready]);
  // The side on the main's clock: the alignment of the downloaded recordings (evidence recordings
  // of a live interview started together and play as they are).
  const aligned = shown === 'recordings' && assignment.recordings.some((recording) => recording.angle === 'main') && assignment.recordings.some((recording) => recording.angle === 'side');
  const alignment = useAlignment(aligned ? assignment.assignmentId : null);
  const offsetSeconds = aligned ? (alignment.alignment?.offsetMs ?? 0) / 1000 : 0;
  const mainFrameRate = main.kind === 'ready' ? (main.probe?.video?.frameRate ?? null) : null;
  const mainRecordingId = assignment.recordings.find((recording) => recording.angle === 'main')?.recordingId ?? null;
  // Exports are of the downloaded recordings only, not of an interview's evidence.
  const exportPanel =
    shown === 'recordings' && hasRecordings
      ? (time: number) => (
          <ExportPanel
            assignmentId={assignment.assignmentId}
            mainRecordingId={mainRecordingId}
            mainReady={main.kind === 'ready'}
            sideReady={side.kind === 'ready'}
            bothReady={main.kind === 'ready' && side.kind === 'ready'}
            time={time}
          />
        )
      : undefined;

  return (
    <Flex vertical gap={12} data-testid="recording-review" data-source={shown}>
      <Flex gap={12} align="center" wrap justify="space-between">
        {evidence.length > 0 && (
          <Segmented<Source>
            value={shown}
            onChange={setSource}
            options={[
              { value: 'recordings', label: t('player.sourceRecordings'), disabled: !hasRecordings },
              { value: 'evidence', label: t('player.sourceEvidence') },
            ]}
            aria-label={t('player.source')}
            data-testid="player-source"
          />
        )}
        {shown === 'recordings' && hasRecordings && (
          <DownloadStateCell
            assignment={assignment}
            recordings={media.recordings ?? undefined}
            busy={actions.busy === assignment.assignmentId}
            onAction={(action, assignmentId) => void actions.run(action, assignmentId)}
          />
        )}
      </Flex>
      <ReviewPlayer
        key={shown}
        main={main}
        side={side}
        marks={marks}
        marksReadOnly={marksReadOnly}
        onMarksChange={onMarksChange}
        renderFooter={exportPanel}
        onSettled={onSettled}
        reviewMode={reviewMode}
        offsetSeconds={offsetSeconds}
        alignment={aligned ? <AlignmentBar state={alignment} frameRate={mainFrameRate} /> : undefined}
      />
    </Flex>
  );
}
