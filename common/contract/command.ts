import type { z } from 'zod';

export interface CommandSpec<I extends z.ZodType, O extends z.ZodType> {
  readonly summary: string;
  readonly input: I;
  readonly output: O;
}

/** Declares one contract command; the object literal keeps its exact schema types. */
export function command<I extends z.ZodType, O extends z.ZodType>(spec: CommandSpec<I, O>): CommandSpec<I, O> {
  return spec;
}
