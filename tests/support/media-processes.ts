import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** Pids of ffmpeg or ffprobe processes working on anything in `dir` (Linux: /proc). */
export function mediaProcessesIn(dir: string): number[] {
  if (!existsSync('/proc')) return [];
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const commandLine = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
      if (/ff(mpeg|probe)$/.test(commandLine[0] ?? '') && commandLine.some((arg) => arg.includes(dir))) pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}
