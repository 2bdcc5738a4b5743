import type { z } from 'zod';
import { chiefEvents } from './chief-commands';
import { evidenceEvents } from './evidence-events';
import { liveEvents } from './live-events';
import { mediaEvents } from './media-events';
import { PlatformHealth, Session } from './schemas';
import { SheetLock, SheetState, StoreSpace, SyncStatus } from './store-schemas';

/** Every event main pushes to the renderer, with its payload schema. */
export const events = {
  /** The platform connection changed state (online, offline…). */
  'platform.health': PlatformHealth,
  /** An examiner signed in or out, or the token expired. */
  'session.changed': Session.nullable(),
  /** Outbox or sync state changed. */
  'sync.status': SyncStatus,
  /** A sheet changed outside the form that shows it (accepted, conflict, restored…). */
  'sheet.changed': SheetState,
  /** The chief examiner locked or unlocked this examiner's sheet (or signed off its slot). */
  'sheet.lock': SheetLock,
  /** The disk space held back for score sheets was spent (the disk is full), or is held again. */
  'store.space': StoreSpace,
  ...liveEvents,
  ...mediaEvents,
  ...evidenceEvents,
  ...chiefEvents,
} as const;

export type Events = typeof events;
export type EventName = keyof Events;
export type EventPayload<N extends EventName> = z.output<Events[N]>;

export const eventNames = Object.keys(events) as EventName[];

export function isEventName(name: unknown): name is EventName {
  return typeof name === 'string' && Object.hasOwn(events, name);
}
