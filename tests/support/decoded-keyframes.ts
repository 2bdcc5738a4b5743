import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * A video's keyframe times in seconds as ffmpeg's decoder finds them (keyframes decoded, nothing
 * else): the tests' independent view, not the packet flags the workstation's probe reads.
 */
export async function decodedKeyframes(ffprobe: string, file: string): Promise<number[]> {
  const { stdout } = await run(ffprobe, ['-v', 'error', '-select_streams', 'v:0', '-skip_frame', 'nokey', '-show_entries', 'frame=pts_time', '-of', 'csv=p=0', file]);
  // One line per keyframe (`0.000000,` when the frame has side data, which adds a blank line).
  return stdout
    .split('\n')
    .map((line) => line.trim().replace(/,$/, ''))
    .filter((line) => line !== '')
    .map(Number);
}
