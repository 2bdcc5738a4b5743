import { Alert, Button, Flex, Table } from 'antd';
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AuditFlag } from '@common/platform/audit';
import type { MatrixMember, MatrixRow } from '@common/platform/chief';
import { useTimeFormat } from '../format/useTimeFormat';
import { ToneTag } from '../theme/ToneTag';
import { useCommandRead } from './useSlotRead';

interface AuditFlagsViewProps {
  readonly members: readonly MatrixMember[];
  readonly rows: readonly MatrixRow[];
}

/**
 * What the platform noticed of this slot's members' audit trails: a chain that went back, forked,
 * or started anew (a restored backup, another computer, or tampering). Their scores were accepted
 * as usual; the chief asks the member why. Candidates are named by this slot's codes where the
 * flagged submission held sheets of it.
 */
export function AuditFlagsView({ members, rows }: AuditFlagsViewProps) {
  const { t } = useTranslation();
  const format = useTimeFormat();
  const [read, setRead] = useState(0);
  const { value, error, loading } = useCommandRead('chief.getAuditFlags', {}, String(read));

  const names = useMemo(() => new Map(members.map((member) => [member.memberId, member.displayName])), [members]);
  const codes = useMemo(() => new Map(rows.flatMap((row) => row.cells.map((cell) => [cell.assignmentId, row.candidateCode] as const))), [rows]);
  const flags = useMemo(() => (value?.flags ?? []).filter((flag) => names.has(flag.examinerId)), [value, names]);

  return (
    <Flex vertical gap={8} data-testid="audit-flags" data-loading={loading}>
      <Alert type="info" showIcon title={t('chief.audit.note')} />
      <Flex>
        <Button size="small" onClick={() => setRead((count) => count + 1)}>
          {t('chief.actions.refresh')}
        </Button>
      </Flex>
      {error && <Alert type="error" showIcon title={t(`errors.${error.code}`)} />}
      <Table<AuditFlag>
        size="small"
        rowKey={(flag) => String(flag.flagId)}
        loading={loading}
        dataSource={flags}
        pagination={{ pageSize: 50, hideOnSinglePage: true }}
        locale={{ emptyText: t('chief.audit.empty') }}
        onRow={() => ({ 'data-testid': 'audit-flag' }) as React.HTMLAttributes<HTMLElement>}
        columns={[
          { key: 'at', title: t('chief.audit.columns.at'), render: (_, flag) => format.dateTime(flag.flaggedAt) },
          { key: 'member', title: t('chief.audit.columns.member'), render: (_, flag) => names.get(flag.examinerId) },
          {
            key: 'reason',
            title: t('chief.audit.columns.reason'),
            render: (_, flag) => (
              <ToneTag tone="danger" data-testid="audit-reason" data-reason={flag.reason}>
                {t(`chief.audit.reason.${flag.reason}`)}
              </ToneTag>
            ),
          },
          {
            key: 'heads',
            title: t('chief.audit.columns.heads'),
            render: (_, flag) => t('chief.audit.heads', { held: flag.witnessed.seq, at: format.dateTime(flag.witnessed.at), claimed: flag.claimed.seq }),
          },
          {
            key: 'candidates',
            title: t('chief.audit.columns.candidates'),
            render: (_, flag) => {
              const here = flag.assignmentIds.flatMap((id) => codes.get(id) ?? []);
              const elsewhere = flag.assignmentIds.length - here.length;
              return [here.join('、'), elsewhere > 0 ? t('chief.audit.elsewhere', { count: elsewhere }) : ''].filter(Boolean).join(' ');
            },
          },
        ]}
      />
    </Flex>
  );
}
