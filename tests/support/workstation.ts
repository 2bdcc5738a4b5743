import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CommandInput, CommandName, CommandOutput, EventName, EventPayload } from '@common/contract';
import type { EvidenceOptions } from '../../main/evidence';
import { silentLogger, type Logger } from '../../main/log';
import type { SyncOptions } from '../../main/services/sync-worker';
import { createWorkstation, type Workstation } from '../../main/workstation';

export interface TestWorkstation {
  readonly workstation: Workstation;
  readonly dataDir: string;
  /** Calls a command through the real dispatcher; throws on { ok: false } with the code in the message. */
  call<N extends CommandName>(name: N, input: CommandInput<N>): Promise<CommandOutput<N>>;
  /** The first event of that name whose payload satisfies `match`, from now on. */
  waitFor<N extends EventName>(name: N, match: (payload: EventPayload<N>) => boolean): Promise<EventPayload<N>>;
  stop(): void;
}

/**
 * `call` and `waitFor` on a workstation, for tests that start it some other way (startStack); a
 * getter, so they can be made before the workstation exists (in a beforeAll).
 */
export function workstationCommands(get: () => Workstation): Pick<TestWorkstation, 'call' | 'waitFor'> {
  return {
    call: async (name, input) => {
      const result = await get().dispatch(name, input, { transport: 'test' });
      if (!result.ok) throw new Error(`${name} failed: ${result.error.code}: ${result.error.message}`);
      return result.value as never;
    },
    waitFor: (name, match) =>
      new Promise((resolve) => {
        const off = get().events.subscribe((event, payload) => {
          if (event === name && match(payload as EventPayload<typeof name>)) {
            off();
            resolve(payload as EventPayload<typeof name>);
          }
        });
      }),
  };
}

/** A real workstation (store in its own temp folder, real sync worker) pointed at a platform URL. */
export function startWorkstation(platformUrl: string, options: { sync?: SyncOptions; dataDir?: string; log?: Logger; evidence?: EvidenceOptions } = {}): TestWorkstation {
  const dataDir = options.dataDir ?? mkdtempSync(join(tmpdir(), 'examiner-ws-'));
  const workstation = createWorkstation({
    host: 'browser',
    config: { platformUrl, dataDir, demo: false },
    log: options.log ?? silentLogger,
    healthIntervalMs: { online: 1_000, offline: 100 },
    sync: { baseDelayMs: 20, maxDelayMs: 500, ...options.sync },
    backupIntervalMs: 3_600_000,
    ...(options.evidence && { evidence: options.evidence }),
  });
  workstation.start();
  return {
    workstation,
    dataDir,
    ...workstationCommands(() => workstation),
    stop: () => {
      workstation.stop();
      if (!options.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Complete values for a rubric: each criterion at `fraction` of its max, on its step. */
export function valuesFor(criteria: readonly { id: string; max: number; step: number }[], fraction: number): Record<string, number> {
  return Object.fromEntries(criteria.map((criterion) => [criterion.id, Math.round((criterion.max * fraction) / criterion.step) * criterion.step]));
}
