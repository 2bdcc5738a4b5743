import { Alert, App, Button, Flex, Space, Spin, Tag, Typography } from 'antd';
import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { FINAL_QUEUE_STATES, type Device, type QueueEntry } from '@common/platform';
import { examiner } from '../bridge';
import { StandaloneRecuseButton } from '../fairness/RecuseButton';
import { formatDuration } from '../format/time';
import { useNow } from '../format/useNow';
import { markCalled } from './diagnostics';
import { useInterviewContext, type InterviewContext } from './hooks/useInterviewContext';
import { useInterviewEntry } from './hooks/useInterviewEntry';
import { useInterviewSession, useRecorder } from './hooks/useInterviewSession';
import { useQuickMessages } from './hooks/useQuickMessages';
import { useRoom } from './hooks/useRoom';
import { interruptionView } from './interruption';
import type { InterviewSession } from './session/interview-session';
import { AnswerClock } from './ui/AnswerClock';
import { FeedStage } from './ui/FeedStage';
import { LeadControls, type LeadAction } from './ui/LeadControls';
import { MessagesPanel } from './ui/MessagesPanel';
import { RecordingControl, type RecordingControlProps } from './ui/RecordingControl';
import { leadsRoom, RoomPanel } from './ui/RoomPanel';
import { TalkBackControls } from './ui/TalkBackControls';

export interface LiveInterviewProps {
  readonly slotId: string;
  readonly entryId: string;
  /** The examiner's assignment for this candidate; found by the entry when not given. */
  readonly assignmentId?: string | null;
  /**
   * The grading form beside the panels (the review flow's ScoreSheetForm); a function gets the
   * assignment and subject, and the sheet's clock for technical-issue moments (the time since the
   * interview began, in milliseconds).
   */
  readonly gradingForm?: ReactNode | ((context: GradingFormContext) => ReactNode);
  /** The interview ended (finished here, or ended by the platform); the form stays on screen. */
  onEnd?(entry: QueueEntry): void;
  /** Leave the interview screen: this examiner leaves the room, the interview goes on. */
  onClose?(): void;
}

export interface GradingFormContext extends InterviewContext {
  /** Milliseconds since the candidate entered the room (0 before). */
  currentTimeMs(): number;
}

const LIVE: readonly QueueEntry['state'][] = ['called', 'in_room', 'interrupted'];

/**
 * The examiner's live job, in the panel room: both cameras of the called candidate with their
 * connection quality, who of the panel is in the room, talk-back, the interruption rule and the
 * platform's decisions as they come, the candidate's quick messages and the examiner's prompts,
 * evidence recording, the lead's controls (for the lead), and the grading form beside it all.
 * Everything reaches main through the contract; media flows through the platform's SFU (or
 * directly with the devices on the fallback route).
 */
