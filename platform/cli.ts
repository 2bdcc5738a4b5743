import { startPlatform } from './server';

/** `npm run platform [-- --port N]`: the reference platform on its own, on loopback. */
async function main(): Promise<void> {
  const portFlag = process.argv.indexOf('--port');
  const port = portFlag >= 0 ? Number(process.argv[portFlag + 1]) : 4100;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write('usage: npm run platform -- [--port N]\n');
    process.exit(2);
  }
  const platform = await startPlatform({ port });
  process.stdout.write(`Reference exam platform listening on ${platform.url}\n`);
  const stop = () => void platform.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

void main();
