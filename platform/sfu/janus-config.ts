import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';

/**
 * The configuration folder the platform writes for its own Janus (`janus -F DIR -C DIR/janus.jcfg`).
 * Nothing of Debian's /etc/janus is read: every plugin, transport, logger and event handler but
 * the VideoRoom plugin and the WebSockets transport is disabled by name, the WebSockets API is bound
 * to 127.0.0.1 on a port we chose, ICE is kept to the addresses we list, and
 * every request needs an HMAC-signed token (see janus-token.ts).
 */

/** The secrets one Janus instance is started with; kept across restarts of that instance. */
export interface JanusSecrets {
  /** For the admin API (not exposed: no admin transport is enabled). */
  readonly adminSecret: string;
  /** Janus checks every request's token against this (HMAC-SHA1). */
  readonly tokenAuthSecret: string;
  /** Only requests carrying it can create VideoRoom rooms: only the platform. */
  readonly videoroomAdminKey: string;
}

export interface JanusConfigSettings {
  /** Where Janus's plugins/, transports/, events/ and loggers/ folders are. */
  readonly libDir: string;
  readonly secrets: JanusSecrets;
  /** The WebSockets API's port on 127.0.0.1. */
  readonly wsPort: number;
  /**
   * Interfaces or addresses ICE may gather on (Janus's `ice_enforce_list`; partial strings match),
   * e.g. ['192.168.1.20'] or a test namespace's veth address. Janus never gathers on a loopback
   * interface (its src/ice.c skips IFF_LOOPBACK), and when nothing listed matches, libnice
   * gathers on every other interface: so list real, non-loopback addresses (see defaultIceAddresses).
   */
  readonly iceEnforceList: readonly string[];
  /** RTP/RTCP ports, e.g. { min: 20000, max: 20100 }; the OS chooses when absent. */
  readonly rtpPortRange?: { readonly min: number; readonly max: number } | undefined;
  readonly iceLite?: boolean | undefined;
}

export interface JanusConfigFolder {
  readonly dir: string;
  /** The core configuration file (`-C`). */
  readonly configFile: string;
}

/** The only plugin and transport this platform loads. */
export const VIDEOROOM_PLUGIN_FILE = 'libjanus_videoroom.so';
export const WEBSOCKETS_TRANSPORT_FILE = 'libjanus_websockets.so';

export function newJanusSecrets(): JanusSecrets {
  const secret = () => randomBytes(24).toString('base64url');
  return { adminSecret: secret(), tokenAuthSecret: secret(), videoroomAdminKey: secret() };
}

/**
 * Where Janus keeps its modules next to a binary: Debian puts them in /usr/lib/<multiarch>/janus,
 * a source build in <prefix>/lib/janus. Null when none has the VideoRoom plugin.
 */
export function findJanusLibDir(binary: string): string | null {
  const prefix = join(binary, '..', '..');
  const candidates = [
    join(prefix, 'lib', `${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}-linux-gnu`, 'janus'),
    join(prefix, 'lib', 'janus'),
    join(prefix, 'lib64', 'janus'),
  ];
  return candidates.find((dir) => existsSync(join(dir, 'plugins', VIDEOROOM_PLUGIN_FILE))) ?? null;
}

/**
 * Where ICE gathers when the caller names nothing. Janus never gathers on a loopback interface
 * (see above), so the best is an address of the loopback range (127.0.0.0/8) that an interface
 * of its own carries — the tests and CI give one to a veth end (tests/support/loopback-ice.ts), so
 * media never leaves 127/8. Failing that, this machine's first non-loopback IPv4 address: its
 * traffic to itself still never leaves the machine. Only one address, so that the candidates stay
 * few and predictable. Empty when the machine has none.
 */
