import type { z } from 'zod';
import type { CommandSpec } from './command';

/** The live interview: queue, calling candidates in, signaling, messages (see main/services/live). */
export const liveCommands = {} as const satisfies Record<string, CommandSpec<z.ZodType, z.ZodType>>;
