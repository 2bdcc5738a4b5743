import { Table, type GetRef, type TableColumnsType } from 'antd';
import { memo, useRef, type KeyboardEvent } from 'react';
import type { KeyRef } from './keyed-refs';
import { useElementHeight } from './useElementHeight';

/** antd's virtual table scrolls by index; the navigation hook tells it where to. */
export type TableScroller = GetRef<typeof Table>;

export interface KeyedVirtualTableProps {
  /** The wrapper's test id and accessible name, and what an empty table says. */
  readonly testId: string;
  readonly label: string;
  readonly emptyText: string;
  /** The same array while the rows shown and their order are the same (KeyedRefs). */
  readonly rows: readonly KeyRef[];
  readonly columns: TableColumnsType<KeyRef>;
  readonly activeKey: string | null;
  /** How many pushed changes the feed has applied (for tests and benchmarks to wait on). */
  readonly applied: number;
  readonly loading: boolean;
  readonly scroller: React.RefObject<TableScroller | null>;
  onKeyDown(event: KeyboardEvent): void;
  /** A click on a row; without it the cells take their own clicks. */
  onSelect?(key: string): void;
}

const HEADER_HEIGHT = 40;

/**
 * Thousands of rows in a virtual table, costing what a screenful costs: the live queue and the
 * chief's matrix. The wrapper takes the focus and the arrow keys; the active row is highlighted.
 * The table holds only each row's key (KeyRef): its cells read their row themselves, so a change
 * to a row reaches that row's cells alone.
 */
export function KeyedVirtualTable({ testId, label, emptyText, rows, columns, activeKey, applied, loading, scroller, onKeyDown, onSelect }: KeyedVirtualTableProps) {
  const box = useRef<HTMLDivElement>(null);
  const height = useElementHeight(box, 480);
  return (
    <div
      ref={box}
      className="examiner-focus-ring"
      style={{ flex: 1, minHeight: 240, minWidth: 0, overflow: 'hidden' }}
      tabIndex={0}
      role="region"
      aria-label={label}
      onKeyDown={onKeyDown}
      data-testid={testId}
      data-applied={applied}
      data-rows={rows.length}
      data-loading={loading}
    >
      <Grid rows={rows} columns={columns} activeKey={activeKey} loading={loading} height={height} scroller={scroller} onSelect={onSelect} emptyText={emptyText} />
    </div>
  );
}

interface GridProps {
  readonly rows: readonly KeyRef[];
  readonly columns: TableColumnsType<KeyRef>;
  readonly activeKey: string | null;
  readonly loading: boolean;
  readonly height: number;
  readonly scroller: React.RefObject<TableScroller | null>;
  readonly emptyText: string;
  onSelect: ((key: string) => void) | undefined;
}

/**
 * The table itself, rendered again only when what it shows changes (rows, order, columns, the
 * active row, its size), because the virtual body of antd's table re-renders every visible cell
 * whenever it renders.
 */
const Grid = memo(function Grid({ rows, columns, activeKey, loading, height, scroller, emptyText, onSelect }: GridProps) {
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
      {...(onSelect && { onRow: (row: KeyRef) => ({ onClick: () => onSelect(row.key) }) })}
      locale={{ emptyText }}
    />
  );
});
