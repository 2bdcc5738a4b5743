import { useCallback, useState, type KeyboardEvent } from 'react';

const PAGE = 10;

export interface ListNavigation<T> {
  readonly activeKey: string | null;
  readonly activeIndex: number;
  readonly active: T | undefined;
  setActiveKey(key: string | null): void;
  /** Put on the focusable element that holds the list. */
  onKeyDown(event: KeyboardEvent): void;
}

/**
 * Arrow keys, Page Up/Down, Home and End move the active item of a long list; Enter activates
 * it. The active item is kept by key, so it stays put when the list is filtered or re-sorted.
 */
export function useListNavigation<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  options: { onActivate?: (item: T) => void; onMove?: (index: number) => void; initialKey?: string | null } = {},
): ListNavigation<T> {
  const [activeKey, setActiveKey] = useState<string | null>(options.initialKey ?? null);
  const activeIndex = activeKey === null ? -1 : items.findIndex((item) => keyOf(item) === activeKey);
  const active = activeIndex >= 0 ? items[activeIndex] : undefined;
  const { onActivate, onMove } = options;

  const onKeyDown = useCallback(
    (event: KeyboardEvent) => {
      if (event.altKey || event.ctrlKey || event.metaKey) return;
      const last = items.length - 1;
      let next: number;
      switch (event.key) {
        case 'ArrowDown':
          next = Math.min(last, activeIndex + 1);
          break;
        case 'ArrowUp':
          next = Math.max(0, activeIndex - 1);
          break;
        case 'PageDown':
          next = Math.min(last, Math.max(0, activeIndex) + PAGE);
          break;
        case 'PageUp':
          next = Math.max(0, activeIndex - PAGE);
          break;
        case 'Home':
          next = 0;
          break;
        case 'End':
          next = last;
          break;
        case 'Enter':
          if (active !== undefined && onActivate) {
            event.preventDefault();
            onActivate(active);
          }
          return;
        default:
          return;
      }
      event.preventDefault();
      const item = items[next];
      if (item === undefined) return;
      setActiveKey(keyOf(item));
      onMove?.(next);
    },
    [items, keyOf, activeIndex, active, onActivate, onMove],
  );

  return { activeKey, activeIndex, active, setActiveKey, onKeyDown };
}
