import { Table, type GetRef, type TableColumnsType } from 'antd';
import { useRef, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useElementHeight } from '../layout/useElementHeight';
import type { QueueRow } from './queue-store';

/** antd's virtual table scrolls by index; the navigation hook tells it where to. */
export type TableScroller = GetRef<typeof Table>;

interface QueueTableProps {
  readonly rows: readonly QueueRow[];
  readonly columns: TableColumnsType<QueueRow>;
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
      <Table<QueueRow>
        ref={scroller}
        virtual
        size="small"
        rowKey={(row) => row.entry.entryId}
        columns={columns}
        dataSource={rows as QueueRow[]}
        pagination={false}
        loading={loading}
        scroll={{ x: columns.reduce((sum, column) => sum + (column.hidden ? 0 : Number(column.width ?? 100)), 0), y: Math.max(160, height - HEADER_HEIGHT) }}
        rowClassName={(row) => (row.entry.entryId === activeKey ? 'examiner-row-active' : '')}
        onRow={(row) => ({ onClick: () => onSelect(row.entry.entryId) })}
        locale={{ emptyText: t('queue.empty') }}
      />
    </div>
  );
}