export function LiveInterview({ slotId, entryId, assignmentId = null, gradingForm, onEnd, onClose }: LiveInterviewProps) {
  const { t } = useTranslation();
  const { modal, message } = App.useApp();
  const { entry, error, accept, resumedAt } = useInterviewEntry(slotId, entryId);
  const context = useInterviewContext(entryId, assignmentId);
  const messages = useQuickMessages(entryId);
  const final = entry ? FINAL_QUEUE_STATES.includes(entry.state) : false;
  const live = entry ? LIVE.includes(entry.state) : false;
  const room = useRoom(entryId, live && !final);
  const session = useInterviewSession(entryId, entry, room);
  // The clock re-renders the interview only while an interruption counts down.
  const now = useNow(entry?.state === 'interrupted');
  const [busy, setBusy] = useState<'call' | LeadAction['kind'] | null>(null);
  const interruption = entry ? interruptionView(entry, now) : { kind: 'none' as const, count: 0, max: 3 };
  // The sheet's clock: the time since the interview began (to its end once it ended).
  const enteredAt = entry?.enteredAt ?? null;
  const finishedAt = entry?.finishedAt ?? null;
  const currentTimeMs = useCallback(() => {
    if (enteredAt === null) return 0;
    const end = finishedAt === null ? Date.now() : Date.parse(finishedAt);
    return Math.max(0, end - Date.parse(enteredAt));
  }, [enteredAt, finishedAt]);
  const ready = context.status === 'ready' ? context.context : null;
  // The same element while its inputs stay the same, so that React leaves the sheet (and what the
  // examiner is typing) alone when the entry, the room or the countdown re-render the interview.
  const form = useMemo(
    () => (ready && gradingForm !== undefined ? (typeof gradingForm === 'function' ? gradingForm({ ...ready, currentTimeMs }) : gradingForm) : null),
    [ready, gradingForm, currentTimeMs],
  );

  // Whoever ended it — this examiner, or the platform failing the candidate — the links close
  // and the recordings are finished; the form stays.
  useEffect(() => {
    if (!final || !entry) return;
    void session.end().then(() => onEnd?.(entry));
    // Only the moment it becomes final matters, not every later change of the entry.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [final, session]);

  if (error) return <Alert type="error" showIcon title={t(`errors.${error.code}`)} data-testid="live-interview-error" />;
  if (entry === undefined) return <Spin description={t('live.loading')} />;
  if (entry === null) return <Alert type="error" showIcon title={t('live.notFound')} data-testid="live-interview-error" />;

  // The room knows best once joined; before (a waiting candidate) the exam's panel says.
  const isLead = room ? leadsRoom(room) : (ready?.panelLead?.isYou ?? false);
  const leadName = room ? (room.members.find((member) => member.memberId === room.lead)?.displayName ?? null) : (ready?.panelLead?.displayName ?? null);
  const answerSeconds = ready ? ready.subject.answerSeconds + (room?.extraSeconds ?? 0) : 0;

  const callIn = async () => {
    setBusy('call');
    markCalled(entryId);
    const result = await examiner().invoke('live.call', { slotId, entryId });
    setBusy(null);
    if (result.ok) accept(result.value);
    else void message.error(t(`errors.${result.error.code}`));
  };

  const lead = async (action: LeadAction) => {
    setBusy(action.kind);
    const api = examiner();
    const ref = { slotId, entryId };
    const result =
      action.kind === 'extend'
        ? await api.invoke('live.extend', { ...ref, minutes: action.minutes, ...(action.reason !== undefined && { reason: action.reason }) })
        : action.kind === 'readmit'
          ? await api.invoke('live.readmit', { ...ref, reason: action.reason })
          : action.kind === 'absent'
            ? await api.invoke('live.markAbsent', ref)
            : await api.invoke('live.finish', ref);
    setBusy(null);
    if (!result.ok) {
      void message.error(t(`errors.${result.error.code}`));
      return;
    }
    accept(result.value);
    if (action.kind === 'extend') void message.success(t('live.lead.extended', { minutes: action.minutes }));
    if (action.kind === 'readmit') void message.success(t('live.lead.readmitted'));
  };

  const onLeadAction = (action: LeadAction) => {
    if (action.kind !== 'finish') {
      void lead(action);
      return;
    }
    modal.confirm({
      title: t('live.actions.end'),
      content: t('live.lead.endConfirm', { code: entry.candidateCode }),
      okText: t('live.actions.end'),
      cancelText: t('common.cancel'),
      okButtonProps: { danger: true, 'aria-label': t('live.actions.end') },
      onOk: () => lead(action),
    });
  };

  const startRecording = () => {
    if (!ready) return;
    const labels: Record<Device, string> = {
      main: t('live.recording.noPicture', { device: t('live.device.main') }),
      side: t('live.recording.noPicture', { device: t('live.device.side') }),
    };
    void session.startRecording(ready.assignment.assignmentId, examiner().invoke, labels);
  };

  const prompts = ready?.subject.prompts ?? [];

  return (
    <Flex vertical gap={12} data-testid="live-interview" data-entry-id={entryId} data-state={entry.state} style={{ minHeight: 0 }}>
      <Flex align="center" justify="space-between" wrap gap={12}>
        <Space size="middle" wrap align="center">
          <Typography.Title level={4} style={{ margin: 0 }} data-testid="candidate-code">
            {t('live.title', { code: entry.candidateCode })}
          </Typography.Title>
          <Tag color={entry.state === 'failed' ? 'error' : entry.state === 'interrupted' ? 'warning' : entry.state === 'in_room' ? 'success' : 'default'} data-testid="entry-state">
            {t(`queueState.${entry.state}`)}
          </Tag>
          <Tag color={interruption.count > 0 ? 'warning' : 'default'} data-testid="interview-interruption-count" data-count={interruption.count}>
            {t('live.interruption.count', { count: interruption.count, max: interruption.max })}
          </Tag>
          {ready && <AnswerClock enteredAt={entry.enteredAt} endedAt={entry.finishedAt} answerSeconds={answerSeconds} />}
          {room !== null && room.extraSeconds > 0 && (
            <Tag color="blue" data-testid="extra-time" data-seconds={room.extraSeconds}>
              {t('live.lead.extraTime', { time: formatDuration(room.extraSeconds * 1000) })}
            </Tag>
          )}
        </Space>
        <Space wrap>
          <SessionRecordingControl
            session={session}
            canRecord={ready !== null && live && !final}
            onStart={startRecording}
            onStop={() => void session.stopRecording()}
          />
          {entry.state === 'waiting' && isLead && (
            <Button type="primary" loading={busy === 'call'} onClick={() => void callIn()} data-testid="call-candidate">
              {t('live.actions.call')}
            </Button>
          )}
          {entry.state === 'waiting' && !isLead && (
            <Typography.Text type="secondary" data-testid="called-by-lead">
              {leadName ? t('live.room.ledBy', { name: leadName }) : t('live.room.noLead')}
            </Typography.Text>
          )}
          {isLead && <LeadControls entry={entry} busy={busy === 'call' ? null : busy} onAction={onLeadAction} />}
          {entry.state === 'in_room' && isLead && (
            <Button danger loading={busy === 'finish'} onClick={() => onLeadAction({ kind: 'finish' })} data-testid="end-interview">
              {t('live.actions.end')}
            </Button>
          )}
          {ready && <StandaloneRecuseButton assignmentId={ready.assignment.assignmentId} candidateCode={entry.candidateCode} />}
          {onClose && (
            <Button onClick={onClose} data-testid="close-interview">
              {t('live.actions.close')}
            </Button>
          )}
        </Space>
      </Flex>

      {entry.state === 'failed' && (
        <Alert
          type="error"
          showIcon
          data-testid="interview-failed"
          data-reason={entry.failureReason ?? ''}
          title={t('live.failedTitle')}
          description={t('live.interruption.failed', { reason: entry.failureReason ? t(`failureReason.${entry.failureReason}`) : '' })}
        />
      )}
      {entry.state === 'finished' && <Alert type="info" showIcon data-testid="interview-ended" title={t('live.ended')} />}
      {entry.state === 'in_room' && resumedAt === entry.revision && (
        <Alert type="success" showIcon closable data-testid="interview-resumed" title={t('live.interruption.resumed')} />
      )}
      {context.status === 'failed' && <Alert type="warning" showIcon title={t(`errors.${context.error.code}`)} data-testid="interview-context-error" />}

      <Flex gap={16} align="start" wrap={false} style={{ minHeight: 0 }}>
        <Flex vertical gap={12} style={{ flex: 1, minWidth: 0 }}>
          <FeedStage
            session={session}
            live={live}
            ended={final}
            interruption={interruption}
            heading={
              <Space size="middle" wrap align="center">
                <Typography.Text strong style={{ fontSize: 18 }} data-testid="fullscreen-candidate-code">
                  {t('live.title', { code: entry.candidateCode })}
                </Typography.Text>
                {ready && <AnswerClock enteredAt={entry.enteredAt} endedAt={entry.finishedAt} answerSeconds={answerSeconds} testId="fullscreen-answer-time" />}
              </Space>
            }
          />
          <MessagesPanel entryId={entryId} messages={messages} prompts={prompts} canPrompt={live} />
        </Flex>
        <Flex vertical gap={12} style={{ width: 420, flex: 'none', maxHeight: '100%', overflow: 'auto' }}>
          {(live || room !== null) && <RoomPanel room={room} />}
          {live && !final && <TalkBackControls talk={session.talk} enabled={live && !final} />}
          {form !== null && <div data-testid="interview-grading">{form}</div>}
        </Flex>
      </Flex>
    </Flex>
  );
}

/** The evidence recording's control, subscribed to the recorders itself; re-rendered only when one changes. */
function SessionRecordingControl({ session, ...props }: Omit<RecordingControlProps, 'recorders'> & { readonly session: InterviewSession }) {
  const main = useRecorder(session, 'main');
  const side = useRecorder(session, 'side');
  const recorders = useMemo(() => ({ main, side }), [main, side]);
  return <RecordingControl recorders={recorders} {...props} />;
}