export function defaultIceAddresses(): string[] {
  const ipv4 = Object.values(networkInterfaces())
    .flatMap((addresses) => addresses ?? [])
    .filter((address) => address.family === 'IPv4' && !address.internal);
  const loopbackRange = ipv4.find((address) => address.address.startsWith('127.'));
  const first = loopbackRange ?? ipv4[0];
  return first ? [first.address] : [];
}

/** A port free on 127.0.0.1 right now (the OS picks it). */
export async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no loopback port was given'))));
    });
  });
}

/** Writes (or rewrites) the folder's files; the folder is created when missing. */
export function writeJanusConfig(dir: string, settings: JanusConfigSettings): JanusConfigFolder {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const configFile = join(dir, 'janus.jcfg');
  // Secrets are in these files: only this user reads them.
  const write = (name: string, text: string) => writeFileSync(join(dir, name), text, { mode: 0o600 });
  write('janus.jcfg', coreConfig(dir, settings));
  write('janus.transport.websockets.jcfg', websocketsConfig(settings.wsPort));
  write('janus.plugin.videoroom.jcfg', videoroomConfig(settings.secrets));
  return { dir, configFile };
}

/** libconfig strings: quotes and backslashes escaped. */
const str = (value: string) => `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;

/** Every module in `folder` but `keep`, by file name, for a `disable` directive. */
function othersIn(folder: string, keep: string | null): string {
  if (!existsSync(folder)) return '';
  return readdirSync(folder)
    .filter((name) => name.endsWith('.so') && name !== keep)
    .sort()
    .join(',');
}

function coreConfig(dir: string, settings: JanusConfigSettings): string {
  const { libDir, secrets } = settings;
  const folder = (name: string) => join(libDir, name);
  const media = [
    settings.rtpPortRange ? `rtp_port_range = ${str(`${settings.rtpPortRange.min}-${settings.rtpPortRange.max}`)}` : '',
    // Janus tells us when a peer's media stops for a second ("media" events); slow_link past 4 lost/s.
    'no_media_timer = 1',
    'slowlink_threshold = 4',
  ];
  return `# Written by the platform (platform/sfu/janus-config.ts) for its own Janus; do not edit.
general: {
  configs_folder = ${str(dir)}
  plugins_folder = ${str(folder('plugins'))}
  transports_folder = ${str(folder('transports'))}
  events_folder = ${str(folder('events'))}
  loggers_folder = ${str(folder('loggers'))}
  debug_level = 3
  debug_colors = false
  admin_secret = ${str(secrets.adminSecret)}
  token_auth = true
  token_auth_secret = ${str(secrets.tokenAuthSecret)}
  session_timeout = 60
  server_name = "exam-platform-sfu"
  hide_dependencies = true
}
certificates: {
}
media: {
${media.filter(Boolean).map((line) => `  ${line}`).join('\n')}
}
nat: {
  nice_debug = false
  ice_lite = ${settings.iceLite === true ? 'true' : 'false'}
  ice_enforce_list = ${str(settings.iceEnforceList.join(','))}
}
plugins: {
  disable = ${str(othersIn(folder('plugins'), VIDEOROOM_PLUGIN_FILE))}
}
transports: {
  disable = ${str(othersIn(folder('transports'), WEBSOCKETS_TRANSPORT_FILE))}
}
loggers: {
  disable = ${str(othersIn(folder('loggers'), null))}
}
events: {
  broadcast = false
  disable = ${str(othersIn(folder('events'), null))}
}
`;
}

function websocketsConfig(port: number): string {
  return `general: {
  json = "compact"
  ws = true
  ws_port = ${port}
  ws_ip = "127.0.0.1"
  wss = false
  ws_logging = "err,warn"
}
admin: {
  admin_ws = false
  admin_wss = false
}
cors: {
}
certificates: {
}
`;
}

function videoroomConfig(secrets: JanusSecrets): string {
  // No static rooms: the platform creates one per interview.
  return `general: {
  admin_key = ${str(secrets.videoroomAdminKey)}
  lock_rtp_forward = true
}
`;
}
