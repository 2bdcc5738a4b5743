import type { z } from 'zod';

/** Events of recordings and media jobs (download and job progress). */
export const mediaEvents = {} as const satisfies Record<string, z.ZodType>;
