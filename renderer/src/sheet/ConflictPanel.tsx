import { Alert, Button, Flex, Space, Typography } from 'antd';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ResolveConflictInput, SheetState } from '@common/contract';
import type { Rubric } from '@common/platform';
import { useTimeFormat } from '../format/useTimeFormat';
import { VersionsTable } from './VersionsTable';

interface ConflictPanelProps {
  readonly sheet: SheetState;
  readonly rubric: Rubric;
  /** This workstation's version has edits that fail the rubric: it cannot be kept as it is. */
  readonly mineUsable: boolean;
  onResolve(keep: ResolveConflictInput['keep']): Promise<void>;
}

/**
 * A submitted sheet the platform would not take as it was: this workstation's version beside
 * the platform's. The examiner keeps one (or edits theirs above, then keeps it); nothing is
 * resolved without them.
 */
export function ConflictPanel({ sheet, rubric, mineUsable, onResolve }: ConflictPanelProps) {
  const { t } = useTranslation();
  const format = useTimeFormat();
  const [busy, setBusy] = useState<ResolveConflictInput['keep'] | null>(null);
  const conflict = sheet.conflict;
  if (!conflict) return null;
  const platform = conflict.platform;
  const resolve = async (keep: ResolveConflictInput['keep']) => {
    setBusy(keep);
    try {
      await onResolve(keep);
    } finally {
      setBusy(null);
    }
  };
  return (
    <Flex vertical gap={12} data-testid="conflict-panel" data-reason={conflict.reason}>
      <Alert
        type="error"
        showIcon
        title={t('conflict.title')}
        description={conflict.reason === 'locked' ? t('conflict.lockedReason') : t('conflict.versionReason')}
      />
      {platform.acceptedAt && (
        <Typography.Text type="secondary">{t('conflict.acceptedAt', { time: format.dateTime(platform.acceptedAt) })}</Typography.Text>
      )}
      {platform.sheet === null && <Typography.Text type="secondary">{t('conflict.noSheet')}</Typography.Text>}
      <VersionsTable
        rubric={rubric}
        mine={{ values: sheet.values, total: sheet.total, comment: sheet.comment, violation: sheet.violation }}
        theirs={platform.sheet ? { values: platform.sheet.values, total: platform.total, comment: platform.sheet.comment, violation: platform.sheet.violation } : null}
        mineTitle={t('conflict.mine')}
        theirsTitle={t('conflict.platform', { version: platform.version })}
      />
      <Space wrap>
        <Button
          type="primary"
          disabled={platform.locked || !mineUsable}
          loading={busy === 'mine'}
          onClick={() => void resolve('mine')}
          data-testid="keep-mine"
        >
          {t('conflict.keepMine')}
        </Button>
        <Button disabled={platform.sheet === null} loading={busy === 'platform'} onClick={() => void resolve('platform')} data-testid="keep-platform">
          {t('conflict.keepPlatform')}
        </Button>
      </Space>
      <Typography.Text type="secondary">{t('conflict.editHint')}</Typography.Text>
    </Flex>
  );
}
