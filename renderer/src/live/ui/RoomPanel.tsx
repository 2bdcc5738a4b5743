import { Alert, Card, Flex, Tag, Tooltip, Typography } from 'antd';
import { useTranslation } from 'react-i18next';
import type { RoomMember, RoomState } from '@common/platform';

export interface RoomPanelProps {
  readonly room: RoomState | null;
}

/** Whether the receiving member leads the room. */
export function leadsRoom(room: RoomState | null): boolean {
  return room !== null && room.lead !== null && room.lead === room.you;
}

/**
 * Who is in the panel room, by display name and role (never shown to the candidate): present,
 * talking, and — for the lead only — who has submitted a score sheet (never the score). The
 * media route is named, and the lead is told plainly when the direct route cannot carry the
 * whole panel.
 */
export function RoomPanel({ room }: RoomPanelProps) {
  const { t } = useTranslation();
  if (!room) {
    return (
      <Card size="small" data-testid="room-panel" data-state="joining">
        <Typography.Text type="secondary">{t('live.room.waiting')}</Typography.Text>
      </Card>
    );
  }
  const lead = leadsRoom(room);
  const overDirect = room.route === 'direct' && room.members.length > room.directCapacity;
  return (
    <Card
      size="small"
      title={t('live.room.title')}
      data-testid="room-panel"
      data-state="joined"
      data-route={room.route}
      data-lead={lead ? 'you' : 'other'}
      extra={
        <Tooltip title={t(`live.room.routeReason.${room.routeReason}`)}>
          <Tag color={room.route === 'sfu' ? 'blue' : 'gold'} data-testid="room-route" data-route={room.route} aria-label={`${t('live.room.routeLabel')}: ${t(`live.room.route.${room.route}`)}`}>
            {t(`live.room.route.${room.route}`)}
          </Tag>
        </Tooltip>
      }
    >
      {lead && overDirect && (
        <Alert type="warning" showIcon style={{ marginBottom: 8 }} data-testid="room-direct-warning" title={t('live.room.directTooLarge', { capacity: room.directCapacity })} />
      )}
      <ul className="examiner-plain-list" data-testid="room-members">
        {room.members.map((member) => (
          <MemberLine key={member.memberId} member={member} you={member.memberId === room.you} showSubmitted={lead} />
        ))}
      </ul>
    </Card>
  );
}

function MemberLine({ member, you, showSubmitted }: { member: RoomMember; you: boolean; showSubmitted: boolean }) {
  const { t } = useTranslation();
  return (
    <li
      data-testid="room-member"
      data-member-id={member.memberId}
      data-role={member.role}
      data-present={member.present}
      data-talking={member.talking}
      {...(showSubmitted ? { 'data-submitted': member.submitted } : {})}
    >
      <Flex align="center" gap={6} wrap>
        <Typography.Text strong={you} {...(member.present ? {} : { type: 'secondary' as const })}>
          {member.displayName}
          {you ? t('live.room.you') : ''}
        </Typography.Text>
        {member.role === 'lead' && (
          <Tag color="purple" data-testid="room-member-lead">
            {t('live.room.lead')}
          </Tag>
        )}
        <Tag color={member.present ? 'green' : 'default'}>{t(member.present ? 'live.room.present' : 'live.room.absent')}</Tag>
        {member.talking && (
          <Tag color="red" data-testid="room-member-talking">
            {t('live.room.talking')}
          </Tag>
        )}
        {showSubmitted && (
          <span data-testid="room-member-submitted" aria-label={t(member.submitted ? 'live.room.submitted' : 'live.room.notSubmitted')}>
            {member.submitted ? '✓' : '—'}
          </span>
        )}
      </Flex>
    </li>
  );
}
