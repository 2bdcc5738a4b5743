import type { z } from 'zod';

/** Events of the live interview (queue changes, signaling, messages, presence). */
export const liveEvents = {} as const satisfies Record<string, z.ZodType>;
