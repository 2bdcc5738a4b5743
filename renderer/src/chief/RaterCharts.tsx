import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
// The ES module build: the CommonJS one (lib/) hands the bundle its exports object, not the component.
import ReactEChartsCore from 'echarts-for-react/esm/core';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { RaterQuality } from '@common/scoring/rater-quality';

// Only the parts drawn here, so the bundle carries no more of echarts than it uses.
echarts.use([BarChart, LineChart, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent, CanvasRenderer]);

const round = (value: number | null) => (value === null ? null : Math.round(value * 100) / 100);
const CHART_STYLE = { height: 240, width: '100%' };

/** Mean and SD per member; mean difference from the panel; the difference over each member's scoring order. */
export function RaterCharts({ quality }: { quality: readonly RaterQuality[] }) {
  const { t } = useTranslation();
  const names = quality.map((member) => member.displayName);
  const spread = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { data: [t('chief.quality.series.mean'), t('chief.quality.series.sd')] },
      grid: { left: 48, right: 48, top: 36, bottom: 48 },
      xAxis: { type: 'category', data: names, axisLabel: { interval: 0, rotate: names.length > 6 ? 30 : 0 } },
      yAxis: [{ type: 'value' }, { type: 'value' }],
      series: [
        { name: t('chief.quality.series.mean'), type: 'bar', data: quality.map((member) => round(member.mean)) },
        { name: t('chief.quality.series.sd'), type: 'line', yAxisIndex: 1, data: quality.map((member) => round(member.sd)) },
      ],
    }),
    [quality, names, t],
  );
  const difference = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      grid: { left: 48, right: 24, top: 24, bottom: 48 },
      xAxis: { type: 'category', data: names, axisLabel: { interval: 0, rotate: names.length > 6 ? 30 : 0 } },
      yAxis: { type: 'value' },
      series: [
        {
          name: t('chief.quality.series.difference'),
          type: 'bar',
          data: quality.map((member) => ({
            value: round(member.meanDifference),
            // Colour repeats the sign; the axis and the table say it in words too.
            itemStyle: { color: (member.meanDifference ?? 0) < 0 ? '#1d4ed8' : '#92400e' },
          })),
          markLine: { silent: true, symbol: 'none', data: [{ yAxis: 0 }] },
        },
      ],
    }),
    [quality, names, t],
  );
  const drift = useMemo(
    () => ({
      tooltip: { trigger: 'axis' },
      legend: { type: 'scroll', data: names },
      grid: { left: 48, right: 24, top: 36, bottom: 40 },
      xAxis: { type: 'value', name: t('chief.quality.order'), nameLocation: 'middle', nameGap: 24, minInterval: 1 },
      yAxis: { type: 'value' },
      series: quality.map((member) => ({
        name: member.displayName,
        type: 'line',
        showSymbol: false,
        data: member.differences.map((value, index) => [index + 1, round(value)]),
      })),
    }),
    [quality, names, t],
  );
  return (
    <div data-testid="rater-charts" style={{ display: 'grid', gridTemplateColumns: 'repeat(auto-fit, minmax(360px, 1fr))', gap: 12 }}>
      <figure style={{ margin: 0 }}>
        <figcaption>{t('chief.quality.meanChart')}</figcaption>
        <ReactEChartsCore echarts={echarts} option={spread} notMerge style={CHART_STYLE} />
      </figure>
      <figure style={{ margin: 0 }}>
        <figcaption>{t('chief.quality.differenceChart')}</figcaption>
        <ReactEChartsCore echarts={echarts} option={difference} notMerge style={CHART_STYLE} />
      </figure>
      <figure style={{ margin: 0, gridColumn: '1 / -1' }}>
        <figcaption>{t('chief.quality.driftChart')}</figcaption>
        <ReactEChartsCore echarts={echarts} option={drift} notMerge style={CHART_STYLE} />
      </figure>
    </div>
  );
}
