import { Table, type GetRef, type TableColumnsType } from 'antd';
import { memo, useRef, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useElementHeight } from '../layout/useElementHeight';
import type { KeyRef } from '../layout/keyed-refs';

/** antd's virtual table scrolls by index; the navigation hook tells it where to. */
export type TableScroller = GetRef<typeof Table>;

interface QueueTableProps {
  /** The same array while the rows shown and their order are the same (KeyedRefs). */
  readonly rows: readonly KeyRef[];
  readonly columns: TableColumnsType<KeyRef>;
  readonly activeKey: string | null;
  readonly applied: number;
  readonly loading: boolean;
  readonly scroller: React.RefObject<TableScroller | null>;
  onSelect(entryId: string): void;
  onKeyDown(event: KeyboardEvent): void;
}

const HEADER_HEIGHT = 40;

/**
 * The candidates of the queue in a virtual table, so thousands of rows cost what a screenful
 * costs. The wrapper takes the focus and the arrow keys; the active row is highlighted.
 */
export function QueueTable({ rows, columns, activeKey, applied, loading, scroller, onSelect, onKeyDown }: QueueTableProps) {
  const { t } = useTranslation();
  const box = useRef<HTMLDivElement>(null);
  const height = useElementHeight(box, 480);
  return (
    <div
      ref={box}
      className="examiner-focus-ring"
      style={{ flex: 1, minHeight: 240, overflow: 'hidden' }}
      tabIndex={0}
      role="region"
      aria-label={t('queue.tableLabel')}
      onKeyDown={onKeyDown}
      data-testid="queue-table"
      data-applied={applied}
      data-rows={rows.length}
      data-loading={loading}
    >
      <QueueGrid rows={rows} columns={columns} activeKey={activeKey} loading={loading} height={height} scroller={scroller} onSelect={onSelect} emptyText={t('queue.empty')} />
    </div>
  );
}

interface QueueGridProps {
  readonly rows: readonly KeyRef[];
  readonly columns: TableColumnsType<KeyRef>;
  readonly activeKey: string | null;
  readonly loading: boolean;
  readonly height: number;
  readonly scroller: React.RefObject<TableScroller | null>;
  readonly emptyText: string;
  onSelect(entryId: string): void;
}

/**
 * The table itself, rendered again only when what it shows changes (rows, order, the active row,
 * its size): a change of a candidate's state reaches that row's cells alone (LiveCell), because
 * the virtual body of antd's table re-renders every visible cell whenever it renders.
 */
const QueueGrid = memo(function QueueGrid({ rows, columns, activeKey, loading, height, scroller, emptyText, onSelect }: QueueGridProps) {
  return (
    <Table<KeyRef>
      ref={scroller}
      virtual
      size="small"
      rowKey={(row) => row.key}
      columns={columns}
      dataSource={rows as KeyRef[]}
      pagination={false}
      loading={loading}
      scroll={{ x: columns.reduce((sum, column) => sum + (column.hidden ? 0 : Number(column.width ?? 100)), 0), y: Math.max(160, height - HEADER_HEIGHT) }}
      rowClassName={(row) => (row.key === activeKey ? 'examiner-row-active' : '')}
      onRow={(row) => ({ onClick: () => onSelect(row.key) })}
      locale={{ emptyText }}
    />
  );
});
