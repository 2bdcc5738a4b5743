import { z } from 'zod';
import { chiefCommands } from './chief-commands';
import { command } from './command';
import { evidenceCommands } from './evidence-commands';
import { liveCommands } from './live-commands';
import { mediaCommands } from './media-commands';
import { AppInfo, LoginInput, NoInput, PlatformHealth, Session } from './schemas';
import { storeCommands } from './store-commands';

/**
 * Every command the renderer may call, defined once: name, input schema, output schema.
 * main/contract/dispatcher.ts validates against these; both transports (Electron IPC and the
 * browser host's WebSocket) and both bridges build `window.examiner` from this list.
 * Each area keeps its commands in its own file (store-commands.ts, live-commands.ts,
 * media-commands.ts, evidence-commands.ts, chief-commands.ts); app, platform and session commands
 * are here. Names are prefixed by area. To add a command, see common/contract/README.md.
 */
export const commands = {
  'app.getInfo': command({
    summary: 'Name, version and host of this workstation, and which platform it talks to.',
    input: NoInput,
    output: AppInfo,
  }),
  'platform.getHealth': command({
    summary: 'The last known state of the platform connection; checks now if never checked.',
    input: NoInput,
    output: PlatformHealth,
  }),
  'platform.checkNow': command({
    summary: 'Ask the platform now and return the fresh state.',
    input: NoInput,
    output: PlatformHealth,
  }),
  'session.get': command({
    summary: 'The signed-in examiner, or null.',
    input: NoInput,
    output: Session.nullable(),
  }),
  'session.login': command({
    summary: 'Sign in to the platform; the token stays in main.',
    input: LoginInput,
    output: Session,
  }),
  'session.logout': command({
    summary: 'Forget the token and the signed-in examiner.',
    input: NoInput,
    output: z.null(),
  }),
  ...storeCommands,
  ...liveCommands,
  ...mediaCommands,
  ...evidenceCommands,
  ...chiefCommands,
} as const;

export type Commands = typeof commands;
export type CommandName = keyof Commands;
/** What a caller passes (before defaults and transforms). */
export type CommandInput<N extends CommandName> = z.input<Commands[N]['input']>;
/** What a handler receives after validation. */
export type CommandArgs<N extends CommandName> = z.output<Commands[N]['input']>;
export type CommandOutput<N extends CommandName> = z.output<Commands[N]['output']>;

export const commandNames = Object.keys(commands) as CommandName[];

export function isCommandName(name: unknown): name is CommandName {
  return typeof name === 'string' && Object.hasOwn(commands, name);
}
