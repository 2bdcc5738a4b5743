import { spawnSync } from 'node:child_process';

/**
 * A network namespace joined to this one by a veth pair, for tests that cut a real link:
 * `inside` lives in the namespace, `outside` here; each end has an address in a /30 of
 * 10.200.0.0/16 that only this test uses. Everything is removed by `remove()`. Needs root (or
 * CAP_NET_ADMIN) and iproute2.
 */
export interface VethNamespace {
  readonly name: string;
  /** This side's address (the platform listens here). */
  readonly outsideAddress: string;
  /** The namespace's address. */
  readonly insideAddress: string;
  /**
   * Cuts the link or restores it, as a phone loses its signal: every packet between the two ends
   * is dropped (a blackhole route to the other end, on each side), while both interfaces stay up
   * with their addresses. Taking a veth end down instead takes the carrier from both ends, and
   * the browsers then drop the interface and notice its return only seconds later, which no
   * examiner's computer goes through when a candidate's phone loses signal. (Kernel queueing
   * disciplines such as netem are not available on every machine; routes are.)
   */
  setLink(up: boolean): void;
  remove(): void;
}

function ip(args: readonly string[]): { ok: boolean; error: string } {
  const result = spawnSync('ip', args, { encoding: 'utf8' });
  if (result.error) return { ok: false, error: result.error.message };
  return { ok: result.status === 0, error: result.stderr.trim() };
}

function must(args: readonly string[]): void {
  const result = ip(args);
  if (!result.ok) throw new Error(`ip ${args.join(' ')}: ${result.error}`);
}

/** Why this machine cannot make network namespaces, or null when it can (tried for real). */
export function namespaceProblem(): string | null {
  const probe = `probe-${process.pid}`;
  const made = ip(['netns', 'add', probe]);
  if (!made.ok) return `\`ip netns add\` is not allowed here (${made.error || 'iproute2 missing'})`;
  ip(['netns', 'del', probe]);
  return null;
}

export function createVethNamespace(): VethNamespace {
  // One /30 per process: parallel runs on one machine do not collide.
  const subnet = (process.pid % 250) + 1;
  const name = `live-cut-${process.pid}`;
  const outside = `vlw${subnet}`;
  const inside = `vlc${subnet}`;
  const outsideAddress = `10.200.${subnet}.1`;
  const insideAddress = `10.200.${subnet}.2`;
  const remove = () => {
    ip(['netns', 'del', name]);
    // Deleting the namespace deletes its end, and with it the pair; in case it did not:
    ip(['link', 'del', outside]);
  };
  remove();
  try {
    must(['netns', 'add', name]);
    must(['link', 'add', outside, 'type', 'veth', 'peer', 'name', inside]);
    must(['link', 'set', inside, 'netns', name]);
    must(['addr', 'add', `${outsideAddress}/30`, 'dev', outside]);
    must(['link', 'set', outside, 'up']);
    must(['netns', 'exec', name, 'ip', 'addr', 'add', `${insideAddress}/30`, 'dev', inside]);
    must(['netns', 'exec', name, 'ip', 'link', 'set', inside, 'up']);
    must(['netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up']);
  } catch (error) {
    remove();
    throw error;
  }
  return {
    name,
    outsideAddress,
    insideAddress,
    setLink: (up) => {
      const verb = up ? 'del' : 'add';
      must(['netns', 'exec', name, 'ip', 'route', verb, 'blackhole', `${outsideAddress}/32`]);
      must(['route', verb, 'blackhole', `${insideAddress}/32`]);
    },
    remove,
  };
}
