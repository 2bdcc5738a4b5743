import { events, type EventName, type EventPayload } from '@common/contract';
import type { Logger } from '../log';

export type EventListener = (name: EventName, payload: unknown) => void;

/**
 * Events main pushes to every connected renderer. Payloads are checked against the contract
 * before they leave, so a service bug cannot send the renderer something it does not expect.
 */
export class EventHub {
  readonly #listeners = new Set<EventListener>();

  constructor(private readonly log: Logger) {}

  emit<N extends EventName>(name: N, payload: EventPayload<N>): void {
    const checked = events[name].safeParse(payload);
    if (!checked.success) {
      this.log.error('event payload broke its schema; not sent', { event: name, issues: checked.error.issues });
      return;
    }
    for (const listener of this.#listeners) {
      try {
        listener(name, checked.data);
      } catch (error) {
        this.log.error('event listener failed', { event: name, error });
      }
    }
  }

  subscribe(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }
}
