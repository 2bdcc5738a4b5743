import type { Page } from 'playwright-core';

/**
 * What the page records of the browser host's socket for a benchmark: when each event of one name
 * was dispatched (MessageEvent.timeStamp), and when answers carrying a snapshot came, and their size.
 */
export interface SocketProbe {
  events: number[];
  snapshots: { at: number; bytes: number }[];
}

export interface SocketProbeOptions {
  /** The global the probe is kept in, e.g. `__uiProbe`. */
  readonly global: string;
  /** The contract event it times, e.g. `live.queueEntry`. */
  readonly event: string;
  /** The key of the answer's value that holds a snapshot, e.g. `queue` for `{"value":{"queue":…`. */
  readonly snapshot: string;
}

/**
 * An init script (page.addInitScript(installSocketProbe, options)), installed before the app's
 * own scripts: it wraps WebSocket so that the probe listens first, and its own work is not part of
 * what it times.
 */
export function installSocketProbe({ global, event, snapshot }: SocketProbeOptions): void {
  const probe: SocketProbe = { events: [], snapshots: [] };
  (globalThis as unknown as Record<string, SocketProbe>)[global] = probe;
  const eventPrefix = `{"event":"${event}"`;
  const snapshotKey = `"value":{"${snapshot}":`;
  const Native = globalThis.WebSocket;
  globalThis.WebSocket = class extends Native {
    constructor(url: string | URL, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener('message', (message: MessageEvent) => {
        if (typeof message.data !== 'string') return;
        if (message.data.startsWith(eventPrefix)) probe.events.push(message.timeStamp);
        else if (message.data.startsWith('{"id":') && message.data.slice(0, 80).includes(snapshotKey)) {
          probe.snapshots.push({ at: message.timeStamp, bytes: message.data.length });
        }
      });
    }
  };
}

/** Where a first render is measured: which tab mounts the table, and where its probe keeps the snapshots. */
export interface FirstRenderTarget {
  /** The global the page's probe lives in (installed before the app's scripts); it has `snapshots`. */
  readonly probe: string;
  /** The tab clicked to mount the table afresh (from the review tab). */
  readonly tab: string;
  /** The table's test id; its rows carry data-row-key, and it says data-loading and data-rows. */
  readonly table: string;
  /** How many rows the table has once everything is in. */
  readonly rows: number;
}

export interface FirstRender {
  /** Click on the tab → the table's first rows in the DOM (ms, the page's clock). */
  readonly total: number;
  /** Click → the answer carrying the snapshot dispatched in the page; null if it was not seen. */
  readonly fetched: number | null;
  readonly bytes: number;
}

/**
 * Measures `times` first renders of a table in the page, each from the review tab: the click on
 * `tab` (its event's timeStamp) to the MutationObserver callback that first sees a row of the
 * loaded table, which runs right after React commits it, before the frame is painted.
 */
export async function measureFirstRenders(page: Page, target: FirstRenderTarget, times: number): Promise<FirstRender[]> {
  const runs: FirstRender[] = [];
  for (let i = 0; i < times; i++) {
    await page.getByRole('tab', { name: /录播阅卷/ }).click();
    await page.waitForSelector('[data-testid="review-queue"]');
    await page.evaluate(({ probe, table }) => {
      const win = globalThis as typeof globalThis & Record<string, { snapshots: unknown[] }> & { __firstRender?: Promise<{ clickAt: number; shownAt: number }> };
      const held = win[probe];
      if (held) held.snapshots = [];
      win.__firstRender = new Promise((resolve) => {
        document.addEventListener(
          'click',
          (click) => {
            const clickAt = click.timeStamp;
            const shown = () => document.querySelector(`[data-testid="${table}"][data-loading="false"] [data-row-key]`) !== null;
            const observer = new MutationObserver(() => {
              if (!shown()) return;
              observer.disconnect();
              resolve({ clickAt, shownAt: performance.now() });
            });
            observer.observe(document.body, { subtree: true, childList: true, attributes: true });
          },
          { capture: true, once: true },
        );
      });
    }, target);
    await page.getByRole('tab', { name: target.tab }).click();
    const result = await page.evaluate(async ({ probe, table }) => {
      const win = globalThis as typeof globalThis & Record<string, { snapshots: { at: number; bytes: number }[] }> & { __firstRender?: Promise<{ clickAt: number; shownAt: number }> };
      const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`${table} never showed its rows`)), 60_000));
      const { clickAt, shownAt } = await Promise.race([win.__firstRender as Promise<{ clickAt: number; shownAt: number }>, timeout]);
      const snapshot = win[probe]?.snapshots.find((message) => message.at >= clickAt);
      return { total: shownAt - clickAt, fetched: snapshot ? snapshot.at - clickAt : null, bytes: snapshot?.bytes ?? 0 };
    }, target);
    await page.waitForSelector(`[data-testid="${target.table}"][data-rows="${String(target.rows)}"]`);
    runs.push(result);
  }
  return runs;
}
