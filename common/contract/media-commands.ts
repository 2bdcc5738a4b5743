import type { z } from 'zod';
import type { CommandSpec } from './command';

/** Recordings: downloads, media jobs, review artefacts (see main/media). */
export const mediaCommands = {} as const satisfies Record<string, CommandSpec<z.ZodType, z.ZodType>>;
