import type { PlatformContext } from '../context';

/** Generates (once, cached in ctx.mediaDir) and registers the demo exam's recordings. */
export async function ensureDemoRecordings(_ctx: PlatformContext): Promise<void> {
  // Filled in by the commit that builds recordings.
}
