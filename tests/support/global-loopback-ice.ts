import { ensureLoopbackIceInterface } from './loopback-ice';

/**
 * Vitest global setup of the suites that run WebRTC through the platform's SFU: the interface
 * that keeps it on 127/8 (see loopback-ice.ts), made once for the run and removed after it.
 */
export default function setup(): () => void {
  const made = ensureLoopbackIceInterface();
  if ('problem' in made) {
    process.stderr.write(`note: no loopback-range interface for the SFU (${made.problem}); WebRTC uses this machine's own address\n`);
    return () => undefined;
  }
  return () => made.remove();
}
