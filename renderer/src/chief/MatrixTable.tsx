import { Table, type GetRef, type TableColumnsType } from 'antd';
import { memo, useRef, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useElementHeight } from '../layout/useElementHeight';
import type { KeyRef } from '../layout/keyed-refs';

export type MatrixScroller = GetRef<typeof Table>;

interface MatrixTableProps {
  /** The same array while the rows shown and their order are the same (KeyedRefs). */
  readonly rows: readonly KeyRef[];
  readonly columns: TableColumnsType<KeyRef>;
  readonly activeKey: string | null;
  readonly applied: number;
  readonly loading: boolean;
  readonly scroller: React.RefObject<MatrixScroller | null>;
  onKeyDown(event: KeyboardEvent): void;
}

const HEADER_HEIGHT = 40;

/**
 * The score matrix in a virtual table (5,000 candidates cost what a screenful costs); the wrapper
 * takes the focus and the arrow keys.
 */
export function MatrixTable({ rows, columns, activeKey, applied, loading, scroller, onKeyDown }: MatrixTableProps) {
  const { t } = useTranslation();
  const box = useRef<HTMLDivElement>(null);
  const height = useElementHeight(box, 480);
  return (
    <div
      ref={box}
      className="examiner-focus-ring"
      style={{ flex: 1, minHeight: 240, minWidth: 0, overflow: 'hidden' }}
      tabIndex={0}
      role="region"
      aria-label={t('chief.tableLabel')}
      onKeyDown={onKeyDown}
      data-testid="matrix-table"
      data-applied={applied}
      data-rows={rows.length}
      data-loading={loading}
    >
      <MatrixGrid rows={rows} columns={columns} activeKey={activeKey} loading={loading} height={height} scroller={scroller} emptyText={t('chief.empty')} />
    </div>
  );
}

interface MatrixGridProps {
  readonly rows: readonly KeyRef[];
  readonly columns: TableColumnsType<KeyRef>;
  readonly activeKey: string | null;
  readonly loading: boolean;
  readonly height: number;
  readonly scroller: React.RefObject<MatrixScroller | null>;
  readonly emptyText: string;
}

/** Rendered again only when what it shows changes (rows, order, columns, the active row, its size). */
const MatrixGrid = memo(function MatrixGrid({ rows, columns, activeKey, loading, height, scroller, emptyText }: MatrixGridProps) {
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
      scroll={{ x: columns.reduce((sum, column) => sum + Number(column.width ?? 100), 0), y: Math.max(160, height - HEADER_HEIGHT) }}
      rowClassName={(row) => (row.key === activeKey ? 'examiner-row-active' : '')}
      locale={{ emptyText }}
    />
  );
});
