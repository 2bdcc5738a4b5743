import { Alert, Empty, Flex, Table } from 'antd';
import { lazy, Suspense, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { MatrixRow } from '@common/platform/chief';
import { raterQuality, type RaterQuality } from '@common/scoring/rater-quality';
import type { MatrixHeader } from './matrix-feed';

// echarts is loaded when the chief opens this view, not with the desk.
const RaterCharts = lazy(() => import('./RaterCharts').then((module) => ({ default: module.RaterCharts })));

const fixed = (value: number | null, places = 1) => (value === null ? '—' : value.toFixed(places));
const percent = (value: number | null) => (value === null ? '—' : `${Math.round(value * 100)}%`);

/** 评委评分质量: how each member scores against the rest of the panel. It informs; it never changes a score. */
export function RaterQualityPanel({ header, rows, charts = true }: { header: MatrixHeader; rows: readonly MatrixRow[]; charts?: boolean }) {
  const { t } = useTranslation();
  const quality = useMemo(
    () => raterQuality({ members: header.members, rows, combineRule: header.combineRule, deviationThreshold: header.deviationThreshold }),
    [header, rows],
  );
  const any = quality.some((member) => member.scored > 0);
  const signed = (value: number | null) =>
    value === null ? '—' : `${value > 0 ? '+' : ''}${value.toFixed(1)}${Math.abs(value) >= 0.05 ? ` (${t(value < 0 ? 'chief.quality.severe' : 'chief.quality.lenient')})` : ''}`;
  return (
    <Flex vertical gap={12} data-testid="rater-quality">
      <Alert type="info" showIcon title={t('chief.quality.note')} data-testid="rater-quality-note" />
      {!any ? (
        <Empty description={t('chief.quality.empty')} />
      ) : (
        <>
          <Table<RaterQuality>
            size="small"
            rowKey="memberId"
            pagination={false}
            dataSource={quality}
            columns={[
              { key: 'member', title: t('chief.quality.columns.member'), dataIndex: 'displayName' },
              { key: 'scored', title: t('chief.quality.columns.scored'), dataIndex: 'scored' },
              { key: 'mean', title: t('chief.quality.columns.mean'), render: (_, member) => fixed(member.mean) },
              { key: 'sd', title: t('chief.quality.columns.sd'), render: (_, member) => fixed(member.sd) },
              { key: 'difference', title: t('chief.quality.columns.difference'), render: (_, member) => <span data-testid="quality-difference">{signed(member.meanDifference)}</span> },
              { key: 'correlation', title: t('chief.quality.columns.correlation'), render: (_, member) => fixed(member.correlation, 2) },
              { key: 'within', title: t('chief.quality.columns.within'), render: (_, member) => percent(member.withinThreshold) },
              { key: 'drift', title: t('chief.quality.columns.drift'), render: (_, member) => (member.driftPer10 === null ? '—' : `${member.driftPer10 > 0 ? '+' : ''}${member.driftPer10.toFixed(2)}`) },
            ]}
          />
          {charts && (
            <Suspense fallback={null}>
              <RaterCharts quality={quality} />
            </Suspense>
          )}
        </>
      )}
    </Flex>
  );
}
