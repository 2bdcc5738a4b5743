import { spawnSync } from 'node:child_process';
import { networkInterfaces } from 'node:os';

/**
 * An interface of its own for the loopback-range address 127.0.0.2, so that WebRTC through the
 * platform's SFU stays on 127/8 in tests and benchmarks. Janus never gathers ICE candidates on a
 * loopback interface (it skips IFF_LOOPBACK ones), so `lo` cannot serve; one end of a veth pair
 * that carries 127.0.0.2/32 can, and the kernel still delivers its traffic locally. The
 * platform's Janus picks such an address by itself (platform/sfu/janus-config.ts,
 * defaultIceAddresses). Needs root; elsewhere the SFU uses this machine's own address, whose
 * traffic to itself does not leave the machine either.
 */
export const LOOPBACK_ICE_ADDRESS = '127.0.0.2';
const INTERFACE = 'ewsfu0';
const PEER = 'ewsfu1';

function ip(args: readonly string[]): { ok: boolean; error: string } {
  const result = spawnSync('ip', args, { encoding: 'utf8' });
  return { ok: result.status === 0, error: (result.stderr || result.error?.message || '').trim() };
}

/** True when some interface other than `lo` carries 127.0.0.2. */
export function hasLoopbackIceInterface(): boolean {
  return Object.values(networkInterfaces()).some((addresses) => (addresses ?? []).some((a) => a.address === LOOPBACK_ICE_ADDRESS && !a.internal));
}

/**
 * Makes the interface if it is missing; returns a function that removes what this call made
 * (nothing, if it was there already), or the reason it could not be made.
 */
export function ensureLoopbackIceInterface(): { remove(): void } | { problem: string } {
  if (hasLoopbackIceInterface()) return { remove: () => undefined };
  const steps: readonly (readonly string[])[] = [
    ['link', 'add', INTERFACE, 'type', 'veth', 'peer', 'name', PEER],
    ['addr', 'add', `${LOOPBACK_ICE_ADDRESS}/32`, 'dev', INTERFACE],
    ['link', 'set', INTERFACE, 'up'],
    ['link', 'set', PEER, 'up'],
  ];
  for (const step of steps) {
    const result = ip(step);
    if (!result.ok) {
      ip(['link', 'del', INTERFACE]);
      return { problem: `ip ${step.join(' ')}: ${result.error || 'failed'}` };
    }
  }
  return { remove: () => void ip(['link', 'del', INTERFACE]) };
}
