import { parseArgs } from 'node:util';
import { startPlatform } from './server';

/**
 * `npm run platform [-- --port N] [--data-dir DIR] [--demo-media]`: the reference platform on
 * its own, on loopback. Without --data-dir its state lives in memory and ends with it.
 */
async function main(): Promise<void> {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string', default: '4100' },
        'data-dir': { type: 'string' },
        'demo-media': { type: 'boolean', default: false },
        'admin-secret': { type: 'string' },
      },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\nusage: npm run platform -- [--port N] [--data-dir DIR] [--demo-media] [--admin-secret S]\n`);
    process.exit(2);
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`--port must be a port number, not ${values.port}\n`);
    process.exit(2);
  }
  const dataDir = values['data-dir'] ?? null;
  if (values['demo-media'] && dataDir === null) {
    process.stderr.write('--demo-media needs --data-dir (the recordings are cached there)\n');
    process.exit(2);
  }
  const platform = await startPlatform({
    port,
    dataDir,
    demoMedia: values['demo-media'],
    ...(values['admin-secret'] !== undefined && { adminSecret: values['admin-secret'] }),
  });
  process.stdout.write(`Reference exam platform listening on ${platform.url}\n`);
  process.stdout.write(`Admin secret (header x-admin-secret): ${platform.adminSecret}\n`);
  process.stdout.write(dataDir ? `State in ${dataDir}\n` : 'State in memory (pass --data-dir to keep it)\n');
  process.stdout.write(`${platform.mediaNotice}\n`);
  const stop = () => void platform.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
